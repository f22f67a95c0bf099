"""The Markdown summary and the DOT file, against golden files, and their escaping.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_markdown.py
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from analyzer.model.analysis import Analysis
from reports.dot import service_map_dot
from reports.markdown import cell, code, render_markdown
from tests.reports.fakes import HOSTILE, explained_analysis, hostile_analysis

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


def test_the_explanations_match_their_golden_file() -> None:
    text = render_markdown(explained_analysis())
    golden = GOLDEN / "explained_report.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is intended, regenerate: "
        "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_markdown.py")


def test_the_summary_says_why_models_are_where_they_are() -> None:
    text = render_markdown(explained_analysis())
    assert "- **orders**: `catalog.Review` · `orders.Order` with `orders.OrderLine`" in text
    assert ("- catalog.Review is in orders, away from most of catalog (in catalog), because "
            "orders.views.checkout writes it (orders/views.py:14).") in text
    assert "- orders.views is split over 2 services (catalog, orders): its parts serve different data" in text
    assert "orders.OrderLine is here" not in text  # in the HTML's models page only: not notable


def test_the_summary_without_explanations_has_none_of_their_sections(analysis: Analysis) -> None:
    text = render_markdown(analysis)
    assert "### Aggregates" not in text and "### Modules split" not in text and "### Hubs" not in text


def test_many_explanations_are_cut_for_a_pr_comment() -> None:
    explained = explained_analysis()
    splits = tuple(dataclasses.replace(explained.module_splits[0], module=f"m{i:02}") for i in range(40))
    text = render_markdown(dataclasses.replace(explained, module_splits=splits))
    assert "m14 is split" in text and "m15 is split" not in text
    assert "- …and 25 more in the HTML report" in text


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
