"""Bad input: every broken file is one warning naming it, never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.facts import extract_module_facts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURES = Path(__file__).parents[2] / "fixtures"

EXPECTED = {
    "bad_sql.py": ("sql", 6),
    "binary.py": ("nul-bytes", 1),
    "empty_module.py": ("empty", 1),
    "non_utf8.py": ("decode", 2),
    "nul_bytes.py": ("nul-bytes", 2),
    "python2.py": ("syntax", 3),
    "syntax_error.py": ("syntax", 1),
}


def test_each_broken_file_is_one_warning_with_its_line() -> None:
    facts = extract_project_facts(FIXTURES / "bad_input", FactsOptions(use_cache=False))
    found = {w.path: (w.code, w.line) for w in facts.warnings}
    assert found == EXPECTED
    assert "Python 2" in next(w.message for w in facts.warnings if w.path == "python2.py")


def test_newer_python_syntax_is_read_through_the_fallback() -> None:
    data = (FIXTURES / "bad_input" / "pep695.py").read_bytes()
    facts = extract_module_facts(data, "pep695.py", "pep695")
    assert facts.warnings == ()
    names = [d.qualname for d in facts.definitions]
    assert names == ["pep695.Box", "pep695.Box.get", "pep695.sql"]
    assert [d.line for d in facts.definitions] == [4, 5, 9]


def test_symlink_loop_and_huge_generated_module(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text("x = 1\n")
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    os.symlink("self.py", tmp_path / "self.py")
    rows = "".join(f"    {i}: 'value {i:08d} padding padding padding',\n" for i in range(110_000))
    (tmp_path / "generated.py").write_text("DATA = {\n" + rows + "}\n")
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    codes = {w.path: w.code for w in facts.warnings}
    assert codes == {"generated.py": "too-large", "pkg/loop": "symlink-loop",
                     "self.py": "symlink-loop"}
    assert [m.path for m in facts.modules] == ["pkg/ok.py"]


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"# -*- coding: nope -*-\nx = 1\n", b"(" * 500])
def test_odd_bytes_never_raise(data: bytes) -> None:
    facts = extract_module_facts(data, "odd.py", "odd")
    assert len(facts.warnings) == 1
