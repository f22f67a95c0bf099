"""SVG handling: graphviz's document becomes a safe inline fragment; failures keep the DOT."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.svg import Picture, RenderError, cached_renderer, inline_svg, render_pictures
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


def test_a_cached_renderer_draws_each_graph_once_per_program(tmp_path: Path) -> None:
    drawn: list[str] = []

    def counting(dot: str) -> str:
        drawn.append(dot)
        return fake_renderer(dot)

    first, graph = cached_renderer(counting, tmp_path, "dot 1"), "digraph { a -> b }"
    assert first(graph) == fake_renderer(graph)
    assert cached_renderer(counting, tmp_path, "dot 1")(graph) == fake_renderer(graph)
    assert drawn == ["digraph { a -> b }"]  # the second run read the first one's SVG
    cached_renderer(counting, tmp_path, "dot 2")("digraph { a -> b }")  # another graphviz draws again
    first("digraph { a -> c }")
    assert drawn == ["digraph { a -> b }", "digraph { a -> b }", "digraph { a -> c }"]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_renderer_whose_cache_cannot_be_written_still_draws(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert cached_renderer(fake_renderer, blocked / "svg", "dot")("digraph {}") == fake_renderer("digraph {}")
