"""Code of newer Pythons (PEP 695, PEP 701) is read on the running one, every line in place;
a real syntax error after such code is reported on its own line."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.facts import extract_module_facts
from analyzer.facts.newer_syntax import rewrite_for_running_python, without_type_parameters

FIXTURES = Path(__file__).parents[2] / "fixtures" / "newer_syntax"


def _facts(name: str):  # type: ignore[no-untyped-def]
    return extract_module_facts((FIXTURES / name).read_bytes(), name, name.removesuffix(".py"))


@pytest.mark.parametrize(("name", "definitions"), [
    ("type_aliases.py", [("type_aliases.Registry", 9), ("type_aliases.Registry.handlers", 12),
                         ("type_aliases.message", 16)]),
    ("generics.py", [("generics.Box", 4), ("generics.Box.get", 5), ("generics.Tree", 9),
                     ("generics.first", 16)]),
    ("fstrings.py", [("fstrings.sql", 4), ("fstrings.after", 15)]),
])
def test_newer_syntax_is_read_with_its_lines(name: str, definitions: list[tuple[str, int]]) -> None:
    facts = _facts(name)
    assert facts.warnings == ()
    assert [(d.qualname, d.line) for d in facts.definitions] == definitions


def test_a_real_syntax_error_after_newer_syntax_is_on_its_own_line() -> None:
    warnings = _facts("real_error.py").warnings
    assert [(w.path, w.line, w.code) for w in warnings] == [("real_error.py", 9, "syntax")]


def test_type_statements_become_assignments_token_by_token() -> None:
    source = "type X[T] = int\nclass A[\n  T,\n](B):\n    def f[S](self): pass\ntype = 3\n"
    assert without_type_parameters(source) == (
        "X[T] = int\nclass A(B):\n\n\n    def f(self): pass\ntype = 3\n")


def test_implicit_concatenation_with_a_newer_fstring_is_rewritten() -> None:
    rewrite = rewrite_for_running_python('x = ("a"\n     f"{d["k"]}")\ny = 1\n')
    assert rewrite.code is not None and rewrite.code.count("\n") == 3
    assert "str(d[\"k\"])" in rewrite.code
