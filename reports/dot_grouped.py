"""The inside of a large service, grouped: packages of modules, models by aggregate, one node per
other service, so that a service of 600 modules still draws as a picture one can read.

Groups are the module packages at the deepest level that yields at most ``MAX_GROUPS`` of them;
models are grouped by the module defining them (Django's own aggregate boundary: one
``models.py``) when there are more than ``MAX_MODELS``. Each group links to its list on the page,
where it expands.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from analyzer.model.analysis import Analysis, ModelInfo, Service
from analyzer.model.wording import plural
from reports.dot import _HEADER, attrs, module_of, module_of_path, quote
from reports.ids import service_item_id, service_page_id

MAX_GROUPS = 14
MAX_MODELS = 24


def module_groups(modules: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Module -> its group: the package prefix at the deepest depth giving at most MAX_GROUPS."""
    best = {m: m.split(".", 1)[0] for m in modules}
    for depth in range(2, 8):
        grouped = {m: ".".join(m.split(".")[:depth]) for m in modules}
        if len(set(grouped.values())) > MAX_GROUPS:
            break
        best = grouped
    return best


def group_anchor(service: str, group: str) -> str:
    """The id of a group's entry in the service page's module list."""
    return service_item_id(service, "group", group)


def grouped_inside_dot(analysis: Analysis, service: Service) -> str:
    """Routes -> module groups -> model groups -> other services, edges weighted by count."""
    groups = module_groups(list(service.modules))
    sizes = Counter(groups.values())
    owned = set(service.models)
    models = [m for m in analysis.models if m.label in owned]
    model_node = ({m.label: "model:" + m.label for m in models} if len(models) <= MAX_MODELS
                  else {m.label: "models:" + m.module for m in models})
    lines = ["digraph service {", *_HEADER, "  graph [rankdir=LR];"]
    for group, size in sorted(sizes.items()):
        lines.append(f"  {quote('group:' + group)} " + attrs(
            label=f"{group}\n{size} modules", URL="#" + group_anchor(service.name, group),
            tooltip=f"{size} modules under {group}: open the list"))
    for node, count in sorted(Counter(model_node.values()).items()):
        label = node.split(":", 1)[1] + ("\n" + plural(count, "model") if node.startswith("models:") else "")
        lines.append(f"  {quote(node)} " + attrs(label=label, shape="component", fillcolor="#fff7d6"))
    edges = _inside_edges(analysis, service, groups, models, model_node)
    if service.routes:
        lines.append('  "routes" ' + attrs(label=plural(len(service.routes), "route"), shape="note",
                                           fillcolor="#e8eefc", style="filled",
                                           URL="#" + service_item_id(service.name, "section", "routes")))
    others = sorted({t for (_, t, _) in edges if t.startswith("svc:")})
    for node in others:
        lines.append(f"  {quote(node)} " + attrs(label=node[4:], style="dashed,rounded,filled",
                                                  fillcolor="#f2f4f7", URL="#" + service_page_id(node[4:])))
    declared = {n for (s, t, _) in edges for n in (s, t)}
    for (source, target, style), count in sorted(edges.items()):
        if source in declared and target in declared:
            lines.append(f"  {quote(source)} -> {quote(target)} " + attrs(
                style=style, label=str(count), penwidth=round(1 + min(count, 40) / 10, 1)))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _inside_edges(analysis: Analysis, service: Service, groups: dict[str, str], models: list[ModelInfo],
                  model_node: dict[str, str]) -> Counter[tuple[str, str, str]]:
    """(source, target, style) -> how many relations, calls or routes it stands for."""
    owner = {label: s.name for s in analysis.services for label in s.models}
    edges: Counter[tuple[str, str, str]] = Counter()
    for model in models:
        edges[("group:" + groups.get(model.module, model.module), model_node[model.label], "solid")] += 1
        for field in model.fields:
            if field.target and field.target not in model_node:
                other = owner.get(field.target, field.target.split(".", 1)[0])
                edges[(model_node[model.label], "svc:" + other, "dashed")] += 1
    views, modules = {r.pattern: r.view for r in analysis.routes}, frozenset(service.modules)
    for pattern in service.routes:
        module = module_of(views.get(pattern, ""), modules)
        edges[("routes", "group:" + groups.get(module, module.split(".", 1)[0]), "solid")] += 1
    for interface in analysis.interfaces:
        if service.name in interface.used_by and interface.service != service.name:
            for use in interface.uses:
                module = module_of_path(use.path)
                if module in groups:
                    edges[("group:" + groups[module], "svc:" + interface.service, "dashed")] += 1
    return edges


def grouped_modules(service: Service) -> list[tuple[str, list[str]]]:
    """The service's modules under their groups, for the page's expandable list."""
    found: dict[str, list[str]] = defaultdict(list)
    for module, group in module_groups(list(service.modules)).items():
        found[group].append(module)
    return [(group, sorted(found[group])) for group in sorted(found)]
