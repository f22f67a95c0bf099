"""build_graph fills the MultiDiGraph exactly as networkx's own add_edge would."""

from __future__ import annotations

import networkx as nx

from tests.helpers.sample_pipeline import sample_project


def test_edges_are_what_add_edge_would_build() -> None:
    graph = sample_project()[0].graph
    rebuilt = nx.MultiDiGraph()
    rebuilt.add_nodes_from(graph.nodes(data=True))
    inserted = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))  # build order
    for source, target, key, attrs in inserted:
        assert rebuilt.add_edge(source, target, **attrs) == key  # networkx numbers keys 0, 1, ... per pair
    assert list(rebuilt.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
    assert list(rebuilt.in_edges(keys=True, data=True)) == list(graph.in_edges(keys=True, data=True))
    assert graph.number_of_edges() > 100
    assert all(graph.has_edge(s, t, k) for s, t, k in rebuilt.edges(keys=True))
