"""Graphviz DOT text for the service map and for the inside of one service.

Everything is sorted before it is written, so the same Analysis always gives the same bytes
(the habit of import-linter's ``domain/dotfile.py``). Names come from user code, so every string
goes through :func:`quote`; node links point at the report's element ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from analyzer.model.analysis import Analysis, Service, ServiceDependency
from analyzer.model.wording import plural
from reports.ids import service_item_id, service_page_id

PALETTE = (
    "#cfe3ff", "#d4f4dd", "#ffe7c2", "#f9d3e0", "#e3d9ff", "#c9f1f1",
    "#fff3b0", "#e0e7d0", "#ffd6cc", "#d9e4ec", "#f0dcf5", "#dff5c9",
)
_HEADER = (
    '  graph [bgcolor="transparent", fontname="Helvetica", fontsize=11, nodesep=0.45, ranksep=0.8];',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, '
    'fontcolor="#1a1a1a", color="#5b6475", fillcolor="#eef1f5"];',
    '  edge [color="#8a94a6", fontname="Helvetica", fontsize=9, fontcolor="#8a94a6", arrowsize=0.7];',
)
MAX_INSIDE_NODES = 400
FLOW_LAYOUT_MAX = 8  # up to this many services the map is drawn in layers, beyond as a force layout


def quote(text: str) -> str:
    """Return ``text`` as a DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def attrs(**values: str | float) -> str:
    """Return a DOT attribute list, keys sorted; strings quoted, numbers written as they are."""
    parts = []
    for key in sorted(values):
        value = values[key]
        text = quote(value) if isinstance(value, str) else f"{value:g}"
        parts.append(f"{key}={text}")
    return "[" + ", ".join(parts) + "]"


def service_colors(analysis: Analysis) -> dict[str, str]:
    """Return a fill colour per service, assigned in name order so it is stable."""
    names = sorted(s.name for s in analysis.services)
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def strongest_dependencies(analysis: Analysis, per_service: int = 2) -> tuple[ServiceDependency, ...]:
    """Each service's ``per_service`` heaviest dependencies out and in: the map one can read."""
    kept: set[tuple[str, str]] = set()
    for name in sorted(s.name for s in analysis.services):
        for end in ("source", "target"):
            mine = sorted((d for d in analysis.dependencies if getattr(d, end) == name),
                          key=lambda d: (-d.weight, d.source, d.target))
            kept |= {(d.source, d.target) for d in mine[:per_service]}
    return tuple(d for d in analysis.dependencies if (d.source, d.target) in kept)


def service_map_dot(analysis: Analysis, strongest: bool = False) -> str:
    """Return the service map: one node per service sized by its code, edges weighted by coupling.

    ``strongest`` keeps only each service's heaviest dependencies and lays them out in layers.
    """
    colors = service_colors(analysis)
    biggest = max((s.lines for s in analysis.services), default=0) or 1
    dependencies = strongest_dependencies(analysis) if strongest else analysis.dependencies
    heaviest = max((d.weight for d in dependencies), default=0.0) or 1.0
    layout = "  graph [rankdir=LR];" if strongest else _map_layout(len(analysis.services))
    lines = ["digraph services {", *_HEADER, layout]
    many = len(analysis.services) > FLOW_LAYOUT_MAX
    for service in sorted(analysis.services, key=lambda s: s.name):
        violations = len(analysis.violations_of(service.name))
        counts = (f"{plural(len(service.modules), 'module')} · {plural(len(service.models), 'model')} · "
                  f"{plural(len(service.tables), 'table')}")
        size = f"{plural(service.lines, 'line')} · {plural(violations, 'violation')}"
        label = f"{service.name}\n{size}" if many else f"{service.name}\n{counts}\n{size}"
        width = 1.6 + 1.8 * math.sqrt(service.lines / biggest)
        node = attrs(label=label, fillcolor=colors[service.name], width=round(width, 2),
                     URL="#" + service_page_id(service.name),
                     tooltip=f"apps: {', '.join(service.apps)}; {counts}",
                     id="node-" + service_page_id(service.name))
        lines.append(f"  {quote(service.name)} {node};")
    for dep in sorted(dependencies, key=lambda d: (d.source, d.target)):
        tooltip = f"{dep.source} → {dep.target}: {dep.weight:g} (" + ", ".join(sorted(dep.kinds)) + ")"
        penwidth = round(1 + 5 * dep.weight / heaviest, 2)
        edge = (attrs(penwidth=penwidth, tooltip=tooltip) if many  # labels would clutter a big map
                else attrs(penwidth=penwidth, label=f"{dep.weight:g}", tooltip=tooltip))
        lines.append(f"  {quote(dep.source)} -> {quote(dep.target)} {edge};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _map_layout(services: int) -> str:
    """Left-to-right layers read best for a few services; a force layout stays compact for many."""
    if services <= FLOW_LAYOUT_MAX:
        return "  graph [rankdir=LR];"
    return '  graph [layout=neato, overlap=false, sep="+8", splines=true, esep="+4"];'


def module_of(qualified_name: str, modules: Iterable[str]) -> str:
    """Return the longest of ``modules`` that contains ``qualified_name``, else its parent name;
    ``modules`` given as a set is looked up as it is (a caller with many names builds it once)."""
    known = modules if isinstance(modules, set | frozenset) else frozenset(modules)
    name = qualified_name
    while name not in known:
        name, dot, _ = name.rpartition(".")
        if not dot:
            return qualified_name.rsplit(".", 1)[0]
    return name


def module_of_path(path: str) -> str:
    """Return the dotted module of a source path relative to the root (``a/b.py`` -> ``a.b``)."""
    dotted = path.removesuffix(".py").replace("/", ".")
    return dotted.removesuffix(".__init__")


def service_inside_dot(analysis: Analysis, service: Service) -> str:
    """Return the inside of one service: routes -> modules -> models -> tables, and its FKs out."""
    edges: set[tuple[str, str, str]] = set()
    nodes: dict[str, str] = {}
    _add_modules(service, nodes)
    _add_models(analysis, service, nodes, edges)
    _add_tables(service, nodes)
    if len(nodes) + len(service.routes) <= MAX_INSIDE_NODES:
        _add_routes(analysis, service, nodes, edges)
    _add_external_uses(analysis, service, nodes, edges)
    _collapse_lone_modules(service, nodes, edges)
    lines = ["digraph service {", *_HEADER, "  graph [rankdir=LR];"]
    lines += [f"  {quote(node_id)} {nodes[node_id]};" for node_id in sorted(nodes)]
    for source, target, style in sorted(edges):
        if source in nodes and target in nodes:
            lines.append(f"  {quote(source)} -> {quote(target)} {attrs(style=style)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _collapse_lone_modules(service: Service, nodes: dict[str, str],
                           edges: set[tuple[str, str, str]]) -> None:
    """Replace the modules that touch nothing drawn by one node pointing at the module list."""
    linked = {end for edge in edges for end in edge[:2]}
    lone = [n for n in nodes if n.startswith("module:") and n not in linked]
    if len(lone) < 2:
        return
    for node_id in lone:
        del nodes[node_id]
    nodes["module:*"] = attrs(label=f"+{len(lone)} more modules", style="dotted,rounded",
                              URL=_link(service, "section", "modules"),
                              tooltip="modules without routes, models or calls out: see the list")


def _link(service: Service, kind: str, name: str) -> str:
    return "#" + service_item_id(service.name, kind, name)


def _add_modules(service: Service, nodes: dict[str, str]) -> None:
    for module in service.modules:
        nodes["module:" + module] = attrs(label=module, URL=_link(service, "module", module),
                                          tooltip="module " + module)


def _add_models(analysis: Analysis, service: Service, nodes: dict[str, str],
                edges: set[tuple[str, str, str]]) -> None:
    owned = set(service.models)
    for model in analysis.models:
        if model.label not in owned:
            continue
        nodes["model:" + model.label] = attrs(
            label=model.name, shape="component", fillcolor="#fff7d6",
            URL=_link(service, "model", model.label), tooltip="model " + model.label)
        edges.add(("module:" + model.module, "model:" + model.label, "solid"))
        if model.db_table in service.tables:
            edges.add(("model:" + model.label, "table:" + model.db_table, "solid"))
        for field in model.fields:
            if field.target and field.target not in owned:
                nodes.setdefault("model:" + field.target, attrs(
                    label=field.target, style="dashed,rounded,filled", fillcolor="#f2f4f7",
                    tooltip="model of another service"))
                edges.add(("model:" + model.label, "model:" + field.target, "dashed"))
            elif field.target:
                edges.add(("model:" + model.label, "model:" + field.target, "solid"))


def _add_tables(service: Service, nodes: dict[str, str]) -> None:
    for table in service.tables:
        nodes["table:" + table] = attrs(label=table, shape="cylinder", style="filled",
                                        fillcolor="#e6f0e6", URL=_link(service, "table", table),
                                        tooltip="table " + table)


def _add_routes(analysis: Analysis, service: Service, nodes: dict[str, str],
                edges: set[tuple[str, str, str]]) -> None:
    served = set(service.routes)
    modules = frozenset(service.modules)
    for route in analysis.routes:
        if route.pattern not in served:
            continue
        nodes["route:" + route.pattern] = attrs(
            label=route.pattern, shape="note", style="filled", fillcolor="#e8eefc",
            URL=_link(service, "route", route.pattern), tooltip="view " + route.view)
        edges.add(("route:" + route.pattern, "module:" + module_of(route.view, modules),
                   "solid"))


def _add_external_uses(analysis: Analysis, service: Service, nodes: dict[str, str],
                       edges: set[tuple[str, str, str]]) -> None:
    ours = set(service.modules)
    for interface in analysis.interfaces:
        if service.name not in interface.used_by or interface.service == service.name:
            continue
        target = "unit:" + interface.name
        for use in interface.uses:
            user = module_of_path(use.path)
            if user in ours:
                nodes.setdefault(target, attrs(
                    label=f"{interface.service}: {interface.name}", style="dashed,rounded,filled",
                    fillcolor="#f2f4f7", tooltip="used across the boundary"))
                edges.add(("module:" + user, target, "dashed"))
