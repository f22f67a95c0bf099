"""The admin site's URLs, on ``tests/fixtures/admin_routes``: each registered ``ModelAdmin``'s
``get_urls()`` (its ``super()`` chain through a project mixin) under ``<app_label>/<model_name>/``
of the ``admin.site.urls`` include, in the ``admin`` namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "admin_routes"


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(FIXTURE, FactsOptions(use_cache=False, jobs=1))


def test_registered_model_admins_are_mounted_under_their_model(facts: ProjectFacts) -> None:
    assert [(r.route, r.view, r.name) for r in facts.routes if r.reachable and not r.unresolved] == [
        ("/backstage/accounts/member/export/", "blog.views.export", "admin:export"),  # get_user_model()
        ("/backstage/auth/group/export/", "blog.views.export", "admin:export"),  # a Django model, in a list
        ("/backstage/blog/post/<int:pk>/preview/", "blog.views.preview", "admin:preview"),  # the mixin
        ("/backstage/blog/post/stats/", "blog.views.stats", "admin:post_stats"),  # @admin.register
    ]


def test_a_model_whose_label_is_not_known_is_an_unresolved_part(facts: ProjectFacts) -> None:
    [route] = [r for r in facts.routes if r.unresolved]
    assert (route.route, route.unresolved, route.reachable) == (
        "/backstage/{model:Widget}/export/", ("model:Widget",), True)


def test_an_admin_registered_nowhere_is_not_mounted(facts: ProjectFacts) -> None:
    assert [(r.route, r.reachable) for r in facts.routes if r.view == "blog.views.stats"] == [
        ("/backstage/blog/post/stats/", True), ("/drafts/", False)]
    unreached = [(w.path, w.line) for w in facts.warnings if w.code == "unreached-route"]
    assert unreached == [("blog/admin.py", 37)]
