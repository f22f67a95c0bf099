/* demonolith report: what-if. Move a model, module, app or whole service to another (or a new)
   service and see the metrics, the crossings and the plan change, without a server. The
   computation mirrors reports/plan_view.py (effort points) and reports/readiness.py (inside share). */
(function () {
  "use strict";
  var root = null, D = null, base = null, moves = [];
  var SIZES = [[16, "S"], [64, "M"], [256, "L"], [1024, "XL"]];

  function load() {
    if (D) { return; }
    D = (window.demonolithData || {})["whatif-data"];
    if (!D) { return; }
    D.place = D.items.map(function (i) { return D.services[i[2]]; });
    base = compute(D.place);
    fillChoices();
    render();
  }

  function sizeOf(points) {
    for (var i = 0; i < SIZES.length; i++) { if (points < SIZES[i][0]) { return SIZES[i][1]; } }
    return "XXL";
  }

  /* the whole recomputation: one pass over edges and atomic blocks */
  function compute(place) {
    var per = {}, inside = 0, total = 0, kinds = {}, crossings = [], sagas = 0;
    function svc(name) {
      return per[name] || (per[name] = { name: name, lines: 0, tables: 0, routes: 0, items: 0, viol: 0, writes: 0, sagas: 0, inbound: {} });
    }
    D.items.forEach(function (it, n) { var s = svc(place[n]); s.lines += it[5]; s.tables += it[6]; s.routes += it[7]; s.items += 1; });
    D.edges.forEach(function (e) {
      var a = place[e[0]], b = place[e[1]], w = e[3];
      total += w;
      if (a === b) { inside += w; return; }
      var kind = D.violationOf[D.kinds[e[2]]];
      svc(b).inbound[a] = true;
      if (!kind) { return; }
      kinds[kind] = (kinds[kind] || 0) + e[4];
      per[a].viol += e[4]; per[b].viol += e[4];
      if (kind === "foreign-write") { per[a].writes += e[4]; }
      crossings.push(e);
    });
    D.tx.forEach(function (t) {
      var seen = {};
      t[3].forEach(function (w) { seen[place[w]] = true; });
      var names = Object.keys(seen);
      if (names.length < 2) { return; }
      sagas += 1;
      kinds["distributed-transaction"] = (kinds["distributed-transaction"] || 0) + 1;
      names.forEach(function (n) { svc(n).sagas += 1; svc(n).viol += 1; });
    });
    var steps = Object.keys(per).sort().map(function (name) {
      var s = per[name];
      s.points = Math.round(s.viol + 2 * s.writes + 2 * s.tables + s.routes / 2 + 10 * s.sagas);
      s.size = sizeOf(s.points);
      s.inboundCount = Object.keys(s.inbound).length;
      return s;
    }).filter(function (s) { return s.items > 0; });
    steps.sort(function (x, y) { return (x.sagas > 0) - (y.sagas > 0) || x.inboundCount - y.inboundCount || x.points - y.points || (x.name < y.name ? -1 : 1); });
    var count = 0;
    Object.keys(kinds).forEach(function (k) { count += kinds[k]; });
    return { services: steps.length, inside: total ? inside / total : 1, kinds: kinds, crossings: count,
             sagas: sagas, largest: Math.max.apply(null, steps.map(function (s) { return s.lines; }).concat([0])),
             steps: steps, list: crossings };
  }

  /* what can be moved: models, modules, apps, services */
  function fillChoices() {
    var list = document.getElementById("whatif-choices");
    var seen = {}, options = [];
    D.items.forEach(function (it) {
      if (it[1] === "model") { options.push("model " + it[0].slice(6)); }
      if (it[4] && !seen["m" + it[4]]) { seen["m" + it[4]] = 1; options.push("module " + it[4]); }
      if (it[3] && !seen["a" + it[3]]) { seen["a" + it[3]] = 1; options.push("app " + it[3]); }
    });
    D.services.forEach(function (s) { options.push("service " + s); });
    options.sort().forEach(function (o) { var opt = document.createElement("option"); opt.value = o; list.appendChild(opt); });
    var target = document.getElementById("whatif-target");
    D.services.forEach(function (s) { var opt = document.createElement("option"); opt.value = s; opt.textContent = s; target.appendChild(opt); });
  }

  function selects(what, it, n) {
    var kind = what.kind, name = what.name;
    if (kind === "model") { return it[0] === "model:" + name; }
    if (kind === "module") { return it[4] === name && it[1] !== "table"; }
    if (kind === "app") { return it[3] === name; }
    if (kind === "service") { return D.place[n] === name; }
    return false;
  }

  function placement() {
    var place = D.place.slice();
    moves.forEach(function (m) {
      D.items.forEach(function (it, n) { if (selects(m, it, n)) { place[n] = m.to; } });
    });
    return place;
  }

  function parse(text) {
    var m = /^(model|module|app|service)\s+(\S+)$/.exec(text.trim());
    return m ? { kind: m[1], name: m[2] } : null;
  }

  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; } if (cls) { e.className = cls; } return e; }

  function row(cells, header) {
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el(header ? "th" : "td", String(c))); });
    return tr;
  }

  function render() {
    var t0 = performance.now();
    var now = compute(placement());
    var metrics = document.getElementById("whatif-metrics");
    metrics.textContent = "";
    metrics.appendChild(row(["", "proposal", "with your moves", "change"], true));
    function line(label, a, b, fmt) { metrics.appendChild(row([label, fmt(a), fmt(b), b === a ? "=" : (b > a ? "+" : "") + fmt(b - a)])); }
    var pct = function (v) { return (100 * v).toFixed(1) + "%"; }, num = function (v) { return String(v); };
    line("services", base.services, now.services, num);
    line("coupling inside services", base.inside, now.inside, pct);
    line("crossings (all kinds)", base.crossings, now.crossings, num);
    Object.keys(Object.assign({}, base.kinds, now.kinds)).sort().forEach(function (k) { line("  " + k, base.kinds[k] || 0, now.kinds[k] || 0, num); });
    line("transactions to turn into sagas", base.sagas, now.sagas, num);
    line("largest service (lines)", base.largest, now.largest, num);
    var plan = document.getElementById("whatif-plan");
    plan.textContent = "";
    plan.appendChild(row(["#", "service", "effort", "points", "crossings", "tables", "routes", "sagas", "depended on by"], true));
    now.steps.forEach(function (s, i) { plan.appendChild(row([i + 1, s.name, s.size, s.points, s.viol, s.tables, s.routes, s.sagas, s.inboundCount])); });
    var cross = document.getElementById("whatif-crossings");
    cross.textContent = "";
    var gone = base.list.filter(function (e) { return now.list.indexOf(e) < 0; });
    var added = now.list.filter(function (e) { return base.list.indexOf(e) < 0; });
    [[added, "new"], [gone, "fixed by the moves"]].forEach(function (pair) {
      pair[0].slice(0, 30).forEach(function (e) {
        var li = el("li");
        li.appendChild(el("span", pair[1], "badge"));
        li.appendChild(document.createTextNode(" " + (e[7] || D.items[e[0]][0] + " -> " + D.items[e[1]][0]) + " "));
        li.appendChild(el("code", e[5] + ":" + e[6], "loc"));
        cross.appendChild(li);
      });
      if (pair[0].length > 30) { cross.appendChild(el("li", "+" + (pair[0].length - 30) + " more " + pair[1], "muted")); }
    });
    document.getElementById("whatif-toml").textContent = toml();
    var moveList = document.getElementById("whatif-moves");
    moveList.textContent = "";
    moves.forEach(function (m, i) {
      var li = el("li", m.kind + " " + m.name + " → " + m.to + " ");
      var undo = el("button", "undo");
      undo.type = "button";
      undo.addEventListener("click", function () { moves.splice(i, 1); render(); });
      li.appendChild(undo);
      moveList.appendChild(li);
    });
    var ms = performance.now() - t0;
    root.dataset.recomputeMs = ms.toFixed(1);
    document.getElementById("whatif-time").textContent = "recomputed in " + ms.toFixed(1) + " ms";
  }

  function q(s) { return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; }

  function toml() {
    if (!moves.length) { return "# no moves yet"; }
    var pins = [], together = [];
    moves.forEach(function (m) {
      if (m.kind === "service") {
        (D.apps[m.name] || []).forEach(function (app) { pins.push(q(app) + " = " + q(m.to)); });
        together.push("[" + [m.name, m.to].map(q).join(", ") + "]");
      } else {
        pins.push(q(m.name) + " = " + q(m.to));
      }
    });
    var out = ["[tool.demonolith]"];
    if (together.length) { out.push("keep_together = [" + together.join(", ") + "]  # merged services"); }
    out.push("", "[tool.demonolith.pin]");
    return out.concat(pins).join("\n");
  }

  function setup() {
    root = document.getElementById("whatif");
    var form = document.getElementById("whatif-form");
    if (!root || !form || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    form.addEventListener("submit", submit);
    load();
  }

  function submit(ev) {
    ev.preventDefault();
    var what = parse(document.getElementById("whatif-what").value);
    var to = document.getElementById("whatif-new").value.trim() || document.getElementById("whatif-target").value;
    var error = document.getElementById("whatif-error");
    error.textContent = "";
    if (!what || !to) { error.textContent = "choose what to move (e.g. \"model orders.Order\") and where"; return; }
    var hit = D.items.some(function (it, n) { return selects(what, it, n); });
    if (!hit) { error.textContent = "nothing in the proposal is called " + what.kind + " " + what.name; return; }
    moves.push({ kind: what.kind, name: what.name, to: to });
    render();
  }
  document.addEventListener("whatif:open", setup);
  window.demonolithWhatif = { compute: function () { return compute(placement()); } };
})();
