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
