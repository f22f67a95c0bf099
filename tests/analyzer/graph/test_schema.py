"""The graph schema is typed: a misspelt attribute key or an unknown kind is a mypy error.

Each test type-checks a tiny module with mypy's API, once as written and once with the fault
planted, so a schema that accepts any key cannot pass unnoticed. mypy checks ``attrs["key"]``;
``attrs.get("key")`` of an unknown key only types as ``object``, so the keys every node or edge
has are read with ``[...]``.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

from analyzer.graph.schema import (
    CODE_KINDS,
    DATA_KINDS,
    INFERRED_KINDS,
    PLACED_KINDS,
    TABLE_USE_KINDS,
    VIOLATION_KINDS,
    EdgeKind,
    NodeKind,
    edges,
    in_edges,
    node_attrs,
    out_edges,
)
from analyzer.graph.weights import DEFAULT_WEIGHTS
from tests.helpers.sample_pipeline import sample_project

READER = '''
import networkx as nx
from analyzer.graph.schema import node_attrs, successors

def apps(graph: nx.MultiDiGraph) -> list[str]:
    return [attrs["{node_key}"] for attrs in node_attrs(graph).values()]

def kinds(graph: nx.MultiDiGraph) -> list[str]:
    return [attrs["{edge_key}"] for ties in successors(graph).values()
            for keyed in ties.values() for attrs in keyed.values()]
'''

WRITER = '''
import networkx as nx
from analyzer.graph.schema import add_edge

def link(graph: nx.MultiDiGraph) -> None:
    add_edge(graph, "a", "b", {{"kind": "{kind}", "weight": 1.0, "path": "a.py", "line": 1}})
'''


def _mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    module = tmp_path / "reader.py"
    module.write_text(source, encoding="utf-8")
    out, _, status = api.run(["--strict", "--no-incremental", "--follow-imports=silent",
                              "--cache-dir", str(tmp_path / "cache"), str(module)])
    return out, status


def test_correct_keys_type_check(tmp_path: Path) -> None:
    out, status = _mypy(tmp_path, READER.format(node_key="app", edge_key="kind"))
    assert status == 0, out


def test_a_misspelt_node_key_is_a_mypy_error(tmp_path: Path) -> None:
    out, status = _mypy(tmp_path, READER.format(node_key="ap", edge_key="kind"))
    assert status == 1
    assert 'TypedDict "NodeAttrs" has no key "ap"' in out


def test_a_misspelt_edge_key_is_a_mypy_error(tmp_path: Path) -> None:
    out, status = _mypy(tmp_path, READER.format(node_key="app", edge_key="knd"))
    assert status == 1
    assert 'TypedDict "EdgeAttrs" has no key "knd"' in out


def test_an_unknown_edge_kind_is_a_mypy_error(tmp_path: Path) -> None:
    assert _mypy(tmp_path, WRITER.format(kind="orm-write"))[1] == 0
    out, status = _mypy(tmp_path, WRITER.format(kind="orm-writes"))
    assert status == 1
    assert "orm-writes" in out


def test_every_edge_kind_has_a_weight_and_groups_hold_known_kinds() -> None:
    assert set(DEFAULT_WEIGHTS) == set(EdgeKind.__args__)
    edge_groups = (CODE_KINDS, DATA_KINDS, INFERRED_KINDS, TABLE_USE_KINDS, VIOLATION_KINDS)
    assert all(group <= set(EdgeKind.__args__) for group in edge_groups)
    assert set(NodeKind.__args__) >= PLACED_KINDS
    assert not CODE_KINDS & DATA_KINDS


def test_the_accessors_give_what_networkx_gives_in_its_order() -> None:
    graph = sample_project()[0].graph
    assert list(node_attrs(graph).items()) == list(graph.nodes(data=True))
    assert list(edges(graph)) == list(graph.edges(data=True))
    for node in graph:
        assert list(out_edges(graph, node)) == [(t, a) for _, t, a in graph.out_edges(node, data=True)]
        assert list(in_edges(graph, node)) == [(s, a) for s, _, a in graph.in_edges(node, data=True)]
    parallel = [n for n in graph if len(list(out_edges(graph, n))) > len(set(graph.successors(n))) > 1]
    assert parallel  # parallel edges to several neighbours, so the order within and across pairs counts
