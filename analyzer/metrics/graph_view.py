"""What the metrics read of a graph, gathered in one pass: ``graph -> MetricsView``.

Measuring a proposal beside its two baselines asks the same questions of the same graph three
times (which edges are data edges, which end is a table, where a request flows); the answers do
not depend on the partition, so :func:`metrics_view` reads them once and
:mod:`analyzer.metrics.measure` only looks the partitions up. Every list keeps the order of
:func:`analyzer.graph.schema.edges`, so sums add in the same order as a walk of the graph would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from analyzer.graph.schema import (
    DATA_KINDS,
    HISTORY_KINDS,
    REQUEST_KINDS,
    TABLE_ACCESS_KINDS,
    WRITE_KINDS,
    NodeKind,
    edges,
    node_attrs,
)


@dataclass(frozen=True)
class RouteReach:
    """What one request to a route reaches: the nodes it flows through (route, views, callees)
    and the targets of the data edges leaving them."""

    route: str
    nodes: frozenset[str]
    data: frozenset[str]


@dataclass(frozen=True)
class MetricsView:
    """The partition-independent part of every metric of one graph."""

    kinds: dict[str, NodeKind]  # node -> kind
    interactions: tuple[tuple[str, str], ...]  # (source, target) per edge, but history kinds and self-loops
    data_edges: tuple[tuple[str, str], ...]  # (source, target) of each data edge
    table_access: tuple[tuple[str, str], ...]  # (unit, table) of each read or write of a table node
    transactions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (path, line, data ends) per transaction edge
    table_uses: tuple[tuple[str, str, float, bool], ...]  # (unit, table, weight, write) both ways
    pair_weights: dict[tuple[str, str], float]  # undirected pair (sorted ends) -> summed weight
    routes: tuple[RouteReach, ...]  # sorted by route
    tables: tuple[tuple[str, str | None], ...]  # (table node, its model or None), sorted


def metrics_view(graph: nx.MultiDiGraph) -> MetricsView:
    """Read once what the metrics need of ``graph``."""
    kinds = {node: attrs["kind"] for node, attrs in node_attrs(graph).items()}
    interactions, data_edges, table_access = [], [], []
    transactions: list[tuple[str, str, tuple[str, ...]]] = []
    table_uses: list[tuple[str, str, float, bool]] = []
    pair_weights: dict[tuple[str, str], float] = defaultdict(float)
    flows: dict[str, list[str]] = defaultdict(list)  # node -> where a request goes next
    uses: dict[str, list[str]] = defaultdict(list)  # node -> the data it uses
    for source, target, attrs in edges(graph):
        kind, weight = attrs["kind"], attrs["weight"]
        if source != target:
            pair = (source, target) if source < target else (target, source)
            pair_weights[pair] += weight
            if kind not in HISTORY_KINDS:
                interactions.append((source, target))
        if kind in DATA_KINDS:
            data_edges.append((source, target))
            uses[source].append(target)
        elif kind in REQUEST_KINDS:
            flows[source].append(target)
        if kind in TABLE_ACCESS_KINDS and kinds[target] == "table":
            table_access.append((source, target))
        if kind == "transaction":
            ends = tuple(n for n in (source, target) if kinds[n] in ("table", "model"))
            transactions.append((attrs["path"], str(attrs["line"]), ends))
        write = kind in WRITE_KINDS
        for unit, table in ((source, target), (target, source)):
            if kinds[table] == "table":
                table_uses.append((unit, table, weight, write))
    routes = tuple(_reach(node, flows, uses) for node in sorted(kinds) if kinds[node] == "route")
    nodes = node_attrs(graph)
    tables = tuple((node, nodes[node].get("model")) for node in sorted(kinds) if kinds[node] == "table")
    return MetricsView(kinds, tuple(interactions), tuple(data_edges), tuple(table_access),
                       tuple(transactions), tuple(table_uses), dict(pair_weights), routes, tables)


def route_reach(graph: nx.MultiDiGraph, route: str) -> RouteReach:
    """The nodes a request to ``route`` flows through and the data they use."""
    flows: dict[str, list[str]] = defaultdict(list)
    uses: dict[str, list[str]] = defaultdict(list)
    for source, target, attrs in edges(graph):
        if attrs["kind"] in DATA_KINDS:
            uses[source].append(target)
        elif attrs["kind"] in REQUEST_KINDS:
            flows[source].append(target)
    return _reach(route, flows, uses)


def _reach(route: str, flows: dict[str, list[str]], uses: dict[str, list[str]]) -> RouteReach:
    """:func:`route_reach` over the request and data edges read once (node -> targets)."""
    data: set[str] = set()
    seen, stack = {route}, [route]
    while stack:
        node = stack.pop()
        data.update(uses.get(node, ()))
        for target in flows.get(node, ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return RouteReach(route, frozenset(seen), frozenset(data))
