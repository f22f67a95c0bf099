"""Quality figures of one decomposition: ``(graph, partition) -> Metrics``.

Pure functions over the dependency graph (see the team conventions: node ids, ``kind`` attributes,
typed and weighted edges) and a partition ``unit node id -> service name``. The code metrics follow
the Mono2Micro FSE 2021 artifact (``kaliaanup/Mono2Micro-FSE-2021``, ``metrics/metrics_util.py``)
so our numbers compare with the literature; the data metrics are ours and CARGO's. Formulas,
directions and every deviation from the artifact are written down in ``docs/metrics.md``.

A *unit* is a node of the partition (class, model or function). The *interaction volume* of an
ordered pair of units ``(a, b)``, ``a != b``, is the number of graph edges from ``a`` to ``b``
(any kind but the history kinds); it plays the role of Mono2Micro's runtime call volume.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

import networkx as nx

from analyzer.graph.schema import CLASS_KINDS, CODE_UNIT_KINDS, node_attrs
from analyzer.metrics.graph_view import MetricsView, RouteReach, metrics_view, route_reach
from analyzer.model.analysis import Metrics

Partition = Mapping[str, str]
Volumes = Mapping[tuple[str, str], int]
OwnerRule = Callable[[nx.MultiDiGraph, Partition], dict[str, str]]

NED_LOW, NED_HIGH = 5, 20
DIGITS = 4


def is_table(graph: nx.MultiDiGraph, node: str) -> bool:
    """True when ``node`` is a database table node."""
    return node_attrs(graph)[node]["kind"] == "table"


def code_units(graph: nx.MultiDiGraph, partition: Partition) -> dict[str, str]:
    """The part of a partition the code metrics look at: classes, models and functions.

    Module-level code and table nodes may be placed too; they are not Mono2Micro's classes.
    Units missing from the graph count as code units.
    """
    node = node_attrs(graph)
    return {
        unit: service
        for unit, service in sorted(partition.items())
        if unit not in node or node[unit]["kind"] in CODE_UNIT_KINDS
    }


def interaction_volumes(graph: nx.MultiDiGraph, partition: Partition) -> dict[tuple[str, str], int]:
    """Count the edges between two distinct placed units, per ordered pair (history kinds excluded)."""
    return _volumes(metrics_view(graph), partition)


def _volumes(view: MetricsView, partition: Partition) -> dict[tuple[str, str], int]:
    volumes: Counter[tuple[str, str]] = Counter(
        pair for pair in view.interactions if pair[0] in partition and pair[1] in partition)
    return dict(sorted(volumes.items()))


def inter_call_percentage(volumes: Volumes, partition: Partition) -> float:
    """ICP: share of ln-weighted interactions (``ln(volume) + 1``) that cross services; lower is better."""
    total = inter = 0.0
    for (source, target), volume in sorted(volumes.items()):
        weight = math.log(volume) + 1.0
        total += weight
        if partition[source] != partition[target]:
            inter += weight
    return inter / total if total else 0.0


def _connected_pairs(volumes: Volumes) -> set[tuple[str, str]]:
    """Unordered pairs of distinct units joined by an interaction in either direction."""
    return {(min(a, b), max(a, b)) for (a, b) in volumes if a != b}


def _sizes(partition: Partition) -> Counter[str]:
    return Counter(partition.values())


def structural_modularity(volumes: Volumes, partition: Partition) -> float:
    """SM: mean cohesion ``mu/n^2`` minus mean pairwise coupling ``sigma/(n_i n_j)``; higher is better."""
    sizes = _sizes(partition)
    services = sorted(sizes)
    if not services:
        return 0.0
    inner: Counter[str] = Counter()
    across: Counter[tuple[str, str]] = Counter()
    for a, b in _connected_pairs(volumes):
        sa, sb = partition[a], partition[b]
        if sa == sb:
            inner[sa] += 1
        else:
            across[(min(sa, sb), max(sa, sb))] += 1
    cohesion = sum(inner[s] / sizes[s] ** 2 for s in services) / len(services)
    k = len(services)
    if k == 1:
        return cohesion
    coupling = sum(sigma / (sizes[s] * sizes[t]) for (s, t), sigma in across.items())
    return cohesion - 2.0 * coupling / (k * (k - 1))


def interface_number(volumes: Volumes, partition: Partition) -> float:
    """IFN: cross-service unit pairs that interact, divided by the service count; lower is better."""
    k = len(_sizes(partition))
    if not k:
        return 0.0
    crossing = sum(1 for a, b in _connected_pairs(volumes) if partition[a] != partition[b])
    return crossing / k


def class_counts(graph: nx.MultiDiGraph, partition: Partition) -> dict[str, int]:
    """Classes (kind class or model; units missing from the graph count too) per service, zero included."""
    counts = dict.fromkeys(sorted(set(partition.values())), 0)
    node = node_attrs(graph)
    for unit, service in partition.items():
        if unit not in node or node[unit]["kind"] in CLASS_KINDS:
            counts[service] += 1
    return counts


def non_extreme_distribution(sizes: Mapping[str, int], low: int = NED_LOW, high: int = NED_HIGH) -> float:
    """NED: share of classes in services whose class count is outside ``low..high``; lower is better."""
    total = sum(sizes.values())
    in_range = sum(size for size in sizes.values() if low <= size <= high)
    if total == 0 or in_range == 0:
        return 1.0
    return 1.0 - in_range / total


def table_owners(graph: nx.MultiDiGraph, partition: Partition) -> dict[str, str]:
    """Owner of each table: its model's service, else the service writing it most, reading it most, name."""
    return view_table_owners(metrics_view(graph), partition)


def view_table_owners(view: MetricsView, partition: Partition) -> dict[str, str]:
    """:func:`table_owners` of the graph ``view`` was read from."""
    by_usage = _owners_by_usage(view, partition)
    owners = {}
    for node, model in view.tables:
        owner = partition.get(node) or (partition.get(model) if model else None) or by_usage.get(node)
        if owner is not None:
            owners[node] = owner
    return owners


def _owners_by_usage(view: MetricsView, partition: Partition) -> dict[str, str]:
    scores: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for unit, table, weight, is_write in view.table_uses:
        if unit in partition:
            service = partition[unit]
            writes, touches = scores[table].get(service, (0.0, 0.0))
            scores[table][service] = (writes + (weight if is_write else 0.0), touches + weight)
    return {
        table: min(by_service, key=lambda s: (-by_service[s][0], -by_service[s][1], s))
        for table, by_service in sorted(scores.items())
    }


def as_table_nodes(graph: nx.MultiDiGraph, owners: Mapping[str, str]) -> dict[str, str]:
    """Key an owner map by table node id, accepting bare table names (``orders_order``) too."""
    return {
        (table if table in graph or f"table:{table}" not in graph else f"table:{table}"): service
        for table, service in sorted(owners.items())
    }


def _service_of(node: str, partition: Partition, owners: Mapping[str, str]) -> str | None:
    return partition.get(node) or owners.get(node)


def cross_service_data_edges(graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]) -> int:
    """Data edges (fk, m2m, ORM and SQL access) whose two ends belong to different services."""
    return _cross_data(metrics_view(graph), partition, owners)


def _cross_data(view: MetricsView, partition: Partition, owners: Mapping[str, str]) -> int:
    count = 0
    for source, target in view.data_edges:
        a, b = _service_of(source, partition, owners), _service_of(target, partition, owners)
        if a is not None and b is not None and a != b:
            count += 1
    return count


def atomic_blocks(
    graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]
) -> dict[tuple[str, ...], set[str]]:
    """Services of the data (tables, models) each ``transaction`` block writes, keyed by ``path:line``."""
    return _atomic_blocks(metrics_view(graph), partition, owners)


def _atomic_blocks(
    view: MetricsView, partition: Partition, owners: Mapping[str, str]
) -> dict[tuple[str, ...], set[str]]:
    blocks: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for path, line, ends in view.transactions:
        touched = blocks[(path, line)]
        for node in ends:
            service = _service_of(node, partition, owners)
            if service is not None:
                touched.add(service)
    return {key: services for key, services in sorted(blocks.items()) if services}


def transactional_purity(graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]) -> float:
    """Share of atomic blocks whose written data lies in one service (CARGO); higher is better."""
    return _purity(metrics_view(graph), partition, owners)


def _purity(view: MetricsView, partition: Partition, owners: Mapping[str, str]) -> float:
    blocks = _atomic_blocks(view, partition, owners)
    if not blocks:
        return 1.0
    return sum(1 for services in blocks.values() if len(services) == 1) / len(blocks)


def shared_tables(graph: nx.MultiDiGraph, partition: Partition) -> int:
    """Tables read or written (ORM or SQL) by units of two or more services."""
    return _shared(metrics_view(graph), partition)


def _shared(view: MetricsView, partition: Partition) -> int:
    users: dict[str, set[str]] = defaultdict(set)
    for source, table in view.table_access:
        if source in partition:
            users[table].add(partition[source])
    return sum(1 for services in users.values() if len(services) > 1)


def services_touched_by(
    graph: nx.MultiDiGraph, route: str, partition: Partition, owners: Mapping[str, str]
) -> set[str]:
    """Services one request to ``route`` touches: views and callees (transitively) and the data they use."""
    return _touched(route_reach(graph, route), partition, owners)


def _touched(reach: RouteReach, partition: Partition, owners: Mapping[str, str]) -> set[str]:
    touched = {partition[node] for node in reach.nodes if node in partition}
    for target in reach.data:
        service = _service_of(target, partition, owners)
        if service is not None:
            touched.add(service)
    return touched


def services_per_route(
    graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]
) -> dict[str, int]:
    """Number of services each route's request touches, for routes whose view is placed."""
    return _per_route(metrics_view(graph), partition, owners)


def _per_route(view: MetricsView, partition: Partition, owners: Mapping[str, str]) -> dict[str, int]:
    counts = {}
    for reach in view.routes:
        touched = _touched(reach, partition, owners)
        if touched:
            counts[reach.route] = len(touched)
    return counts


def newman_modularity(graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]) -> float:
    """Newman modularity of the weighted undirected unit+table graph (networkx's formula, resolution 1);
    higher is better.

    Tables join their owner's community; parallel edges add their weights; self-loops are dropped.
    """
    return _modularity(metrics_view(graph), partition, owners)


def _modularity(view: MetricsView, partition: Partition, owners: Mapping[str, str]) -> float:
    membership = {**{t: s for t, s in owners.items() if t in view.kinds}, **partition}
    degree: defaultdict[str, float] = defaultdict(float)
    inside: defaultdict[str, float] = defaultdict(float)
    for (a, b), weight in view.pair_weights.items():
        service_a, service_b = membership.get(a), membership.get(b)
        if service_a is None or service_b is None:
            continue
        degree[a] += weight
        degree[b] += weight
        if service_a == service_b:
            inside[service_a] += weight
    degree_sum = sum(degree.values())
    if degree_sum == 0:
        return 0.0
    totals: defaultdict[str, float] = defaultdict(float)
    for node, weight in degree.items():
        totals[membership[node]] += weight
    m, norm = degree_sum / 2, 1 / degree_sum**2
    return sum(inside[s] / m - totals[s] * totals[s] * norm for s in sorted(set(membership.values())))


def measure(graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str] | None = None) -> Metrics:
    """All metrics of one partition; ``owners`` (table node -> service) defaults to :func:`table_owners`."""
    return measure_view(graph, metrics_view(graph), partition, owners)


def measure_view(graph: nx.MultiDiGraph, view: MetricsView, partition: Partition,
                 owners: Mapping[str, str] | None = None) -> Metrics:
    """:func:`measure` with what the metrics read of ``graph`` already gathered in ``view``
    (:func:`analyzer.metrics.graph_view.metrics_view`), to measure several partitions of one graph."""
    owners = view_table_owners(view, partition) if owners is None else as_table_nodes(graph, owners)
    code = code_units(graph, partition)
    volumes = _volumes(view, code)
    per_route = _per_route(view, partition, owners)
    mean_route = sum(per_route.values()) / len(per_route) if per_route else 0.0
    return Metrics(
        services=len(set(partition.values())),
        sm=round(structural_modularity(volumes, code), DIGITS),
        icp=round(inter_call_percentage(volumes, code), DIGITS),
        ifn=round(interface_number(volumes, code), DIGITS),
        ned=round(non_extreme_distribution(class_counts(graph, partition)), DIGITS),
        modularity=round(_modularity(view, partition, owners), DIGITS),
        cross_service_data_edges=_cross_data(view, partition, owners),
        transactional_purity=round(_purity(view, partition, owners), DIGITS),
        shared_tables=_shared(view, partition),
        mean_services_per_route=round(mean_route, DIGITS),
    )
