"""Why things are where the proposal puts them, read from the Analysis' coupling.

Per model: its strongest ties (summed edge weight to another item, with the first ``path:line``),
inside its service and out of it. Per service: where its name comes from. Per moved model (its
service is not the one holding most of its app's models) and per split module (its code sits in
two or more services): the ties that pulled it there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from analyzer.model.analysis import Analysis, Coupling, CouplingEdge, Service

TIES_SHOWN = 3


@dataclass(frozen=True)
class Tie:
    """How strongly an item is tied to another one, and the first place that shows it."""

    other: str  # readable name of the other item
    service: str  # the other item's service
    weight: float
    kinds: tuple[str, ...]
    where: str  # "path:line"
    subject: str


@dataclass(frozen=True)
class Placement:
    """Why one model or module piece is in its service."""

    name: str
    service: str
    home: str  # where its Django app mostly lives ("" for modules)
    ties: tuple[Tie, ...]  # strongest first
    reason: str


def readable(item: str) -> str:
    """``model:orders.Order`` -> ``orders.Order``; ``code:orders.views@orders`` -> ``orders.views``."""
    kind, _, rest = item.partition(":")
    return rest.rsplit("@", 1)[0] if kind == "code" else rest


def ties_of(coupling: Coupling) -> dict[str, tuple[Tie, ...]]:
    """Every item's ties, strongest first (both directions of an edge count)."""
    service = {i.id: i.service for i in coupling.items}
    summed: dict[tuple[str, str], list[CouplingEdge]] = defaultdict(list)
    for edge in coupling.edges:
        summed[(edge.source, edge.target)].append(edge)
        summed[(edge.target, edge.source)].append(edge)
    ties: dict[str, list[Tie]] = defaultdict(list)
    for (item, other), edges in sorted(summed.items()):
        first = min(edges, key=lambda e: (-e.weight, e.path, e.line))
        ties[item].append(Tie(readable(other), service.get(other, ""), round(sum(e.weight for e in edges), 2),
                              tuple(sorted({e.kind for e in edges})), f"{first.path}:{first.line}",
                              first.subject))
    return {item: tuple(sorted(found, key=lambda t: (-t.weight, t.other))) for item, found in ties.items()}


def model_placements(analysis: Analysis) -> dict[str, Placement]:
    """Model label -> why it is in its service (empty without coupling)."""
    if analysis.coupling is None:
        return {}
    ties = ties_of(analysis.coupling)
    homes = app_homes(analysis)
    result = {}
    for item in analysis.coupling.items:
        if item.kind != "model":
            continue
        label, home = readable(item.id), homes.get(item.app, "")
        found = ties.get(item.id, ())
        inside = sum(t.weight for t in found if t.service == item.service)
        outside = sum(t.weight for t in found if t.service != item.service)
        reason = (f"{inside:g} of its tie weight is inside {item.service}, {outside:g} outside"
                  + (f"; its app {item.app} mostly lives in {home}" if home and home != item.service else ""))
        result[label] = Placement(label, item.service, home, found[:TIES_SHOWN], reason)
    return result


def app_homes(analysis: Analysis) -> dict[str, str]:
    """App label -> the service holding most of its models (ties broken by name)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    owner = {label: s.name for s in analysis.services for label in s.models}
    for model in analysis.models:
        if model.label in owner:
            counts[model.app_label][owner[model.label]] += 1
    return {app: min(c, key=lambda s: (-c[s], s)) for app, c in counts.items()}


def moved_models(analysis: Analysis) -> tuple[Placement, ...]:
    """Models placed outside the service that holds most of their app, with the ties that moved them."""
    placements = model_placements(analysis)
    return tuple(p for _, p in sorted(placements.items()) if p.home and p.home != p.service)


def split_modules(analysis: Analysis) -> tuple[tuple[str, tuple[Placement, ...]], ...]:
    """Modules whose code sits in several services, each piece with its strongest ties."""
    if analysis.coupling is None:
        return ()
    ties = ties_of(analysis.coupling)
    pieces: dict[str, list[Placement]] = defaultdict(list)
    for item in analysis.coupling.items:
        if item.kind == "code":
            found = ties.get(item.id, ())[:TIES_SHOWN]
            pull = ", ".join(f"{t.other} ({t.service})" for t in found) or "no ties"
            pieces[item.module].append(Placement(item.module, item.service, "", found,
                                                 f"{item.lines} lines here, tied most to {pull}"))
    return tuple((module, tuple(p)) for module, p in sorted(pieces.items()) if len(p) > 1)


def name_origin(service: Service, analysis: Analysis) -> str:
    """Where a service's name comes from, in a sentence: the analyzer's ``name_reason`` when it gave one.

    An analysis without it (written before the analyzer recorded it) gets the best guess from the
    service's apps and models.
    """
    if service.name_reason:
        return service.name_reason
    name = service.name
    if name in service.apps:
        return f"named after the Django app {name}, which contributes most of its models"
    for label in service.models:
        model = label.split(".", 1)[-1].lower()
        if name.replace("_", "").startswith(model) or model.startswith(name.replace("_", "").rstrip("s")):
            return f"named after its central model {label}"
    if service.apps:
        return ("a renamed or pinned name (see [tool.demonolith] names/pin); its code comes mostly "
                f"from {service.apps[0]}")
    return "named after its routes"
