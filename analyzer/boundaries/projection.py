"""The unit graph: the dependency graph projected onto the units that get placed in services.

The units are classes, functions, models, module-level code and tables without a model; tables
follow their model and routes their view. The projection is undirected and weighted: the graph's
own edges summed per unit pair (repeats sublinearly, a reader's reads shared among the tables it
reads) plus the projection-only ties of :mod:`analyzer.graph.weights` ("contains", "same-app",
"same-module", and the pairwise ties of tables written in one transaction).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from analyzer.boundaries.unit_edges import UnitEdges
from analyzer.graph.build import Transaction
from analyzer.graph.schema import READ_KINDS, Tie, node_attrs, out_edges, successors, undirected

UNIT_KINDS = ("class", "function", "model", "module", "table")
CLIQUE_LIMIT = 12  # models of one module beyond which the same-module ties form a ring, not a clique


def canonical_id(graph: nx.MultiDiGraph, node: str) -> str | None:
    """Return the unit a node is placed with: tables with their model, routes with their view."""
    attrs = node_attrs(graph)[node]
    kind = attrs["kind"]
    if kind == "table" and attrs.get("model") in graph:
        return str(attrs["model"])
    if kind == "route":
        views = sorted(v for v, edge in out_edges(graph, node) if edge["kind"] == "route-view")
        return views[0] if views else None
    return node if kind in UNIT_KINDS else None


def canonical_ids(graph: nx.MultiDiGraph) -> dict[str, str | None]:
    """Every node of ``graph`` -> its :func:`canonical_id`, in node order."""
    own = frozenset(UNIT_KINDS) - {"table"}  # the kinds whose nodes are their own unit
    return {node: node if attrs["kind"] in own else canonical_id(graph, node)
            for node, attrs in node_attrs(graph).items()}


def project_units(
    graph: nx.MultiDiGraph, excluded: Iterable[str] = (), contains_weight: float = 1.0,
    transactions: Iterable[Transaction] = (), transaction_weight: float = 0.0, app_weight: float = 0.0,
    module_weight: float = 0.0, canon: Mapping[str, str | None] | None = None,
) -> nx.Graph:
    """Return the undirected weighted unit graph (sorted nodes and edges, summed weights).

    The ``nx.Graph`` of :func:`unit_projection`, which see.
    """
    units = unit_projection(graph, excluded, contains_weight, transactions, transaction_weight, app_weight,
                            module_weight, canon)
    return undirected(units.nodes, ((u, v, Tie(weight=w)) for u, v, w in units.edges))


def unit_projection(
    graph: nx.MultiDiGraph, excluded: Iterable[str] = (), contains_weight: float = 1.0,
    transactions: Iterable[Transaction] = (), transaction_weight: float = 0.0, app_weight: float = 0.0,
    module_weight: float = 0.0, canon: Mapping[str, str | None] | None = None,
) -> UnitEdges:
    """Return the undirected weighted unit graph: the sorted units and sorted edges, summed weights.

    Besides the graph's own edges, each unit is tied to its module node (``contains_weight``) and
    the data written directly in one transaction are tied pairwise (``transaction_weight`` per unit)
    and every module node to its app's models module (``app_weight``: the app is a hint, not a wall),
    and the models defined in one module to each other (``module_weight`` per model: the files in
    which developers grouped their models are strong evidence of cohesion). ``canon``: the
    :func:`canonical_ids` of ``graph``, when the caller has them.
    """
    skip = set(excluded)
    canon = canonical_ids(graph) if canon is None else canon
    units = sorted(n for n, c in canon.items() if c == n and n not in skip)
    weights = _edge_weights(graph, canon, skip)
    attrs = node_attrs(graph)
    for unit in units if contains_weight > 0 else ():
        module = f"module:{attrs[unit]['module']}"
        if unit != module and module in attrs and module not in skip:
            weights[(unit, module) if unit < module else (module, unit)] += contains_weight
    for transaction in transactions:
        written = sorted({c for w in transaction.writes
                          if w.direct and (c := canon.get(w.table)) and c not in skip})
        for i, a in enumerate(written):
            for b in written[i + 1:]:
                weights[(a, b)] += transaction_weight / (len(written) - 1)
    for module, anchor in _app_anchors(graph, units).items():
        weights[(module, anchor) if module < anchor else (anchor, module)] += app_weight
    if module_weight > 0:
        for pair, weight in _same_module_ties(graph, units, module_weight).items():
            weights[pair] += weight
    # Every tie joins two units, as (lesser id, greater id): in an nx.Graph of the sorted units
    # every adjacency is sorted, and so its ``edges()`` lists the sorted ties.
    return UnitEdges(tuple(units), tuple((u, v, w) for u, v in sorted(weights) if (w := weights[(u, v)]) > 0))


def _edge_weights(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], skip: set[str]
) -> dict[tuple[str, str], float]:
    """Sum the graph's edges per unit pair; repeats of one kind add up sublinearly.

    n edges of one kind between two units (a query joining the same table four times, ten calls
    of one helper) weigh their mean times ``1 + ln n``: repetition is evidence, but one long
    function must not outweigh the structure of the whole code base.
    """
    groups, read = _edge_groups(graph, canon, skip)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    log = math.log
    for (a, b, _kind, reader), values in groups.items():
        if reader:
            weights[(a, b)] += 1.0 / len(read[reader]) * sum(values) / len(values) * (1.0 + log(len(values)))
        elif len(values) == 1:  # the formula below for one value: the value, bit for bit
            weights[(a, b)] += values[0]
        else:
            weights[(a, b)] += sum(values) / len(values) * (1.0 + log(len(values)))
    return weights


def _edge_groups(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], skip: set[str]
) -> tuple[dict[tuple[str, str, str, str], list[float]], dict[str, set[str]]]:
    """The edge weights per (unit, unit, kind, reader for read kinds), in ``graph.edges()`` order,
    and the units each unit reads."""
    groups: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    read: dict[str, set[str]] = defaultdict(set)
    for u, neighbours in successors(graph).items():  # the order of graph.edges(), without its views
        cu = canon[u]
        if cu is None or cu in skip:
            continue
        for v, keyed in neighbours.items():
            cv = canon[v]
            if cv is None or cv == cu or cv in skip:
                continue
            a, b = (cu, cv) if cu < cv else (cv, cu)
            for data in keyed.values():
                kind = data["kind"]
                if kind in READ_KINDS:
                    read[cu].add(cv)
                    groups[(a, b, kind, cu)].append(data["weight"])
                else:
                    groups[(a, b, kind, "")].append(data["weight"])
    return groups, read


def _same_module_ties(
    graph: nx.MultiDiGraph, units: list[str], weight: float
) -> dict[tuple[str, str], float]:
    """Tie the models of each module pairwise; each model's ties sum to ``weight``.

    A module of k models gets a clique with ``weight / (k - 1)`` per pair, or a ring when k is
    large (linear in k, each model still tied by ``weight`` in total), so a file of hundreds of
    models costs no more than its models.
    """
    by_module: dict[str, list[str]] = defaultdict(list)
    node = node_attrs(graph)
    for unit in units:
        attrs = node[unit]
        if attrs["kind"] == "model" and attrs["module"]:
            by_module[attrs["module"]].append(unit)
    ties: dict[tuple[str, str], float] = defaultdict(float)
    for models in by_module.values():
        if len(models) <= CLIQUE_LIMIT:
            pairs = [(a, b) for i, a in enumerate(models) for b in models[i + 1:]]
            share = weight / (len(models) - 1) if len(models) > 1 else 0.0
        else:
            pairs = [(a, b) for a, b in zip(models, models[1:] + models[:1], strict=True)]
            share = weight / 2
        for a, b in pairs:
            ties[(a, b) if a < b else (b, a)] += share
    return ties


def _app_anchors(graph: nx.MultiDiGraph, units: list[str]) -> dict[str, str]:
    """Module node -> the module node of its app's first model (modules of model-less apps: none)."""
    anchors: dict[str, str] = {}
    node = node_attrs(graph)
    for unit in units:
        attrs = node[unit]
        if attrs["kind"] == "model" and attrs["app"] and f"module:{attrs['module']}" in graph:
            anchors.setdefault(attrs["app"], f"module:{attrs['module']}")
    unit_set = set(units)
    return {u: anchors[node[u]["app"]] for u in units
            if node[u]["kind"] == "module" and node[u]["app"] in anchors
            and anchors[node[u]["app"]] != u and anchors[node[u]["app"]] in unit_set}
