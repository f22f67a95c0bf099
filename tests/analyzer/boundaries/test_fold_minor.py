"""Folding minor clusters: the old -> new cluster numbers it returns match the assignment it returns."""

import networkx as nx

from analyzer.boundaries.fold_minor import fold_minor
from analyzer.graph.schema import add_node


def _helper_graph(units: list[str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for unit in units:
        module = unit.rsplit(".", 1)[0]
        add_node(graph, unit, {"kind": "function", "app": unit.split(".")[0], "module": module,
                               "path": "x.py", "line": 1, "lines": 5})
    return graph


def test_when_every_cluster_is_minor_the_numbers_returned_follow_the_renumbering() -> None:
    # numbers out of canonical order: renumbering turns 5 into 0 and 3 into 1
    assignment = {"a.f": 5, "b.g": 3}
    moved, new_of, folds = fold_minor(_helper_graph(list(assignment)), {}, assignment)
    assert folds == ()
    assert moved == {"a.f": 0, "b.g": 1}
    assert {old: new_of[old] for old in (5, 3)} == {5: 0, 3: 1}
    assert all(new_of[assignment[u]] == moved[u] for u in assignment)
