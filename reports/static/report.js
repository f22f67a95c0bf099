/* demonolith report: page switching from the URL hash, search, violation filters, pan and zoom.
   Plain ES2017, no dependencies, no network. */
(function () {
  "use strict";
  var navLinks = Array.prototype.slice.call(document.querySelectorAll("nav.side a"));

  /* ---- packed data: deflated JSON in base64, unpacked once by the browser itself */
  function unpackText(text) {
    var bytes = Uint8Array.from(atob(text.trim()), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }
  function unpack(id) {
    var node = document.getElementById(id);
    return node ? unpackText(node.textContent) : Promise.resolve(null);
  }
  /* a large drawing waits packed in its box's data-packed-svg until its page is shown */
  function drawPictures(scope) {
    return Promise.all(Array.prototype.map.call(scope.querySelectorAll("[data-packed-svg]"), function (box) {
      var text = box.dataset.packedSvg;
      box.removeAttribute("data-packed-svg");
      return unpackText(text).then(function (svg) { box.insertAdjacentHTML("beforeend", svg); zoomable(box); });
    }));
  }
  var DATA = window.demonolithData = {};
  var dataReady = Promise.all(["search-index", "violations-data", "whatif-data"].map(function (id) {
    return unpack(id).then(function (value) { DATA[id] = value; });
  }));
  var baseTitle = document.title;

  /* ---- pages rendered on demand: every page but the overview waits in a <template> */
  function materialize(tpl) {
    var frag = tpl.content;
    var page = frag.firstElementChild;
    tpl.parentNode.replaceChild(frag, tpl);
    Array.prototype.forEach.call(page.querySelectorAll("[data-zoom]:not([data-packed-svg])"), zoomable);
    drawPictures(page);
    fillViolationLists(page);
    sortableTables(page);
    page.dispatchEvent(new CustomEvent(page.id === "whatif" ? "whatif:open" : "page:open", { bubbles: true }));
    return page;
  }
  function findElement(id) {
    var found = document.getElementById(id);
    if (found) { return found; }
    var templates = document.querySelectorAll("template.lazy-page");
    for (var i = 0; i < templates.length; i++) {
      if (templates[i].dataset.page === id || templates[i].content.getElementById(id)) {
        materialize(templates[i]);
        return document.getElementById(id);
      }
    }
    if (/^v-/.test(id) && violationData().byId[id] !== undefined) {
      findElement("violations");
      revealViolation(id);
      return document.getElementById(id);
    }
    return null;
  }

  /* ---- pages: the hash names any element; its page is shown and the element brought into view */
  function show(hash) {
    var id = decodeURIComponent((hash || "").replace(/^#/, "")) || "overview";
    var target = findElement(id);
    var page = target && target.closest(".page");
    if (!page) { target = page = document.getElementById("overview"); }
    if (page.id === "whatif") { page.dispatchEvent(new CustomEvent("whatif:open", { bubbles: true })); }
    Array.prototype.forEach.call(document.querySelectorAll(".page"), function (p) { p.classList.toggle("active", p === page); });
    navLinks.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + page.id); });
    document.title = (page.dataset.title || "") + " · " + baseTitle;
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) { d.open = true; }
    if (target.tagName === "DETAILS") { target.open = true; openViolation(target); }
    if (target === page) { window.scrollTo(0, 0); return; }
    target.scrollIntoView({ block: /^H[1-6]$/.test(target.tagName) ? "start" : "center" });
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  }
  /* ---- search */
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var index = null;
  var shown = [];
  var selected = -1;

  function entries() {
    if (index === null) {
      if (!DATA["search-index"]) { return []; }
      index = DATA["search-index"].map(function (e) {
        e.l = e.n.toLowerCase();
        return e;
      });
    }
    return index;
  }

  function rank(e, q) {
    var name = e.l;
    var last = name.slice(name.lastIndexOf(".") + 1);
    if (name === q || last === q) { return 0; }
    if (name.indexOf(q) === 0 || last.indexOf(q) === 0) { return 1; }
    return 2;
  }

  function find(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    var hits = entries().filter(function (e) {
      return words.every(function (w) { return e.l.indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) {
      return rank(a, words[0]) - rank(b, words[0]) || a.n.length - b.n.length || (a.n < b.n ? -1 : 1);
    });
    return hits.slice(0, 40);
  }

  function render() {
    list.textContent = "";
    shown.forEach(function (e, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === selected));
      li.dataset.target = e.t;
      var kind = document.createElement("span");
      kind.className = "badge";
      kind.textContent = e.k;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = e.n;
      var svc = document.createElement("span");
      svc.className = "svc";
      svc.textContent = "→ " + e.s;
      li.append(kind, name, svc);
      list.appendChild(li);
    });
    if (input.value && !shown.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "nothing found";
      list.appendChild(none);
    }
    list.hidden = !input.value;
  }

  function go(target) {
    list.hidden = true;
    input.blur();
    if (location.hash === "#" + target) { show(location.hash); } else { location.hash = target; }
  }

  input.addEventListener("input", function () { shown = find(input.value); selected = shown.length ? 0 : -1; render(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (shown.length) { selected = (selected + (ev.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length; render(); }
    } else if (ev.key === "Enter" && selected >= 0) {
      go(shown[selected].t);
    } else if (ev.key === "Escape") {
      input.value = ""; shown = []; render();
    }
  });
  list.addEventListener("mousedown", function (ev) {
    var li = ev.target.closest("li[data-target]");
    if (li) { ev.preventDefault(); go(li.dataset.target); }
  });
  input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  input.addEventListener("focus", function () { if (input.value) { list.hidden = false; } });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== input && !/INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      input.focus();
    }
  });

  /* ---- violations: one JSON list, rendered a page at a time, source lines when opened */
  var VDATA = null;
  var BATCH = 100;
  function violationData() {
    if (VDATA === null) {
      var packed = DATA["violations-data"] || { v: [], f: {} };
      var list = packed.v;
      var byId = {};
      list.forEach(function (v, i) {
        v.i = v.i || "v-" + v.id;
        byId[v.i] = i;
        if (v.m) { v.c = sourceLines(packed.f[v.p] || [], v.n, v.m); }
      });
      VDATA = { list: list, byId: byId, shown: 0, matching: list };
    }
    return VDATA;
  }
  /* each file's lines are stored once, as runs [first line, [text, ...]]; a snippet lies in one run */
  function sourceLines(runs, first, length) {
    for (var r = 0; r < runs.length; r++) {
      var start = runs[r][0], texts = runs[r][1];
      if (start <= first && first < start + texts.length) { return texts.slice(first - start, first - start + length); }
    }
    return [];
  }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) { e.textContent = text; } if (cls) { e.className = cls; } return e; }
  function svcLink(name) { var a = el("a", name, "svc-link"); a.href = "#svc-" + name; return a; }
  function locCode(v) { return el("code", v.p + ":" + v.l, "loc"); }
  function violationEntry(v) {
    var d = el("details", null, "violation");
    d.id = v.i;
    var sum = el("summary");
    sum.appendChild(el("span", v.k, "badge kind-" + v.k));
    sum.appendChild(el("span", v.s, "subject"));
    sum.appendChild(locCode(v));
    d.appendChild(sum);
    d.addEventListener("toggle", function () { openViolation(d); });
    return d;
  }
  function openViolation(d) {
    if (!d.open || d.dataset.filled) { return; }
    var v = violationData().list[violationData().byId[d.id]];
    if (!v) { return; }
    d.dataset.filled = "1";
    var body = el("div", null, "violation-body");
    var p = el("p");
    p.appendChild(svcLink(v.f));
    p.appendChild(document.createTextNode(" crosses into "));
    v.t.forEach(function (t, i) { if (i) { p.appendChild(document.createTextNode(", ")); } p.appendChild(svcLink(t)); });
    p.appendChild(document.createTextNode(" · "));
    p.appendChild(el("code", v.id, "muted"));
    body.appendChild(p);
    if (v.c && v.c.length) {
      var pre = el("pre", null, "snippet");
      pre.setAttribute("aria-label", "source lines around " + v.p + ":" + v.l);
      var code = el("code");
      v.c.forEach(function (text, i) {
        var n = v.n + i;
        var line = el("span", null, "line" + (n === v.l ? " hit" : ""));
        line.appendChild(el("span", String(n), "num"));
        line.appendChild(document.createTextNode(text));
        code.appendChild(line);
      });
      pre.appendChild(code);
      body.appendChild(pre);
    } else {
      body.appendChild(el("p", "Source lines not available in the analysis.", "muted"));
    }
    var remedy = el("p", null, "remedy");
    remedy.appendChild(el("b", "Remedy."));
    remedy.appendChild(document.createTextNode(" " + v.r));
    body.appendChild(remedy);
    if (v.g) {
      body.appendChild(el("h3", "Saga “" + v.g.name + "”"));
      var table = el("table", null, "list saga");
      var head = el("tr");
      ["#", "service", "step", "compensation if a later step fails"].forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      v.g.steps.forEach(function (step, i) {
        var tr = el("tr");
        tr.appendChild(el("td", String(i + 1)));
        var td = el("td"); td.appendChild(svcLink(step[0])); tr.appendChild(td);
        tr.appendChild(el("td", step[1]));
        tr.appendChild(el("td", step[2]));
        table.appendChild(tr);
      });
      body.appendChild(table);
    }
    d.appendChild(body);
  }
  function renderMore(upTo) {
    var data = violationData();
    var box = document.getElementById("violation-list");
    if (!box) { return; }
    var end = Math.min(data.matching.length, Math.max(upTo || 0, data.shown + BATCH));
    for (var i = data.shown; i < end; i++) { box.appendChild(violationEntry(data.matching[i])); }
    data.shown = end;
    var more = document.getElementById("violation-more");
    more.hidden = data.shown >= data.matching.length;
    more.textContent = "show " + Math.min(BATCH, data.matching.length - data.shown) + " more";
    document.getElementById("filter-count").textContent = data.matching.length + " of " + data.list.length + " shown" +
      (data.shown < data.matching.length ? " (first " + data.shown + " listed)" : "");
  }
  function filter() {
    var data = violationData();
    var kind = document.getElementById("filter-kind").value;
    var service = document.getElementById("filter-service").value;
    data.matching = data.list.filter(function (v) {
      return (!kind || v.k === kind) && (!service || v.f === service || v.t.indexOf(service) >= 0);
    });
    data.shown = 0;
    document.getElementById("violation-list").textContent = "";
    renderMore();
  }
  function revealViolation(id) {
    var data = violationData();
    if (document.getElementById(id)) { return; }
    document.getElementById("filter-kind").value = "";
    document.getElementById("filter-service").value = "";
    filter();
    renderMore(data.byId[id] + 1);
  }
  function setUpViolationsPage(page) {
    if (page.id !== "violations" || page.dataset.ready) { return; }
    page.dataset.ready = "1";
    document.getElementById("filter-kind").addEventListener("change", filter);
    document.getElementById("filter-service").addEventListener("change", filter);
    document.getElementById("violation-more").addEventListener("click", function () { renderMore(); });
    var want = page.dataset.wantKind || "", svc = page.dataset.wantService || "";
    document.getElementById("filter-kind").value = want;
    document.getElementById("filter-service").value = svc;
    filter();
  }
  /* a service's (or the data page's) own short list, from the same JSON */
  function fillViolationLists(page) {
    setUpViolationsPage(page);
    Array.prototype.forEach.call(page.querySelectorAll("[data-violations-of]"), function (box) {
      var svc = box.dataset.violationsOf, kinds = (box.dataset.kinds || "").split(" ").filter(Boolean);
      var hits = violationData().list.filter(function (v) {
        return (!svc || v.f === svc || v.t.indexOf(svc) >= 0) && (!kinds.length || kinds.indexOf(v.k) >= 0);
      });
      var limit = Number(box.dataset.limit || 25);
      var table = el("table", null, "list");
      var head = el("tr");
      ["kind", "what crosses", "where", "services", "fix"].forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      hits.slice(0, limit).forEach(function (v) {
        var tr = el("tr");
        var k = el("td"); k.appendChild(el("span", v.k, "badge kind-" + v.k)); tr.appendChild(k);
        var s = el("td"); var a = el("a", v.s); a.href = "#" + v.i; s.appendChild(a); tr.appendChild(s);
        var w = el("td"); w.appendChild(locCode(v)); tr.appendChild(w);
        var x = el("td"); x.appendChild(svcLink(v.f)); x.appendChild(document.createTextNode(" → " + v.t.join(", "))); tr.appendChild(x);
        tr.appendChild(el("td", v.r, "small remedy"));
        table.appendChild(tr);
      });
      box.textContent = "";
      if (!hits.length) { box.appendChild(el("p", "None.", "muted")); return; }
      box.appendChild(table);
      if (hits.length > limit) {
        var more = el("a", "all " + hits.length + " on the violations page");
        more.href = "#violations";
        more.dataset.filterService = svc;
        box.appendChild(more);
      }
    });
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("[data-filter-kind], [data-filter-service]");
    if (!link) { return; }
    var tpl = document.querySelector('template.lazy-page[data-page="violations"]');
    var page = tpl ? tpl.content.firstElementChild : document.getElementById("violations");
    if (!page) { return; }
    page.dataset.wantKind = link.dataset.filterKind || "";
    page.dataset.wantService = link.dataset.filterService || "";
    if (!tpl) {
      document.getElementById("filter-kind").value = page.dataset.wantKind;
      document.getElementById("filter-service").value = page.dataset.wantService;
      filter();
    }
  });

  /* ---- sortable, filterable tables (the ownership table) */
  function sortableTables(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("table.sortable"), function (table) {
      if (table.dataset.ready) { return; }
      table.dataset.ready = "1";
      var body = table.tBodies[0];
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
        th.classList.add("sort");
        th.addEventListener("click", function () {
          var dir = th.dataset.dir === "asc" ? "desc" : "asc";
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { delete c.dataset.dir; });
          th.dataset.dir = dir;
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
            var r = x.localeCompare(y, undefined, { numeric: true });
            return dir === "asc" ? r : -r;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
      var input = document.querySelector('input[data-filters="' + table.id + '"]');
      if (input) {
        input.addEventListener("input", function () {
          var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
          var n = 0;
          Array.prototype.forEach.call(body.rows, function (r) {
            var text = r.textContent.toLowerCase();
            r.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
            if (!r.hidden) { n += 1; }
          });
          var out = document.querySelector('[data-count-of="' + table.id + '"]');
          if (out) { var noun = out.dataset.noun || "table"; out.textContent = n + " of " + body.rows.length + " " + noun + (body.rows.length === 1 ? "" : "s"); }
        });
      }
    });
  }

  /* ---- the service map: strongest dependencies first, all of them on demand */
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-map-toggle]");
    if (!button) { return; }
    var strong = document.getElementById("map-strong"), all = document.getElementById("map-all");
    var showAll = all.hidden;
    all.hidden = !showAll; strong.hidden = showAll;
    button.textContent = showAll ? button.dataset.less : button.dataset.more;
  });

  /* ---- pan and zoom: the buttons, Ctrl/⌘ + wheel (or wheel once clicked into), drag to pan */
  function zoomable(box) {
    var svg = box.querySelector("svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) { return; }
    var base = svg.viewBox.baseVal;
    var home = [base.x, base.y, base.width, base.height];
    var view = home.slice();
    var drag = null;
    var moved = false;
    function apply() { svg.setAttribute("viewBox", view.map(function (n) { return n.toFixed(2); }).join(" ")); }
    function zoom(factor, fx, fy) {
      var w = Math.min(home[2] * 4, Math.max(home[2] / 40, view[2] * factor));
      var f = w / view[2];
      view = [fx - (fx - view[0]) * f, fy - (fy - view[1]) * f, view[2] * f, view[3] * f];
      apply();
    }
    function center() { return [view[0] + view[2] / 2, view[1] + view[3] / 2]; }
    function toGraph(ev) {
      var r = svg.getBoundingClientRect();
      return [view[0] + (ev.clientX - r.left) / r.width * view[2], view[1] + (ev.clientY - r.top) / r.height * view[3]];
    }
    box.querySelector("[data-zoom-in]").addEventListener("click", function () { var c = center(); zoom(1 / 1.4, c[0], c[1]); });
    box.querySelector("[data-zoom-out]").addEventListener("click", function () { var c = center(); zoom(1.4, c[0], c[1]); });
    box.querySelector("[data-zoom-reset]").addEventListener("click", function () { view = home.slice(); apply(); });
    svg.addEventListener("wheel", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey || box.classList.contains("engaged"))) { return; }
      ev.preventDefault();
      var p = toGraph(ev);
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p[0], p[1]);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (ev) {
      box.classList.add("engaged");
      drag = { x: ev.clientX, y: ev.clientY, view: view.slice() };
      moved = false;
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!drag) { return; }
      var r = svg.getBoundingClientRect();
      var dx = ev.clientX - drag.x;
      var dy = ev.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
      if (!moved) { svg.setPointerCapture(ev.pointerId); box.classList.add("dragging"); }
      moved = true;
      view = [drag.view[0] - dx / r.width * view[2], drag.view[1] - dy / r.height * view[3], view[2], view[3]];
      apply();
    });
    function end() { drag = null; box.classList.remove("dragging"); }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); ev.stopPropagation(); moved = false; } }, true);
    box.addEventListener("pointerleave", function () { box.classList.remove("engaged"); end(); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]:not([data-packed-svg])"), zoomable);

  /* ---- print everything: every page rendered */
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("template.lazy-page"), materialize);
  });

  dataReady.then(function () { return drawPictures(document.getElementById("overview")); }).then(function () {
    fillViolationLists(document.getElementById("overview"));
    sortableTables(document);
    window.addEventListener("hashchange", function () { show(location.hash); });
    show(location.hash);
    document.documentElement.dataset.ready = "1";
  });
})();
