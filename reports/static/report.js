/* demonolith report: page switching from the URL hash, search, violation filters, pan and zoom.
   Plain ES2017, no dependencies, no network. */
(function () {
  "use strict";
  var pages = Array.prototype.slice.call(document.querySelectorAll(".page"));
  var navLinks = Array.prototype.slice.call(document.querySelectorAll("nav.side a"));
  var baseTitle = document.title;

  /* ---- pages: the hash names any element; its page is shown and the element brought into view */
  function show(hash) {
    var id = decodeURIComponent((hash || "").replace(/^#/, "")) || "overview";
    var target = document.getElementById(id);
    var page = target && target.closest(".page");
    if (!page) { target = page = document.getElementById("overview"); }
    pages.forEach(function (p) { p.classList.toggle("active", p === page); });
    navLinks.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + page.id); });
    document.title = (page.dataset.title || "") + " · " + baseTitle;
    if (target.tagName === "DETAILS") { target.open = true; }
    if (target === page) { window.scrollTo(0, 0); return; }
    target.scrollIntoView({ block: "center" });
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  }
  window.addEventListener("hashchange", function () { show(location.hash); });

  /* ---- search */
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var index = null;
  var shown = [];
  var selected = -1;

  function entries() {
    if (index === null) {
      index = JSON.parse(document.getElementById("search-index").textContent).map(function (e) {
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

  /* ---- violation filters */
  var kindSelect = document.getElementById("filter-kind");
  var serviceSelect = document.getElementById("filter-service");
  var counter = document.getElementById("filter-count");
  var violations = Array.prototype.slice.call(document.querySelectorAll("details.violation"));

  function filter() {
    var kind = kindSelect.value;
    var service = serviceSelect.value;
    var count = 0;
    violations.forEach(function (v) {
      var ok = (!kind || v.dataset.kind === kind) &&
        (!service || JSON.parse(v.dataset.services).indexOf(service) >= 0);
      v.hidden = !ok;
      if (ok) { count += 1; }
    });
    counter.textContent = count + " of " + violations.length + " shown";
  }
  if (kindSelect) {
    kindSelect.addEventListener("change", filter);
    serviceSelect.addEventListener("change", filter);
    document.addEventListener("click", function (ev) {
      var link = ev.target.closest("[data-filter-kind]");
      if (!link) { return; }
      var option = kindSelect.querySelector('option[value="' + CSS.escape(link.dataset.filterKind) + '"]');
      kindSelect.value = option ? link.dataset.filterKind : "";
      serviceSelect.value = "";
      filter();
    });
  }

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
  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), zoomable);

  /* ---- print everything, violations open */
  window.addEventListener("beforeprint", function () {
    violations.forEach(function (v) { v.hidden = false; v.open = true; });
  });

  show(location.hash);
})();
