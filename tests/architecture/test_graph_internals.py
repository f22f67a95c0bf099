"""networkx's private graph attributes (``_node``, ``_succ``, ``_adj``, ``_pred``) are read only in
``analyzer/graph/``: everyone else goes through the typed accessors of :mod:`analyzer.graph.schema`.

An ast walk over every Python file of our packages, tests (not their input trees) and benchmarks;
the second test plants one such read in a copy of a boundaries module and sees the walk report it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = frozenset({"_node", "_succ", "_adj", "_pred"})
TREES = ("analyzer", "reports", "extractor", "demonolith", "tests", "bench")
ALLOWED = ROOT / "analyzer" / "graph"


def private_reads(source: str) -> list[int]:
    """The lines of ``source`` that read one of networkx's private graph attributes."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Attribute) and node.attr in PRIVATE)


def offenders(files: list[Path]) -> list[str]:
    """``path:line`` of each private read outside ``analyzer/graph/``."""
    found = []
    for path in files:
        if ALLOWED not in path.parents:
            found += [f"{path}:{line}" for line in private_reads(path.read_text(encoding="utf-8"))]
    return found


def test_only_the_graph_package_reads_networkx_internals() -> None:
    files = sorted(p for tree in TREES for p in (ROOT / tree).rglob("*.py")
                   if not {".venv", "fixtures"} & set(p.parts))
    assert len(files) > 100
    assert offenders(files) == []


def test_a_planted_private_read_is_found(tmp_path: Path) -> None:
    planted = tmp_path / "crossings.py"
    source = (ROOT / "analyzer" / "boundaries" / "crossings.py").read_text(encoding="utf-8")
    planted.write_text(source + "\n\ndef peek(graph):\n    return graph._succ\n", encoding="utf-8")
    assert offenders([planted]) == [f"{planted}:{source.count(chr(10)) + 4}"]
    assert offenders([ALLOWED / "schema.py"]) == []
