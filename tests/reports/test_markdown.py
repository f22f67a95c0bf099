"""The Markdown summary and the DOT file, against golden files, and their escaping.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_markdown.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from analyzer.model.analysis import Analysis
from reports.dot import service_map_dot
from reports.markdown import cell, code, render_markdown
from tests.reports.fakes import HOSTILE, hostile_analysis

GOLDEN = Path(__file__).with_name("golden")


@pytest.mark.parametrize(("name", "render"), [("small_report.md", render_markdown),
                                              ("small_graph.dot", service_map_dot)])
def test_output_matches_golden_file(analysis: Analysis, name: str, render: object) -> None:
    assert callable(render)
    text = render(analysis)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is intended, regenerate: "
        "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_markdown.py")


def test_table_cells_cannot_break_the_table() -> None:
    assert cell("a | b\nc <b>") == "a \\| b c &lt;b&gt;"
    assert code("x`|y") == "`x'\\|y`"


def test_hostile_text_stays_inside_its_cells() -> None:
    text = render_markdown(hostile_analysis())
    outside_code = re.sub(r"`[^`]*`", "", text)  # inside a code span, markup is shown as text
    assert HOSTILE not in outside_code and "<script" not in outside_code
    for line in text.splitlines():
        if line.startswith("| cross-service-fk"):
            assert line.replace("\\|", "").count("|") == 5


def test_each_service_says_what_its_name_comes_from_and_counts_agree(analysis: Analysis) -> None:
    text = render_markdown(analysis)
    orders = next(line for line in text.splitlines() if line.startswith("| **orders**"))
    assert orders.endswith("| named after Order, root of 1 of its 1 models |")
    assert "· 1 warning\n" in text and "1 warnings" not in text
    assert "1 route, 1 table" in text


def test_long_lists_are_cut_for_a_pr_comment(analysis: Analysis) -> None:
    many = Analysis(**{**analysis.__dict__,
                       "violations": analysis.violations * 20, "warnings": analysis.warnings * 30})
    text = render_markdown(many)
    assert "…and 15 more in the HTML report." in text
    assert "…and 20 more" in text
