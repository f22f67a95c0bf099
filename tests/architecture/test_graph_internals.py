"""The graph's data is read through the typed accessors of :mod:`analyzer.graph.schema` outside
``analyzer/graph/``: networkx's private graph attributes (``_node``, ``_succ``, ``_adj``, ``_pred``)
nowhere else in our packages, tests (not their input trees) and benchmarks; its untyped data views
(``graph.nodes[n]``, ``graph.edges(data=True)``, ``graph.out_edges(n, data="kind")``, ...) nowhere
else in the code we ship and the benchmarks (tests may compare the accessors with them).

Each is an ast walk; a second test per walk plants one such read in a copy of a boundaries
module and sees the walk report it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = frozenset({"_node", "_succ", "_adj", "_pred"})
TREES = ("analyzer", "reports", "extractor", "demonolith", "tests", "bench")
SHIPPED = ("analyzer", "reports", "extractor", "demonolith", "datasync", "bench")
ALLOWED = ROOT / "analyzer" / "graph"
VIEWS = frozenset({"nodes", "edges", "adj", "succ", "pred"})  # graph.nodes[n], graph.adj[n], ...
DATA_CALLS = frozenset({"nodes", "edges", "in_edges", "out_edges", "adjacency"})  # with data=...


def private_reads(source: str) -> list[int]:
    """The lines of ``source`` that read one of networkx's private graph attributes."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Attribute) and node.attr in PRIVATE)


def view_reads(source: str) -> list[int]:
    """The lines of ``source`` that read node or edge data through networkx's views.

    ``x.nodes[key]`` (an integer index is a tuple's, as in ``module.nodes[0]``) and the like of
    ``edges``/``adj``/``succ``/``pred``, and ``nodes``/``edges``/``in_edges``/``out_edges``/
    ``adjacency`` called with ``data=``.
    """
    return sorted(n.lineno for n in ast.walk(ast.parse(source)) if _data_call(n) or _view_index(n))


def _data_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in DATA_CALLS and any(k.arg == "data" for k in node.keywords))


def _view_index(node: ast.AST) -> bool:
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr in VIEWS
            and not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)))


def offenders(files: list[Path], reads: Callable[[str], list[int]] = private_reads) -> list[str]:
    """``path:line`` of each read ``reads`` finds outside ``analyzer/graph/``."""
    found = []
    for path in files:
        if ALLOWED not in path.parents:
            found += [f"{path}:{line}" for line in reads(path.read_text(encoding="utf-8"))]
    return found


def python_files(trees: tuple[str, ...]) -> list[Path]:
    """Every Python file under ``trees`` (of the repository), input trees of tests left out."""
    return sorted(p for tree in trees for p in (ROOT / tree).rglob("*.py")
                  if not {".venv", "fixtures"} & set(p.parts))


def test_only_the_graph_package_reads_networkx_internals() -> None:
    files = python_files(TREES)
    assert len(files) > 100
    assert offenders(files) == []


def test_only_the_graph_package_reads_graph_data_through_networkx_views() -> None:
    files = python_files(SHIPPED)
    assert len(files) > 100
    assert offenders(files, view_reads) == []


def test_a_planted_view_read_is_found(tmp_path: Path) -> None:
    planted = tmp_path / "crossings.py"
    source = (ROOT / "analyzer" / "boundaries" / "crossings.py").read_text(encoding="utf-8")
    plant = ("\n\ndef peek(graph, node):\n    kinds = [a.get('kind') for _, _, a in graph.edges(data=True)]\n"
             "    return kinds, graph.nodes[node]['kind'], graph.out_edges(node, data='kind')\n")
    planted.write_text(source + plant, encoding="utf-8")
    end = source.count(chr(10))
    assert offenders([planted], view_reads) == [f"{planted}:{end + 4}", f"{planted}:{end + 5}",
                                                f"{planted}:{end + 5}"]
    assert offenders([ALLOWED / "schema.py"], view_reads) == []


def test_a_planted_private_read_is_found(tmp_path: Path) -> None:
    planted = tmp_path / "crossings.py"
    source = (ROOT / "analyzer" / "boundaries" / "crossings.py").read_text(encoding="utf-8")
    planted.write_text(source + "\n\ndef peek(graph):\n    return graph._succ\n", encoding="utf-8")
    assert offenders([planted]) == [f"{planted}:{source.count(chr(10)) + 4}"]
    assert offenders([ALLOWED / "schema.py"]) == []
