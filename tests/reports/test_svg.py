"""SVG handling: graphviz's document becomes a safe inline fragment; failures keep the DOT."""

from __future__ import annotations

import pytest

from reports.svg import Picture, RenderError, inline_svg, render_pictures
from tests.reports.fakes import fake_renderer


def test_inline_svg_drops_prolog_and_comments_and_prefixes_graphviz_ids() -> None:
    svg = inline_svg(fake_renderer('digraph { "a"; }'), prefix="svc-x")
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!--" not in svg
    assert 'id="svc-x-graph0"' in svg
    assert 'width="300pt"' not in svg and 'viewBox="0 0 300 100"' in svg
    assert 'class="graph-svg"' in svg and "max-width:400px" in svg


def test_inline_svg_rejects_output_without_svg() -> None:
    with pytest.raises(RenderError):
        inline_svg("not a picture", prefix="p")


def test_render_pictures_without_renderer_keeps_only_dot() -> None:
    assert render_pictures([("map", "digraph {}")], None) == {"map": Picture("digraph {}")}


def test_a_failing_graph_keeps_its_dot_and_error_and_others_still_render() -> None:
    def flaky(dot: str) -> str:
        if "bad" in dot:
            raise RenderError("syntax error in line 1")
        return fake_renderer(dot)

    pictures = render_pictures([("a", "digraph { bad }"), ("b", "digraph { }")], flaky)
    assert pictures["a"].svg is None and pictures["a"].error == "syntax error in line 1"
    assert pictures["b"].svg is not None and pictures["b"].error is None
