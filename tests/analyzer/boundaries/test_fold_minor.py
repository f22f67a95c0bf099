"""Folding minor clusters: the numbers it returns match its assignment; tests and migrations do not
count towards the code that keeps a cluster a service."""

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


def test_a_table_used_only_by_tests_and_migrations_does_not_make_them_a_service() -> None:
    graph = nx.MultiDiGraph()
    add_node(graph, "shop.models.Order", {"kind": "model", "app": "shop", "module": "shop.models",
                                          "path": "shop/models.py", "line": 1, "lines": 20})
    add_node(graph, "shop.views.checkout", {"kind": "function", "app": "shop", "module": "shop.views",
                                            "path": "shop/views.py", "line": 1, "lines": 200})
    add_node(graph, "table:search_index", {"kind": "table", "app": "", "module": "", "path": "",
                                           "line": 0, "lines": 0})
    for name, module in (("test_search", "search.tests.test_index"), ("Migration", "search.migrations.0001")):
        add_node(graph, f"{module}.{name}", {"kind": "function", "app": "search", "module": module,
                                             "path": "search/x.py", "line": 1, "lines": 900})
    assignment = {"shop.models.Order": 0, "shop.views.checkout": 0, "table:search_index": 1,
                  "search.tests.test_index.test_search": 1, "search.migrations.0001.Migration": 1}
    ties = {"search.tests.test_index.test_search": {"shop.models.Order": 1.0}}
    moved, _, folds = fold_minor(graph, ties, assignment)
    assert set(moved.values()) == {0}
    (fold,) = folds
    assert fold.tables == ("search_index",) and fold.lines == 1800
