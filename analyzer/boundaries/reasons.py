"""Why each model and module is where it is: aggregates, the strongest ties, split modules.

Pure: the graph, the partition (unit -> service) and the hub scales in, the Analysis parts out.

- A model's *root* is the end of its chain of ``on_delete=CASCADE`` relations to models of the
  same service that are not hubs (:func:`analyzer.boundaries.entities.is_hub`): an order's
  positions and their answers -> Order.
- Its *ties* are the strongest edges (summed per kind and unit, the first ``path:line`` standing
  for them) between the model or its table and the production code and data of its own service;
  projection-only and history ties are not evidence anyone can read, tests and migrations follow.
- A *reason* is said for a hub, and for a model whose service is not named after its Django app.
- A module is *split* when its production code units went to several services; the reason says,
  per service, how many of its units went there and which data they write, else read, else which
  code of that service they call or are used by (a part that writes nothing is never said to serve
  other data).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.entities import is_hub, referrers
from analyzer.boundaries.leaves import is_follower_module
from analyzer.graph.schema import (
    INFERRED_KINDS,
    READ_KINDS,
    REQUEST_KINDS,
    WRITE_KINDS,
    EdgeAttrs,
    EdgeKind,
    NodeTable,
    in_edges,
    node_attrs,
    out_edges,
    successors,
)
from analyzer.model.explanations import (
    IN,
    OUT,
    ModelPlacement,
    ModuleSplit,
    PlacementTie,
    app_home,
    tie_phrase,
)

SHOWN_TIES = 3
USE_KINDS: frozenset[EdgeKind] = frozenset({"call", "inherit"})  # a part uses code (imports say little)


@dataclass(frozen=True)
class TieGrounds:
    """One tie without its place: its kind, the label at the other end, its summed weight and
    direction, and the (end, other node) pairs whose edges it sums (its end: the model or its table)."""

    kind: str
    other: str
    weight: float
    direction: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PlacementGrounds:
    """Why one model is where it is, without a position: what :func:`placed_at` says with the
    places of its ties. ``spread``: how many of the app's models each service holds."""

    label: str
    service: str
    app_label: str
    root: str
    hub: bool
    ties: tuple[TieGrounds, ...]
    spread: tuple[tuple[str, int], ...]
    referrers: int


def model_placements(
    graph: nx.MultiDiGraph, service_of: Mapping[str, str], scales: Mapping[str, float],
) -> tuple[ModelPlacement, ...]:
    """One :class:`ModelPlacement` per placed concrete model, sorted by label."""
    return placed_at(graph, placement_grounds(graph, service_of, scales))


def placement_grounds(
    graph: nx.MultiDiGraph, service_of: Mapping[str, str], scales: Mapping[str, float],
) -> tuple[PlacementGrounds, ...]:
    """The grounds of each placed concrete model's place, sorted by label; reads no position."""
    node = node_attrs(graph)
    models = sorted(u for u in service_of if node[u]["kind"] == "model" and not node[u].get("abstract"))
    spread = _app_services(node, models, service_of)
    refs = referrers(graph)
    result = []
    for model in models:
        attrs, service = node[model], service_of[model]
        root = aggregate_root(graph, model, service_of, scales)
        result.append(PlacementGrounds(
            _label(node, model), service, attrs["app"], _label(node, root) if root != model else "",
            is_hub(scales.get(model, 1.0)), _ranked_ties(graph, model, service_of),
            tuple(sorted(spread[attrs["app"]].items())), len(refs.get(model, ()))))
    return tuple(result)


def placed_at(graph: nx.MultiDiGraph, grounds: tuple[PlacementGrounds, ...]) -> tuple[ModelPlacement, ...]:
    """The placements said with the first ``path:line`` of each tie's edges in ``graph``."""
    result = []
    for found in grounds:
        ties = tuple(_placed(graph, tie) for tie in found.ties)
        reason = _reason(found.app_label, found.service, dict(found.spread), found.root, ties,
                         found.hub, found.referrers)
        result.append(ModelPlacement(found.label, found.service, found.app_label, found.root, found.hub,
                                     ties, reason))
    return tuple(result)


def aggregate_roots(placements: tuple[ModelPlacement, ...]) -> dict[str, tuple[str, ...]]:
    """Service -> the aggregate roots of its models (models that are no other's child), sorted."""
    roots: dict[str, set[str]] = defaultdict(set)
    for placement in placements:
        roots[placement.service].add(placement.root or placement.label)
    return {service: tuple(sorted(found)) for service, found in roots.items()}


def aggregate_root(
    graph: nx.MultiDiGraph, model: str, service_of: Mapping[str, str], scales: Mapping[str, float],
) -> str:
    """Follow CASCADE relations to non-hub models of the same service to the top (``model`` itself
    when it has none); of several parents the lowest id is followed. When the relations run in a
    circle (deleting a Thread deletes its Posts, deleting a Post its Revisions, deleting a Revision
    its Thread), the root is the model of that circle with the most CASCADE children (ties: the
    lowest id), so that every model of it finds the same root."""
    def parents(unit: str) -> list[str]:
        return sorted(target for target, keyed in successors(graph)[unit].items()
                      if target != unit and _in_aggregate(target, model, service_of, scales)
                      and any(_cascade(d) for d in keyed.values()))

    path = [model]
    while found := parents(path[-1]):
        if found[0] in path:
            circle = path[path.index(found[0]):]
            return min(circle, key=lambda unit: (-_cascade_children(graph, unit), unit))
        path.append(found[0])
    return path[-1]


def _in_aggregate(
    target: str, model: str, service_of: Mapping[str, str], scales: Mapping[str, float],
) -> bool:
    return service_of.get(target) == service_of[model] and not is_hub(scales.get(target, 1.0))


def _cascade_children(graph: nx.MultiDiGraph, unit: str) -> int:
    return sum(1 for _, attrs in in_edges(graph, unit) if _cascade(attrs))


def strongest_ties(
    graph: nx.MultiDiGraph, model: str, service_of: Mapping[str, str],
) -> tuple[PlacementTie, ...]:
    """The :data:`SHOWN_TIES` strongest ties of ``model`` (or its table) inside its service, each
    summed per kind, unit and direction (a foreign key to X and one from X are two ties), each at
    the first ``path:line`` of its edges."""
    return tuple(_placed(graph, tie) for tie in _ranked_ties(graph, model, service_of))


def _ranked_ties(graph: nx.MultiDiGraph, model: str, service_of: Mapping[str, str]) -> tuple[TieGrounds, ...]:
    """:func:`strongest_ties` without their places."""
    node = node_attrs(graph)
    service = service_of[model]
    table = f"table:{node[model].get('table', '')}"
    weight: dict[tuple[str, str, str], float] = defaultdict(float)
    pairs: dict[tuple[str, str, str], dict[tuple[str, str], None]] = defaultdict(dict)
    for end in (model, table) if table in node else (model,):
        for other, attrs, direction in _edges_of(graph, end):
            owner = str(node[other].get("model", other)) if node[other]["kind"] == "table" else other
            if owner == model or attrs["kind"] in INFERRED_KINDS or service_of.get(owner) != service \
                    or is_follower_module(node[owner]["module"]):
                continue
            key = (attrs["kind"], _label(node, owner), direction)
            weight[key] += attrs["weight"]
            pairs[key][(end, other)] = None
    ranked = sorted(weight, key=lambda key: (-weight[key], key))[:SHOWN_TIES]
    return tuple(TieGrounds(key[0], key[1], round(weight[key], 3), key[2], tuple(pairs[key]))
                 for key in ranked)


def _placed(graph: nx.MultiDiGraph, tie: TieGrounds) -> PlacementTie:
    """``tie`` at the first ``path:line`` of the edges it sums."""
    succ = successors(graph)
    site = min((attrs["path"], attrs["line"]) for end, other in tie.pairs
               for attrs in (succ[end][other] if tie.direction == OUT else succ[other][end]).values()
               if attrs["kind"] == tie.kind)
    return PlacementTie(tie.kind, tie.other, tie.weight, *site, direction=tie.direction)


def module_splits(graph: nx.MultiDiGraph, service_of: Mapping[str, str]) -> tuple[ModuleSplit, ...]:
    """The modules whose production code units are in several services, with what each part writes,
    else reads, else calls, else what uses it."""
    node = node_attrs(graph)
    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for unit in sorted(service_of):
        attrs = node[unit]
        module = attrs["module"]
        if attrs["kind"] in ("class", "function") and module and not is_follower_module(module):
            parts[attrs["module"]][service_of[unit]].append(unit)
    result = []
    for module, by_service in sorted(parts.items()):
        if len(by_service) > 1:
            ordered = sorted(by_service.items(), key=lambda item: (-len(item[1]), item[0]))
            said = [(name, units, _part_use(graph, units, service_of, name)) for name, units in ordered]
            lead = ("its parts write different data" if any(writes for *_, (writes, _) in said)
                    else "no part of it writes data; each goes with what it reads or calls")
            parts_said = "; ".join(f"{len(units)} to {name} ({use})" for name, units, (_, use) in said)
            result.append(ModuleSplit(module, tuple(sorted(by_service)), f"{lead}: {parts_said}"))
    return tuple(result)


def _part_use(graph: nx.MultiDiGraph, units: list[str], service_of: Mapping[str, str],
              service: str) -> tuple[bool, str]:
    """Whether one part of a split module writes data, and what ties it to its service: the data it
    writes, else reads (that service's models first), else the code of that service it calls, else
    the code there that uses it (production code: tests and migrations say nothing)."""
    node = node_attrs(graph)
    for kinds, verb in ((WRITE_KINDS, "write"), (READ_KINDS, "read")):
        reached = _targets(graph, units, kinds, lambda t: str(node[t].get("model", t)))
        found = {m: n for m, n in reached.items() if m in node}
        found = {m: n for m, n in found.items() if service_of.get(m) == service} or found
        if found:
            return verb == "write", f"they {verb} {_top({_label(node, m): n for m, n in found.items()})}"
    own = set(units)

    def here(unit: str) -> bool:
        attrs = node[unit]
        return (service_of.get(unit) == service and unit not in own and attrs["kind"] != "module"
                and not is_follower_module(attrs["module"]))

    called = {_label(node, u): n for u, n in _targets(graph, units, USE_KINDS, str).items() if here(u)}
    if called:
        return False, f"they write nothing and call {_top(called)}"
    users: Counter[str] = Counter(_label(node, s) for unit in units for s, attrs in in_edges(graph, unit)
                                  if attrs["kind"] in USE_KINDS | REQUEST_KINDS and here(s))
    if users:
        return False, f"they write nothing and are used by {_top(users)}"
    return False, "they write, read and call nothing there: they follow their code community"


def _targets(graph: nx.MultiDiGraph, units: list[str], kinds: frozenset[EdgeKind],
             key: Callable[[str], str]) -> Counter[str]:
    """How many of ``units`` reach each target (mapped by ``key``) along an edge of ``kinds``."""
    found: Counter[str] = Counter()
    for unit in units:
        reached = {key(t) for t, keyed in successors(graph)[unit].items()
                   if any(d["kind"] in kinds for d in keyed.values())}
        found.update(reached)
    return found


def _top(counts: Mapping[str, int]) -> str:
    top = sorted(counts, key=lambda m: (-counts[m], m))[:3]
    return ", ".join(top) + (" ..." if len(counts) > 3 else "")


def _edges_of(graph: nx.MultiDiGraph, end: str) -> list[tuple[str, EdgeAttrs, str]]:
    """``end``'s edges as (the unit at the other end, the edge, OUT or IN)."""
    return [(target, attrs, OUT) for target, attrs in out_edges(graph, end)] + \
        [(source, attrs, IN) for source, attrs in in_edges(graph, end)]


def _app_services(
    node: NodeTable, models: list[str], service_of: Mapping[str, str],
) -> dict[str, Counter[str]]:
    """App label -> how many of its models each service holds."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for model in models:
        counts[node[model]["app"]][service_of[model]] += 1
    return counts


def _reason(app: str, service: str, spread: Mapping[str, int], root: str,
            ties: tuple[PlacementTie, ...], hub: bool, referrers_count: int) -> str:
    if hub:
        return (f"a hub: {referrers_count} models refer to it, so their relations to it count for less "
                "and they hold its id instead of joining its service")
    if service == app:
        return ""
    why = [f"in the aggregate of {root} (CASCADE)"] if root else []
    why += [f"{tie_phrase(t)} ({t.path}:{t.line})" for t in ties]
    home = app_home(spread)
    where = (f"the service of app {app}" if home == service else f"most of {app} is in {home}" if home
             else f"{app} is spread over {len(spread)} services")
    return f"in {service} ({where}): " + "; ".join(why or ["its code is there"])


def _cascade(data: EdgeAttrs) -> bool:
    return data["kind"] == "fk" and data.get("on_delete") == "CASCADE"


def _label(node: NodeTable, unit: str) -> str:
    return str(node[unit].get("label") or unit)
