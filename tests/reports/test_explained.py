"""The plan's effort points, the run comparison, and the coupling the analyzer adds for them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analyzer.analyze import analysis_from_facts
from analyzer.model.analysis import Analysis, PlanStep
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.source.discover_config import discover_options
from reports.compare_view import compare_runs
from reports.explain import model_stories
from reports.plan_view import effort_of, plan_views, size_of
from reports.readiness import readiness
from reports.whatif import whatif_data

SAMPLE = Path(__file__).resolve().parents[2] / "sample_monolith"


def sample() -> Analysis:
    facts = extract_project_facts(SAMPLE, FactsOptions(discover=discover_options(SAMPLE)), None)
    return analysis_from_facts(facts, str(SAMPLE))


def test_the_effort_scale_doubles_so_big_and_small_steps_differ() -> None:
    assert [size_of(p) for p in (0, 15, 16, 63, 64, 255, 256, 1023, 1024)] == [
        "S", "S", "M", "M", "L", "L", "XL", "XL", "XXL"]
    step = PlanStep(1, "orders", ("/a/", "/b/"), ("t1",), (), "M", "")
    assert effort_of(step, []).points == 3  # 2 x 1 table + 2 routes / 2


def test_the_plan_says_what_crosses(analysis: Analysis) -> None:
    crossings = [c for view in plan_views(analysis) for c in view.crossings]
    assert crossings and all(v.subject and v.path for _, _, shown in crossings for v in shown)


def test_a_model_that_moved_between_runs_is_listed(analysis: Analysis) -> None:
    orders, catalog = analysis.service("orders"), analysis.service("catalog")
    moved = replace(analysis, services=(replace(orders, models=()),
                                        replace(catalog, models=(*catalog.models, *orders.models))))
    comparison = compare_runs(analysis, moved)
    assert comparison.moved and all(before == "orders" and now == "catalog"
                                    for _, before, now in comparison.moved)
    assert compare_runs(analysis, analysis).moved == ()


def test_the_sample_carries_coupling_for_why_and_whatif() -> None:
    analysis = sample()
    assert analysis.coupling is not None and analysis.coupling.items and analysis.coupling.edges
    order = model_stories(analysis)["orders.Order"]
    assert order.ties and all(":" in t.where for t in order.ties)
    assert order.sentence.startswith("orders.Order is ")
    data = whatif_data(analysis)
    assert data is not None and len(data["items"]) == len(analysis.coupling.items)
    assert readiness(analysis).verdict in ("split", "modular-monolith-first", "stay")
