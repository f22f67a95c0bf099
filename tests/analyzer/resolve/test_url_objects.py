"""A registry's objects mounted each at a prefix of its own attributes (wagtail's viewsets; here
``tests/fixtures/object_routes``): ``for panel in self.panels: path(f"{panel.url_prefix}/",
include((panel.get_urlpatterns(), panel.url_namespace), namespace=panel.url_namespace))``, with
the panels the hook's functions return. A prefix is the constructor's argument the class keeps
(``url_prefix=`` through ``**kwargs``), else what the property returns in its place (``return
self.name``); one not static stays an unresolved part, never an empty prefix."""

from __future__ import annotations

from pathlib import Path

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "object_routes"


def _facts() -> ProjectFacts:
    return extract_project_facts(FIXTURE, FactsOptions(use_cache=False, jobs=1))


def test_each_object_mounts_its_patterns_at_its_prefix_and_namespace() -> None:
    facts = _facts()
    assert [(r.route, r.name, r.reachable, r.path, r.line) for r in facts.routes if not r.unresolved] == [
        ("/", "home", True, "desk/urls.py", 5),
        ("/desk/tickets/", "tickets:index", True, "desk/tickets/panels.py", 10),  # TicketPanel("tickets")
        ("/desk/tickets/<int:pk>/", "tickets:detail", True, "desk/tickets/panels.py", 11),
        ("/desk/tickets/archive/", "archive:index", True, "desk/tickets/panels.py", 10),  # super() first
        ("/desk/tickets/archive/<int:pk>/", "archive:detail", True, "desk/tickets/panels.py", 11),
        ("/desk/tickets/archive/purge/", "archive:purge", True, "desk/tickets/panels.py", 17),
    ]
    assert not [w for w in facts.warnings if w.code == "unreached-route"]


def test_a_prefix_computed_at_run_time_stays_unresolved() -> None:
    facts = _facts()
    unresolved = sorted((r.route, r.unresolved) for r in facts.routes if r.unresolved)
    assert unresolved == [("/desk/{computed_name()}/", ("computed_name()",)),
                          ("/desk/{computed_name()}/<int:pk>/", ("computed_name()",))]
    assert any(w.code == "unresolved-route" and w.path == "desk/tickets/panels.py" for w in facts.warnings)
