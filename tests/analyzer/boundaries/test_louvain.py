"""analyzer.boundaries.louvain finds exactly the communities networkx's louvain_communities finds."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from analyzer.boundaries.louvain import _singletons_modularity, adjacency_of, louvain_communities, modularity


def random_graph(seed: int, nodes: int, edges: int, loops: int) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.Graph()
    graph.add_nodes_from(rng.sample(range(nodes * 2), nodes))
    names = list(graph.nodes)
    for _ in range(edges):
        u, v = rng.sample(names, 2)
        graph.add_edge(u, v, weight=rng.choice([0.5, 1.0, 3.0, rng.random() * 7]))
    for u in rng.sample(names, loops):
        graph.add_edge(u, u, weight=rng.random() * 4)
    return graph


def adjacency(graph: nx.Graph) -> dict[int, dict[int, float]]:
    return {u: {v: float(d["weight"]) for v, d in graph[u].items()} for u in graph}


def planted(seed: int, groups: int, size: int) -> nx.Graph:
    """Dense groups sparsely tied: several Louvain levels."""
    rng = random.Random(seed)
    graph = nx.Graph()
    graph.add_nodes_from(range(groups * size))
    for n in range(groups * size):
        for _ in range(4):
            same = rng.random() < 0.85
            other = (n // size) * size + rng.randrange(size) if same else rng.randrange(groups * size)
            if other != n:
                graph.add_edge(n, other, weight=rng.choice([1.0, 2.5, 6.0]))
    return graph


SIZES = [(2, 1, 0), (5, 0, 0), (5, 0, 2), (12, 15, 3), (40, 60, 5), (120, 300, 20), (300, 500, 0),
         (400, 2000, 40)]
GRAPHS = [random_graph(s, n, e, lo) for s, (n, e, lo) in enumerate(SIZES)]
GRAPHS += [planted(s, g, k) for s, (g, k) in enumerate([(3, 10), (8, 25), (20, 30)])]


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: f"{g.number_of_nodes()}n{g.number_of_edges()}e")
@pytest.mark.parametrize("resolution", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("seed", [0, 42])
def test_same_communities_as_networkx(graph: nx.Graph, resolution: float, seed: int) -> None:
    expected = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    assert louvain_communities(adjacency(graph), resolution, seed) == expected


@pytest.mark.parametrize("graph", GRAPHS[3:], ids=lambda g: f"{g.number_of_nodes()}n")
def test_same_modularity_as_networkx_to_the_last_bit(graph: nx.Graph) -> None:
    parts = nx.community.louvain_communities(graph, weight="weight", seed=1)
    for resolution in (1.0, 2.0):
        assert modularity(adjacency(graph), parts, resolution) == nx.community.modularity(
            graph, parts, weight="weight", resolution=resolution)


def test_adjacency_of_keeps_networkx_order() -> None:
    nodes = [3, 1, 2, 7]
    edges = [(2, 1, 1.0), (3, 2, 2.0), (1, 3, 0.5), (2, 1, 4.0), (7, 7, 1.5), (9, 1, 1.0)]
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(edges)
    built = adjacency_of(nodes, edges)
    assert built == adjacency(graph)
    assert [list(ties) for ties in built.values()] == [list(graph[n]) for n in graph]


@pytest.mark.parametrize("graph", GRAPHS[1:], ids=lambda g: f"{g.number_of_nodes()}n{g.number_of_edges()}e")
def test_singletons_modularity_is_modularity_to_the_last_bit(graph: nx.Graph) -> None:
    if graph.number_of_edges():
        for resolution in (0.5, 1.0, 3.0):
            assert _singletons_modularity(adjacency(graph), resolution) == modularity(
                adjacency(graph), [{u} for u in graph], resolution)


def test_only_loop_free_leaves_are_folded_and_own_loops_are_kept() -> None:
    from analyzer.boundaries.unit_edges import fold_leaves

    path = {0: {1: 1.0}, 1: {0: 1.0, 2: 1.0}, 2: {1: 1.0, 3: 1.0}, 3: {2: 1.0}, 4: {5: 2.0}, 5: {4: 2.0}}
    into, loops = fold_leaves(path, {4: 5.0})
    assert into == {0: 1, 3: 2, 5: 4}  # 1 and 2 hold a loop after the first folds; 4 has its own
    assert loops == {1: 1.0, 2: 1.0, 4: 7.0}
    assert path == {1: {2: 1.0}, 2: {1: 1.0}, 4: {}}


def test_a_node_with_a_heavy_self_loop_stays_alone() -> None:
    from analyzer.boundaries.unit_edges import UnitEdges, louvain

    edges = (("a", "b", 5.0), ("b", "c", 5.0), ("a", "c", 5.0), ("c", "d", 1.0))
    light = louvain(UnitEdges(("a", "b", "c", "d"), edges), 1.0, 42)
    heavy = louvain(UnitEdges(("a", "b", "c", "d"), (*edges, ("d", "d", 20.0))), 1.0, 42)
    assert light["d"] == light["c"] and heavy["d"] != heavy["c"]
