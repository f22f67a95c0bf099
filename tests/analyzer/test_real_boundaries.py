"""Proposed boundaries on real code nobody here wrote: django-oscar and wagtail from PyPI.

One analysis per code base (module-scoped fixture, facts cache shared with test_real_code):
every model placed, no service holding more than 60% of the models, and every file in which the
developers grouped models kept in one service unless the app's placement says "split" and names
the coupling that pulled each model away.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from analyzer.analyze import analysis_from_facts
from analyzer.model.analysis import Analysis
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from tests.analyzer.test_real_code import CACHE, unpacked

pytestmark = pytest.mark.slow

PROJECTS = {"django-oscar": "oscar", "wagtail": "wagtail"}


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def analysis(request: pytest.FixtureRequest) -> Analysis:
    distribution = str(request.param)
    root = unpacked(distribution, PROJECTS[distribution]) / PROJECTS[distribution]
    facts = extract_project_facts(root, FactsOptions(cache_dir=CACHE / f"facts-{distribution}"))
    return analysis_from_facts(facts, str(root))


def model_files(analysis: Analysis) -> dict[str, list[str]]:
    """Dotted models module -> labels of the concrete models defined in it."""
    files: dict[str, list[str]] = defaultdict(list)
    for model in analysis.models:
        if not model.abstract:
            files[model.module].append(model.label)
    return files


def test_every_model_is_placed_once(analysis: Analysis) -> None:
    placed = [m for s in analysis.services for m in s.models]
    assert len(placed) == len(set(placed))
    concrete = {m.label for m in analysis.models if not m.abstract}
    assert concrete <= set(placed)
    in_libraries = {m for c in analysis.shared for m in c.models}
    assert {m.label for m in analysis.models} == set(placed) | in_libraries


def test_no_service_holds_more_than_60_percent_of_the_models(analysis: Analysis) -> None:
    placed = sum(len(s.models) for s in analysis.services)
    assert len(analysis.services) >= 3
    assert max(len(s.models) for s in analysis.services) <= 0.6 * placed


def test_model_files_stay_together_unless_the_split_is_explained(analysis: Analysis) -> None:
    service_of = {m: s.name for s in analysis.services for m in s.models}
    placements = {p.app_label: p for p in analysis.app_placements}
    app_of = {m.label: m.app_label for m in analysis.models}
    for module, labels in sorted(model_files(analysis).items()):
        services = {service_of[label] for label in labels}
        if len(services) == 1:
            continue
        placement = placements[app_of[labels[0]]]
        assert placement.verdict == "split", module
        main = max(sorted(services), key=lambda s: sum(service_of[m] == s for m in labels))
        moved = [label for label in labels if service_of[label] != main]
        for label in moved[:6]:  # the reason names the first six moved models and their coupling
            assert f"{label} goes to {service_of[label]} (" in placement.reason, (module, label)
        assert set(services) <= set(placement.services), module


def test_most_model_files_stay_whole(analysis: Analysis) -> None:
    service_of = {m: s.name for s in analysis.services for m in s.models}
    files = model_files(analysis)
    whole = [m for m, labels in files.items() if len({service_of[x] for x in labels}) == 1]
    assert len(whole) >= 0.85 * len(files)


def test_test_code_never_forms_a_service_of_its_own(analysis: Analysis) -> None:
    assert all(s.models for s in analysis.services)
