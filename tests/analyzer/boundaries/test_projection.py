"""The unit graph is the nx.Graph that networkx's add_edges_from would build; its edges, those it lists."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from analyzer.boundaries.projection import project_units, undirected, unit_projection
from analyzer.boundaries.unit_edges import UnitEdges
from tests.helpers.sample_pipeline import sample_project


def _same(built: nx.Graph, expected: nx.Graph) -> None:
    assert list(built.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(built.edges(data=True)) == list(expected.edges(data=True))
    assert all(list(built.adj[n].items()) == list(expected.adj[n].items()) for n in expected)
    for u, v, attrs in built.edges(data=True):
        assert built.adj[u][v] is built.adj[v][u] is attrs  # one attribute dict per edge, as networkx keeps


def test_undirected_builds_what_networkx_builds() -> None:
    edges = [("b", "a", 1.0), ("c", "c", 2.0), ("a", "b", 3.0), ("d", "a", 0.5), ("x", "y", 1.5)]
    expected = nx.Graph()
    expected.add_nodes_from(["c", "a", "b", "d"])
    expected.add_edges_from((u, v, {"weight": w}) for u, v, w in edges)
    _same(undirected(["c", "a", "b", "d"], ((u, v, {"weight": w}) for u, v, w in edges)), expected)
    assert expected["a"]["b"]["weight"] == 3.0  # a repeated pair keeps its place, the last weight wins


def test_unit_edges_are_the_edges_networkx_lists_and_keep_their_order_in_subsets() -> None:
    project = sample_project()[0]
    edges = unit_projection(project.graph, (), 1.0, project.transactions, 1.0, 1.0, 1.0)
    projected = project_units(project.graph, (), 1.0, project.transactions, 1.0, 1.0, 1.0)
    assert edges == UnitEdges.of(projected)
    assert list(edges.edges) == [(u, v, attrs["weight"]) for u, v, attrs in projected.edges(data=True)]
    ties = edges.ties()
    assert list(ties) == list(projected)
    assert all(list(ties[u].items()) == [(v, a["weight"]) for v, a in projected.adj[u].items()] for u in ties)
    left_out = set(sorted(projected.nodes)[::5])
    core = edges.without(left_out)
    assert core == UnitEdges.of(_rebuilt(projected, lambda n: n not in left_out))
    assert len(core.edges) > 50
    members = set(sorted(core.nodes)[1::3])
    assert core.within(members) == UnitEdges.of(_rebuilt(projected, members.__contains__))


def _rebuilt(graph: nx.Graph, keep: Callable[[str], bool]) -> nx.Graph:
    """The graph networkx builds from the nodes ``keep`` accepts and their edges, in graph order.

    (Not ``graph.subgraph``: below half the nodes, a subgraph view lists them in set order.)
    """
    rebuilt = nx.Graph()
    rebuilt.add_nodes_from(n for n in graph.nodes if keep(n))
    rebuilt.add_edges_from((u, v, attrs) for u, v, attrs in graph.edges(data=True) if keep(u) and keep(v))
    return rebuilt
