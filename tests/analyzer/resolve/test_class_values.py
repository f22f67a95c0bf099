"""Routes a method builds from ``self.ATTR``, on ``tests/fixtures/class_routes``: the value is
looked up on the class and its bases (across modules); subclasses that override it make it one of
several values, a run-time choice among one-segment converters is a known route, and what no
class sets statically stays unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "class_routes"


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(FIXTURE, FactsOptions(use_cache=False, jobs=1))


def _routes(facts: ProjectFacts) -> dict[str, tuple[str, ...]]:
    return {r.route: r.unresolved for r in facts.routes}


@pytest.mark.parametrize(("route", "unresolved", "why"), [
    ("/edit/<int|uuid:pk>/", (), "a property returning one of two converters; a test's override ignored"),
    ("/stock/", (), "a class attribute of a base class in another module"),
    ("/products/extra/", (), "the subclass's own method reads its own value"),
    ("/{items|products}/", ("items|products",), "a subclass in another module overrides it"),
    ("/{viewsets.base.ViewSet.section}/", ("viewsets.base.ViewSet.section",), "a computed property"),
    ("/{viewsets.base.ViewSet.label}/", ("viewsets.base.ViewSet.label",), "set by no class"),
])
def test_self_attributes_in_routes(facts: ProjectFacts, route: str, unresolved: tuple[str, ...],
                                   why: str) -> None:
    assert _routes(facts).get(route) == unresolved, why


def test_unknown_parts_are_warned_about(facts: ProjectFacts) -> None:
    warned = {(w.path, w.line) for w in facts.warnings if w.code == "unresolved-route"}
    assert ("viewsets/base.py", 28) in warned and ("viewsets/base.py", 25) not in warned


@pytest.mark.parametrize(("route", "unresolved", "why"), [
    ("/admincp/", (), "a settings object whose __getattr__ falls back to a module of defaults"),
    ("/forum/", (), "the settings module's value comes before the default"),
    ("/{conf.settings.MISSING_PATH}/", ("conf.settings.MISSING_PATH",), "set nowhere: unknown"),
])
def test_settings_object_with_defaults(facts: ProjectFacts, route: str, unresolved: tuple[str, ...],
                                       why: str) -> None:
    assert _routes(facts).get(route) == unresolved, why


@pytest.mark.parametrize(("route", "name", "unresolved", "why"), [
    ("/t/threads/", None, (), "enumerate(parameter): one pattern per item of the call's tuple"),
    ("/t/threads/my/", None, (), "one name for every item is not guessed"),
    ("/t/part/one/", None, (), "for x in parameter"),
    ("/t/part/two/", None, (), "a literal list"),
    ("/t/{threads.urls.PARTS}", None, ("threads.urls.PARTS",), "a sequence the call does not spell out"),
])
def test_a_helper_looping_over_its_parameter(facts: ProjectFacts, route: str, name: str | None,
                                             unresolved: tuple[str, ...], why: str) -> None:
    found = [r for r in facts.routes if r.route == route]
    expected = [(name, unresolved, "catalogue.views.forum")]
    assert [(r.name, r.unresolved, r.view) for r in found] == expected, why


def test_patterns_of_a_method_no_urlconf_includes_are_warned_about_once(facts: ProjectFacts) -> None:
    unreached = sorted((w.path, w.line, w.message.split(" of ")[0])
                       for w in facts.warnings if w.code == "unreached-route")
    assert unreached == [("catalogue/viewsets.py", 10, "unreached route: 1 URL pattern(s)"),
                         ("viewsets/base.py", 25, "unreached route: 5 URL pattern(s)")]
