"""What crosses between services, said per service: the dependencies between services (for the
service map) and the interfaces each service must expose (units, or models for tables, used from
another service, with where they are used)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import networkx as nx

from analyzer.boundaries.crossings import EdgeScan, scan_edges
from analyzer.boundaries.projection import canonical_id
from analyzer.boundaries.violations import short
from analyzer.graph.schema import HISTORY_KINDS, WRITE_KINDS, NodeTable, node_attrs
from analyzer.model.analysis import Interface, Location, ServiceDependency


def dependencies(
    graph: nx.MultiDiGraph, place: Callable[[str], str | None], scan: EdgeScan | None = None
) -> tuple[ServiceDependency, ...]:
    """Aggregate the edges between services: weight and kinds, for the service map."""
    weights: dict[tuple[str, str], float] = defaultdict(float)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for crossing in (scan or scan_edges(graph, place)).crossings:
        pair = (crossing.here, crossing.there)
        weights[pair] += crossing.attrs["weight"]
        kinds[pair].add(crossing.attrs["kind"])
    return tuple(ServiceDependency(a, b, round(w, 3), tuple(sorted(kinds[(a, b)])))
                 for (a, b), w in sorted(weights.items()))


def interfaces(
    graph: nx.MultiDiGraph, place: Callable[[str], str | None], scan: EdgeScan | None = None,
    canon: Mapping[str, str | None] | None = None,
) -> tuple[Interface, ...]:
    """What each service must expose: units (or models, for tables) used from another service.

    ``canon``: the :func:`canonical_ids` of ``graph``, when the caller has them.
    """
    used: dict[str, set[str]] = defaultdict(set)
    where: dict[str, set[tuple[str, int]]] = defaultdict(set)
    writes: set[str] = set()
    provided = _Provided(graph, canon)
    for _, target, attrs, here, _ in (scan or scan_edges(graph, place)).crossings:
        if attrs["kind"] in HISTORY_KINDS:
            continue
        unit = provided.unit(target)
        if unit is None:
            continue
        used[unit].add(here)
        where[unit].add((attrs["path"], attrs["line"]))
        if attrs["kind"] in WRITE_KINDS:
            writes.add(unit)
    result = []
    for unit in sorted(used):
        provider = place(unit)
        kind = node_attrs(graph)[unit]["kind"]
        if provider is None:
            continue
        result.append(Interface(provider, short(graph, unit) if kind == "model" else unit,
                                kind if kind in ("function", "class", "model") else "class",
                                tuple(sorted(used[unit])),
                                tuple(Location(p, n) for p, n in sorted(where[unit])),
                                read_only=unit not in writes))
    return tuple(result)


class _Provided:
    """Node -> the unit another service would call for it (None for module-level code); cached."""

    def __init__(self, graph: nx.MultiDiGraph, canon: Mapping[str, str | None] | None = None) -> None:
        self.graph = graph
        self.attrs: NodeTable = node_attrs(graph)
        self.canon = canon
        self.units: dict[str, str | None] = {}

    def unit(self, node: str) -> str | None:
        """The canonical unit of ``node`` when it is not module-level code, else None."""
        if node not in self.units:
            unit = self.canon[node] if self.canon is not None else canonical_id(self.graph, node)
            kind = self.attrs[unit]["kind"] if unit is not None else None
            self.units[node] = None if kind == "module" else unit
        return self.units[node]
