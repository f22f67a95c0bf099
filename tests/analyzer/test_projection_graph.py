"""The unit graph and its core are the nx.Graph that networkx's own add_edges_from would build."""

from __future__ import annotations

import networkx as nx

from analyzer.partition import without
from analyzer.projection import project_units, undirected
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


def test_without_keeps_the_order_of_the_unit_graph() -> None:
    project = sample_project()[0]
    projected = project_units(project.graph, (), 1.0, project.transactions, 1.0, 1.0, 1.0)
    left_out = set(sorted(projected.nodes)[::5])
    expected = nx.Graph()
    expected.add_nodes_from(n for n in projected.nodes if n not in left_out)
    expected.add_edges_from((u, v, attrs) for u, v, attrs in projected.edges(data=True)
                            if u not in left_out and v not in left_out)
    core = without(projected, left_out)
    _same(core, expected)
    assert core.number_of_edges() > 50
    assert all(core.adj[u][v] is not projected.adj[u][v] for u, v in core.edges)  # copies, not shared
