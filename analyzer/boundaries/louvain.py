"""Seeded Louvain on plain dicts: networkx's ``louvain_communities``, step for step, without the graphs.

networkx (3.x) runs Louvain on ``nx.Graph`` objects: it copies the input, rebuilds a graph per
level through ``add_edge``/``get_edge_data`` and measures modularity through edge views. On the
unit graph of a large project that bookkeeping costs as much as the moves themselves. This module
runs the same algorithm on an adjacency ``dict[node, dict[neighbour, weight]]`` ordered as the
``nx.Graph`` would be, and repeats networkx's every step in the same order: the same shuffles of
one ``random.Random(seed)``, the same sets updated by the same operations, the same float
expressions summed in the same order. The communities are therefore the ones networkx finds,
which ``tests/analyzer/boundaries/test_louvain.py`` checks against networkx itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

WeightedAdjacency = dict[int, dict[int, float]]  # node -> neighbour -> weight, both directions, loops once
THRESHOLD = 0.0000001  # networkx's default: the least modularity gain that makes another level


def adjacency_of(nodes: Iterable[int], edges: Iterable[tuple[int, int, float]]) -> WeightedAdjacency:
    """The adjacency an ``nx.Graph`` holds after ``add_nodes_from``, ``add_weighted_edges_from``."""
    adjacency: WeightedAdjacency = {n: {} for n in nodes}
    for u, v, weight in edges:
        adjacency.setdefault(u, {})
        adjacency.setdefault(v, {})
        adjacency[u][v] = weight
        adjacency[v][u] = weight
    return adjacency


def louvain_communities(
    adjacency: WeightedAdjacency, resolution: float = 1.0, seed: int = 0, threshold: float = THRESHOLD
) -> list[set[int]]:
    """Return the communities networkx's ``louvain_communities`` finds on the same graph and seed."""
    rng = random.Random(seed)
    partition = [{u} for u in adjacency]
    if not any(adjacency.values()):
        return partition
    mod = _singletons_modularity(adjacency, resolution)
    m = sum(_degrees(adjacency).values()) / 2
    graph, members = adjacency, None
    partition, inner, improvement = _one_level(graph, members, m, partition, resolution, rng)
    improvement = True
    result = partition
    while improvement:
        result = [s.copy() for s in partition]
        new_mod = modularity(graph, inner, resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        graph, members = _gen_graph(graph, members, inner)
        partition, inner, improvement = _one_level(graph, members, m, partition, resolution, rng)
    return result


def modularity(adjacency: WeightedAdjacency, communities: list[set[int]], resolution: float = 1.0) -> float:
    """networkx's ``modularity`` (undirected, weighted), summed in the same order."""
    degrees = _degrees(adjacency)
    deg_sum = sum(degrees.values())
    m = deg_sum / 2
    norm = 1 / deg_sum**2

    def community_contribution(community: set[int]) -> float:
        comm = set(community)
        inner = sum(_weights_within(adjacency, comm))
        degree_sum = sum(degrees[u] for u in comm)
        return float(inner / m - resolution * degree_sum * degree_sum * norm)

    return float(sum(map(community_contribution, communities)))


def _singletons_modularity(adjacency: WeightedAdjacency, resolution: float) -> float:
    """``modularity(adjacency, [{u} for u in adjacency], resolution)``, bit for bit, in one pass.

    A singleton's inner weight is its self-loop's (``sum`` of one float is that float) and its
    degree sum its degree; the terms are the same expressions, summed in the same order.
    """
    degrees = _degrees(adjacency)
    deg_sum = sum(degrees.values())
    m = deg_sum / 2
    norm = 1 / deg_sum**2
    return float(sum(ties.get(u, 0) / m - resolution * degrees[u] * degrees[u] * norm
                     for u, ties in adjacency.items()))


def _degrees(adjacency: WeightedAdjacency) -> dict[int, float]:
    """Weighted degrees as ``nx.Graph.degree(weight=...)`` sums them (a self-loop counts twice)."""
    return {n: sum(ties.values()) + (n in ties and ties[n]) for n, ties in adjacency.items()}


def _weights_within(adjacency: WeightedAdjacency, comm: set[int]) -> Iterator[float]:
    """The weights of the edges inside ``comm``, each once, in ``G.edges(comm)`` order."""
    seen: set[int] = set()
    for n in comm:
        for neighbour, weight in adjacency[n].items():
            if neighbour not in seen and neighbour in comm:
                yield weight
        seen.add(n)


def _edges(adjacency: WeightedAdjacency) -> Iterator[tuple[int, int, float]]:
    """Every edge once, in ``G.edges()`` order."""
    seen: set[int] = set()
    for n, ties in adjacency.items():
        for neighbour, weight in ties.items():
            if neighbour not in seen:
                yield n, neighbour, weight
        seen.add(n)


def _one_level(
    graph: WeightedAdjacency, members: dict[int, set[int]] | None, m: float, partition: list[set[int]],
    resolution: float, rng: random.Random,
) -> tuple[list[set[int]], list[set[int]], bool]:
    """One level of moves (networkx's ``_one_level``, undirected), the best community inlined.

    This loop is most of Louvain's time: a call and a ``defaultdict(float)`` per visit cost ~20% of
    it. A plain dict sums the same (``get(c, 0.0) + wt`` is the defaultdict's ``0.0 + wt``).
    """
    node2com = {u: i for i, u in enumerate(graph)}
    inner_partition = [{u} for u in graph]
    degrees = _degrees(graph)
    stot = list(degrees.values())
    nbrs = _loopless(graph)
    rand_nodes = list(graph)
    rng.shuffle(rand_nodes)
    twice_m2 = 2 * m**2  # the same value networkx computes in each expression
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in rand_nodes:
            best_com = own = node2com[u]
            degree = degrees[u]
            weights2com: dict[int, float] = {}
            for nbr, wt in nbrs[u].items():
                com = node2com[nbr]
                weights2com[com] = weights2com.get(com, 0.0) + wt
            weights2com.setdefault(own, 0.0)  # networkx reads it from its defaultdict: a last key
            stot[own] -= degree
            remove_cost = -weights2com[own] / m + resolution * (stot[own] * degree) / twice_m2
            best_mod = 0.0
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - resolution * (stot[nbr_com] * degree) / twice_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != own:
                _move(u, own, best_com, members, partition, inner_partition)
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return list(filter(len, partition)), list(filter(len, inner_partition)), improvement


def _loopless(graph: WeightedAdjacency) -> WeightedAdjacency:
    """The ties without self-loops; a node without one keeps its dict (only read), not a copy."""
    return {u: ties if u not in ties else {v: w for v, w in ties.items() if v != u}
            for u, ties in graph.items()}


def _move(
    u: int, old: int, new: int, members: dict[int, set[int]] | None, partition: list[set[int]],
    inner_partition: list[set[int]],
) -> None:
    com = members[u] if members is not None else {u}
    partition[old].difference_update(com)
    inner_partition[old].remove(u)
    partition[new].update(com)
    inner_partition[new].add(u)


def _gen_graph(
    graph: WeightedAdjacency, members: dict[int, set[int]] | None, partition: list[set[int]]
) -> tuple[WeightedAdjacency, dict[int, set[int]]]:
    """The graph of the communities (networkx's ``_gen_graph``): node i stands for partition[i]."""
    result: WeightedAdjacency = {}
    result_members: dict[int, set[int]] = {}
    node2com: dict[int, int] = {}
    for i, part in enumerate(partition):
        nodes: set[int] = set()
        for node in part:
            node2com[node] = i
            nodes.update(members[node] if members is not None else {node})
        result[i] = {}
        result_members[i] = nodes
    for node1, node2, weight in _edges(graph):
        com1, com2 = node2com[node1], node2com[node2]
        total = weight + result[com1].get(com2, 0)
        result[com1][com2] = total
        result[com2][com1] = total
    return result, result_members
