"""Fold clusters that are not services: no models, no routes, and little else.

A service owns data or serves traffic. A cluster left with neither (a seeding command's helper,
a lone utility) is tooling around the real services: it joins
the cluster it is most tied to, and the fold is recorded so the report can say why it is gone.
Its size is that of its own code: tests and migrations follow the data they touch
(:mod:`analyzer.boundaries.leaves`), so a table that only they use does not make them a service.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.leaves import is_follower_module
from analyzer.boundaries.partition import Assignment, renumber
from analyzer.boundaries.unit_edges import UnitTies
from analyzer.graph.schema import NodeAttrs, node_attrs, predecessors

TINY_SHARE = 0.1  # a cluster whose code is under this share of the mean cluster is tiny


@dataclass(frozen=True)
class Fold:
    """One folded cluster: its units, lines, tables, and the cluster it joined (new numbering)."""

    units: tuple[str, ...]
    lines: int
    tables: tuple[str, ...]
    into: int


def fold_minor(
    graph: nx.MultiDiGraph, projected: UnitTies, assignment: Mapping[str, int], keep: Iterable[str] = (),
) -> tuple[Assignment, dict[int, int], tuple[Fold, ...]]:
    """Fold every minor cluster into its closest one.

    Returns the new assignment, old cluster number -> new number (for table owners), and the folds.
    A cluster is minor when it holds no concrete model, serves no route, holds no unit of ``keep``
    (pins), and either holds no table or its code is tiny next to the average cluster.
    """
    members: dict[int, list[str]] = defaultdict(list)
    for unit in sorted(assignment):
        members[assignment[unit]].append(unit)
    node = node_attrs(graph)
    lines = {c: sum(_lines(node[u]) for u in units) for c, units in members.items()}
    own = {c: sum(_lines(node[u]) for u in units if not is_follower_module(node[u]["module"]))
           for c, units in members.items()}
    mean = sum(own.values()) / max(1, len(own))
    kept = set(keep)
    minor = sorted(c for c, units in members.items()
                   if len(members) > 1 and _is_minor(graph, units, own[c], mean, kept))
    if len(minor) == len(members):
        minor = []
    targets = {c: _closest(projected, assignment, members[c], set(minor)) for c in minor}
    moved = renumber({u: targets.get(c, c) for u, c in assignment.items()})
    new_of = {assignment[u]: moved[u] for u in assignment}
    folds = tuple(Fold(tuple(members[c]), lines[c], _tables(graph, members[c]), moved[members[targets[c]][0]])
                  for c in minor)
    return moved, new_of, folds


def _lines(attrs: NodeAttrs) -> int:
    return attrs["lines"] if attrs["kind"] in ("class", "function") else 0


def _tables(graph: nx.MultiDiGraph, units: list[str]) -> tuple[str, ...]:
    return tuple(u[len("table:"):] for u in units if node_attrs(graph)[u]["kind"] == "table")


def _served(graph: nx.MultiDiGraph, unit: str) -> bool:
    """Whether a route serves ``unit`` (its in-edges: only the few clusters that get here are read)."""
    return any(attrs["kind"] == "route-view"
               for keyed in predecessors(graph)[unit].values() for attrs in keyed.values())


def _is_minor(graph: nx.MultiDiGraph, units: list[str], lines: int, mean: float, kept: set[str]) -> bool:
    attrs = node_attrs(graph)
    kinds = [attrs[u]["kind"] for u in units]
    has_model = any(k == "model" and not attrs[u].get("abstract")
                    for u, k in zip(units, kinds, strict=True))
    if has_model or kept.intersection(units) or any(_served(graph, u) for u in units):
        return False
    return "table" not in kinds or lines < TINY_SHARE * mean


def _closest(projected: UnitTies, assignment: Mapping[str, int], units: list[str], minor: set[int]) -> int:
    ties: dict[int, float] = defaultdict(float)
    for unit in units:
        if unit in projected:
            for neighbour, weight in projected[unit].items():
                cluster = assignment.get(neighbour)
                if cluster is not None and cluster not in minor:
                    ties[cluster] += weight
    if ties:
        return min(ties, key=lambda c: (-ties[c], c))
    return min(c for c in set(assignment.values()) if c not in minor)
