"""The Analysis cache: an unchanged tree reuses the last run's proposal; any changed input does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import analyzer.analyze
from analyzer.analyze import AnalyzeOptions, analyze_keyed
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tiny_project"


def _keyed(root: Path, cache: Path) -> analyzer.project_facts.pipeline.KeyedFacts:
    return extract_keyed_facts(root, FactsOptions(cache_dir=cache, jobs=1))


def _no_rebuild(*_args: object) -> None:
    raise AssertionError("the pure middle ran although nothing changed")


def test_unchanged_tree_skips_graph_and_partition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    options = AnalyzeOptions(history=False)
    first = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    monkeypatch.setattr(analyzer.analyze, "analysis_from_facts", _no_rebuild)
    assert analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis == first


def test_changed_inputs_are_analysed_again(tmp_path: Path) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    options = AnalyzeOptions(history=False)
    first = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    one = analyze_keyed(root, _keyed(root, cache), AnalyzeOptions(history=False, services=1),
                        cache_dir=cache).analysis
    assert len(one.services) == 1 != len(first.services)
    models = root / "orders" / "models.py"
    coupon = "\n\nclass Coupon(m.Model):\n    code = m.CharField(max_length=9)\n"
    models.write_text(models.read_text() + coupon)
    edited = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    assert "shop_orders.Coupon" in {m.label for m in edited.models} - {m.label for m in first.models}


def _edit_line(path: Path, number: int, new: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[number - 1] = new
    path.write_text("".join(lines))


def test_an_edit_that_keeps_every_fact_reuses_the_middle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    options = AnalyzeOptions(history=False)
    before = _keyed(root, cache)
    first = analyze_keyed(root, before, options, cache_dir=cache).analysis
    views = root / "customers" / "views.py"
    views.write_text(views.read_text().replace("\n", "  # reviewed\n", 1))  # a comment, same lines
    after = _keyed(root, cache)
    assert after.digests["customers/views.py"] != before.digests["customers/views.py"]
    assert after.key == before.key  # the facts are the same
    monkeypatch.setattr(analyzer.analyze, "analysis_from_facts", _no_rebuild)
    assert analyze_keyed(root, after, options, cache_dir=cache).analysis == first


def test_a_comment_on_a_violations_line_renews_its_snippet_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    options = AnalyzeOptions(history=False)
    first = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    violation = next(v for v in first.violations if v.path == "orders/services.py")
    source = root / violation.path
    line = source.read_text().splitlines()[violation.line - 1]
    _edit_line(source, violation.line, f"{line}  # crosses into customers\n")
    monkeypatch.setattr(analyzer.analyze, "analysis_from_facts", _no_rebuild)
    edited = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    renewed = next(v for v in edited.violations if (v.path, v.line) == (violation.path, violation.line))
    assert f"{line}  # crosses into customers" in renewed.snippet
    assert edited.services == first.services and len(edited.violations) == len(first.violations)
    again = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache).analysis
    assert again == edited  # the renewed snippets were saved with the middle


def _unpickled(*_args: object) -> None:
    raise AssertionError("unpickled although only the key was asked for")


def test_a_warm_run_gives_the_key_without_unpickling_facts_or_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    options = AnalyzeOptions(history=False)
    first = analyze_keyed(root, _keyed(root, cache), options, cache_dir=cache)
    with monkeypatch.context() as patched:
        patched.setattr(analyzer.project_facts.pipeline, "facts_from_raw", _unpickled)
        patched.setattr(analyzer.analyze, "load_keyed_body", _unpickled)
        patched.setattr(analyzer.analyze, "analysis_from_facts", _no_rebuild)
        keyed = _keyed(root, cache)
        warm = analyze_keyed(root, keyed, options, cache_dir=cache)
        assert warm.key == first.key
    assert warm.analysis == first.analysis and keyed.facts == _keyed(tmp_path / "tree", tmp_path / "x").facts
