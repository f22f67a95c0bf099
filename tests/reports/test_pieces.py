"""The report rendered piece by piece: every piece declares the Analysis fields it reads (a traced
render checks it) and the template variables it shows; a write from kept pieces gives the bytes of
a write without them, and renders again only the pieces whose fields changed."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import pytest

from analyzer.analyze import AnalyzeOptions, analyze_tree
from analyzer.model.analysis import Analysis, AnalysisWarning, ReferenceDifference
from analyzer.project_facts.pipeline import FactsOptions
from analyzer.source.discover_config import discover_options
from reports.dot import service_map_dot
from reports.html import Page, _environment, draw_pictures
from reports.markdown import render_markdown
from reports.page_pieces import MAP_KEY, PAGE, SIDE_PIECES
from reports.pieces import PieceStore
from reports.writing import ReportPaths, write_all
from tests.reports.fakes import explained_analysis, fake_renderer, hostile_analysis
from tests.reports.synthetic import synthetic_analysis

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_project"
_FIELDS = frozenset(f.name for f in dataclasses.fields(Analysis))


def traced(analysis: Analysis, seen: set[str]) -> Analysis:
    """A copy of ``analysis`` that adds to ``seen`` the name of every field read from it."""

    class Traced(Analysis):
        def __getattribute__(self, name: str) -> Any:
            if name in _FIELDS:
                seen.add(name)
            return object.__getattribute__(self, name)

    return Traced(**{name: getattr(analysis, name) for name in _FIELDS})


def referenced(analysis: Analysis) -> Analysis:
    """``analysis`` scored against a reference that places one model elsewhere."""
    assert analysis.metrics is not None
    proposal = dataclasses.replace(analysis.metrics.proposal, reference_ari=0.5, reference_mojofm=75.0)
    model = analysis.services[0].models[0]
    return dataclasses.replace(
        analysis, metrics=dataclasses.replace(analysis.metrics, proposal=proposal),
        reference_differences=(ReferenceDifference(model, "theirs", analysis.services[-1].name,
                                                   analysis.services[0].name),))


@functools.cache
def tiny_analysis() -> Analysis:
    """The real Analysis of the tiny project (coupling, explanations, violations with snippets)."""
    facts = FactsOptions(use_cache=False, discover=discover_options(TINY), require_django=True)
    return analyze_tree(TINY, AnalyzeOptions(history=False, facts=facts))  # no cache in the fixture


ANALYSES = {"explained": explained_analysis, "hostile": hostile_analysis,
            "referenced": lambda: referenced(explained_analysis()), "tiny": tiny_analysis,
            "tiny-referenced": lambda: referenced(tiny_analysis()),
            "synthetic": lambda: synthetic_analysis(modules=120, services=6)}


def _side_renders() -> dict[str, Callable[[Analysis], object]]:
    return {"report.md": render_markdown, "graph.dot": service_map_dot,
            "report/service-map.svg": lambda a: draw_pictures(a, fake_renderer, (MAP_KEY,))}


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_every_piece_declares_each_field_it_reads(name: str) -> None:
    analysis = ANALYSES[name]()
    for piece in PAGE:
        seen: set[str] = set()
        with Page(analysis, fake_renderer) as plain, Page(traced(analysis, seen), fake_renderer) as page:
            page.data.seed({name: plain.data.value(name) for name in piece.piece.values})
            page.draw(piece.pictures)
            page.render(piece)
        assert seen <= set(piece.piece.fields), (piece.piece.name, sorted(seen - set(piece.piece.fields)))
    for path, render in _side_renders().items():
        seen = set()
        render(traced(analysis, seen))
        assert seen <= set(SIDE_PIECES[path].fields), (path, sorted(seen - set(SIDE_PIECES[path].fields)))


def test_every_piece_declares_each_variable_its_template_shows() -> None:
    env = _environment()
    assert env.loader is not None
    for piece in PAGE:
        if piece.template is None:
            continue
        source = env.loader.get_source(env, piece.template)[0]
        shown = jinja2.meta.find_undeclared_variables(env.parse(source)) - set(env.globals)
        given = {*piece.context, "pictures"} if piece.pictures else set(piece.context)
        assert shown <= given, (piece.template, sorted(shown - given))


def _write(analysis: Analysis, out: Path, cache: Path | None, current: dict[str, str] | None = None,
           renderer: Callable[[str], str] = fake_renderer) -> ReportPaths:
    return write_all(analysis, out, renderer=renderer, cache_dir=cache, analysis_json=True, current=current)


def _outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _changes() -> dict[str, Callable[[Analysis], Analysis]]:
    """Edits of one field each, as an edit of the tree makes them."""
    def coupling(a: Analysis) -> Analysis:
        assert a.coupling is not None
        items = tuple(dataclasses.replace(i, lines=i.lines + 1) for i in a.coupling.items)
        return dataclasses.replace(a, coupling=dataclasses.replace(a.coupling, items=items))

    def crossings(a: Analysis) -> Analysis:  # half the coupling weight: another share inside services
        assert a.coupling is not None
        edges = a.coupling.edges[: len(a.coupling.edges) // 2]
        return dataclasses.replace(a, coupling=dataclasses.replace(a.coupling, edges=edges))

    return {
        "coupling": coupling,
        "coupling-edges": crossings,
        "violations": lambda a: dataclasses.replace(a, violations=tuple(
            dataclasses.replace(v, line=v.line + 1) for v in a.violations)),
        "warnings": lambda a: dataclasses.replace(a, warnings=(
            *a.warnings, AnalysisWarning("shop/broken.py", 3, "syntax error: invalid syntax"))),
        "services": lambda a: dataclasses.replace(a, services=tuple(
            dataclasses.replace(s, lines=s.lines + 7) for s in a.services)),
    }


@pytest.mark.parametrize("change", sorted(_changes()))
def test_a_write_from_kept_pieces_gives_the_bytes_of_a_write_without_them(change: str,
                                                                          tmp_path: Path) -> None:
    before = tiny_analysis()
    after = _changes()[change](before)
    assert after != before
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = _write(before, out, cache)
    rendered: list[str] = []
    counting = Page.render

    def render(self: Page, piece: Any) -> str:
        rendered.append(piece.piece.name)
        return counting(self, piece)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Page, "render", render)
        second = _write(after, out, cache, dict(first.files))
    _write(after, tmp_path / "uncached", None)
    assert _outputs(out) == _outputs(tmp_path / "uncached")
    field = change.partition("-")[0]
    with Page(before, fake_renderer) as old, Page(after, fake_renderer) as new:
        moved = {p.piece.name for p in PAGE
                 if any(old.data.value(v) != new.data.value(v) for v in p.piece.values)}
    reading = {p.piece.name for p in PAGE if field in p.piece.fields} | moved
    assert set(rendered) == reading  # the pieces reading the field or a value that moved, no other
    if field == "coupling":  # the overview shows the coupling's share inside services, not its positions
        assert ("page:overview" in rendered) == (change == "coupling-edges")
    unread = {path for path, piece in SIDE_PIECES.items() if field not in piece.fields}
    assert not {str(p.relative_to(out)) for p in second.rewritten} & unread


def test_a_file_is_written_only_when_its_bytes_change(tmp_path: Path) -> None:
    analysis = synthetic_analysis(modules=120, services=6)
    out = tmp_path / "out"
    first = _write(analysis, out, tmp_path / "cache")
    stats = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = _write(analysis, out, None)  # nothing current said: every file assembled again
    # analysis.json is streamed, unread: a key it was not written under (none here) says its bytes changed
    assert again.rewritten == (out / "analysis.json",)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "analysis.json"} == {
        p: mtime for p, mtime in stats.items() if p.name != "analysis.json"}
    assert _write(analysis, out, None, dict(again.files)).rewritten == ()
    assert set(dict(again.files)) == set(dict(first.files))


def test_without_pictures_no_map_is_written_and_none_left_stamped(tmp_path: Path) -> None:
    paths = _write(synthetic_analysis(modules=60, services=4), tmp_path / "out", tmp_path / "cache",
                   renderer=lambda dot: "no svg here")
    assert paths.service_map_svg is None
    assert "report/service-map.svg" not in dict(paths.files)


def test_the_store_keeps_what_a_run_used_and_removes_the_rest(tmp_path: Path) -> None:
    store = PieceStore(tmp_path / "pieces")
    assert store.get("a", lambda: b"A") == b"A"
    assert store.get("a", lambda: b"other") == b"A"  # kept: not rendered again
    store.get("b", lambda: b"B")
    later = PieceStore(tmp_path / "pieces")
    assert later.has("a") and later.has("b")
    later.get("b", lambda: b"x")
    later.prune()
    assert not later.has("a") and later.has("b")
