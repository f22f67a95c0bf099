"""One pass over the graph's edges: those that cross a service boundary, and the SQL joins.

Violations, interfaces and service dependencies all read the same few edges: those whose two
ends are placed in different services. :func:`scan_edges` finds them once, in the graph's edge
order (so that everything computed from them, float sums included, is what a walk over every
edge would give), together with every ``sql-join`` edge (a join is judged by all its tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx

from analyzer.graph.schema import EdgeAttrs, successors

Place = Callable[[str], str | None]


class CrossingEdge(NamedTuple):
    """An edge from a node of service ``here`` to a node of another service, ``there``."""

    source: str
    target: str
    attrs: EdgeAttrs
    here: str
    there: str


@dataclass(frozen=True)
class EdgeScan:
    """The crossing edges and the ``sql-join`` edges of a graph, each in graph edge order."""

    crossings: tuple[CrossingEdge, ...]
    joins: tuple[tuple[str, str, EdgeAttrs], ...]


def scan_edges(graph: nx.MultiDiGraph, place: Place) -> EdgeScan:
    """Walk every edge once; ``place`` (node -> service or None) is asked once per node."""
    placed = {node: place(node) for node in graph}
    crossings: list[CrossingEdge] = []
    joins: list[tuple[str, str, EdgeAttrs]] = []
    for source, neighbours in successors(graph).items():  # the order of graph.adjacency(), without its view
        here = placed[source]
        for target, keyed in neighbours.items():
            there = placed[target]
            if here is not None and there is not None and here != there:
                for attrs in keyed.values():
                    if attrs["kind"] == "sql-join":
                        joins.append((source, target, attrs))
                    crossings.append(CrossingEdge(source, target, attrs, here, there))
            else:
                for attrs in keyed.values():
                    if attrs["kind"] == "sql-join":
                        joins.append((source, target, attrs))
    return EdgeScan(tuple(crossings), tuple(joins))
