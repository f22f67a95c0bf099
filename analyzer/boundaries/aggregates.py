"""Aggregates as a hard rule: a compositional child is never split from its root.

A relation child -> root (``fk`` or ``o2o`` with ``on_delete=CASCADE``; an optional one only as
part of an exclusive arc, :func:`analyzer.boundaries.entities.arcs`) is
*compositional* when
both models are declared in one models module and either their names share a prefix
(``OrderPosition`` -> ``Order``, ``Checkin`` -> ``CheckinList``), or both are written directly in
one atomic block, or the root is not a hub (:func:`analyzer.boundaries.entities.hub_scales`).
Plain CASCADE is not enough: every model of a layered monolith cascades from its Event or
Tenant. ``bench/cascades.py`` measures each rule against the ground truth (``bench/RESULTS.md``,
"Boundary quality": this one kept every one of the 129 relations it matched on nine cases).

After the clustering, each group of models joined by compositional relations moves whole to the
cluster that holds most of it (ties: the lower number).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from analyzer.boundaries.entities import arcs, cascades, hub_scales, named_alike, written_together
from analyzer.boundaries.unit_edges import Assignment
from analyzer.graph.build import Transaction
from analyzer.graph.schema import node_attrs, successors


def compositional(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], transactions: Iterable[Transaction] = (),
) -> list[tuple[str, str]]:
    """The compositional (child, root) relations between models, sorted."""
    attrs, scale, arc = node_attrs(graph), hub_scales(graph), arcs(graph)
    together = written_together(transactions, canon)
    found = []
    for child, targets in successors(graph).items():
        if attrs[child]["kind"] != "model":
            continue
        for root, keyed in targets.items():
            if root != child and attrs[root]["kind"] == "model" \
                    and cascades(keyed.values(), optional=child in arc) \
                    and attrs[child]["module"] == attrs[root]["module"] \
                    and (named_alike(attrs[child], attrs[root]) or (child, root) in together
                         or scale.get(root, 1.0) >= 1.0):
                found.append((child, root))
    return sorted(found)


def aggregate_groups(relations: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups of models joined by compositional ``relations`` (each sorted, in order of their
    first member)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            node = parent[node]
        return node

    for child, root in relations:
        a, b = find(child), find(root)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in sorted(parent):
        groups[find(node)].append(node)
    return sorted(groups.values())


def keep_aggregates(assignment: Mapping[str, int], relations: Iterable[tuple[str, str]]) -> Assignment:
    """Move each group of models joined by ``relations`` whole to the cluster holding most of it."""
    result = dict(assignment)
    placed = [(c, r) for c, r in relations if c in assignment and r in assignment]
    for members in aggregate_groups(placed):
        result.update(dict.fromkeys(members, majority(assignment, members)))
    return result


def majority(assignment: Mapping[str, int], members: Iterable[str]) -> int:
    """The cluster holding most of ``members`` (ties: the lower number)."""
    counts = Counter(assignment[m] for m in members)
    return min(counts, key=lambda c: (-counts[c], c))
