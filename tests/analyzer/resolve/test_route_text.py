"""Routes resolved as Django resolves them, on ``tests/fixtures/routes_project``: settings and
module constants folded, f-strings / ``+`` / ``%`` / ``.format`` / str methods / translations,
``include`` of modules, lists, tuples and ``(patterns, app_name)``, routers, ``+=``, ``.extend``,
URL helpers expanded at their call sites; what stays unknown is flagged and warned about, and
an unknown first segment never makes a route of ``/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.resolve.project import build_canonical
from tests.analyzer.facts.helpers import facts_of

FIXTURE = Path(__file__).parents[2] / "fixtures" / "routes_project"


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(FIXTURE, FactsOptions(use_cache=False))


@pytest.mark.parametrize(("route", "view", "why"), [
    ("/site/shop/list/", "shop.views.items", "settings value through a module constant + include"),
    ("^/blog/(?P<slug>[-\\w]+)/\\Z", "blog.views.post", "include((module, app_name))"),
    ("/inline/a/", "shop.views.a", "include of an inline list"),
    ("/tuple/c/", "shop.views.c", "include((patterns, app_name))"),
    ("/api/items/", "shop.views.ItemViewSet", "router registration"),
    ("/api/store/orders/", "shop.views.OrderViewSet", "router prefix from an imported constant"),
    ("/tags/", "shop.views.tags", "% with a translation call"),
    ("/store/fmt/", "shop.views.fmt", ".format over a str method of an imported constant"),
    ("/help/", "shop.views.help", "getattr(settings, X, default)"),
    ("/pat/", "shop.views.pat_view", "helper expanded at its call site"),
    ("/added/", "shop.views.added", "urlpatterns +="),
    ("/extended/", "shop.views.extended", "urlpatterns.extend"),
    ("/more/", "shop.views.more", "urlpatterns = urlpatterns + imported_list"),
    ("/local/", "shop.views.local", "urlpatterns.extend(imported_list)"),
    ("/feed/", "shop.views.feed", "a setting read by an env helper: its default"),
    ("/docs/", "shop.views.docs", "a setting of a star-imported settings module, os.getenv default"),
])
def test_each_form_gives_the_full_route(facts: ProjectFacts, route: str, view: str, why: str) -> None:
    routes = {r.route: r for r in facts.routes}
    assert route in routes, why
    assert routes[route].view == view and routes[route].unresolved == () and routes[route].reachable


def test_the_routes_are_exactly_these(facts: ProjectFacts) -> None:
    assert len(facts.routes) == 19
    assert "/" not in {r.route for r in facts.routes}
    assert not any(r.view == "routesite.urls.pat" or (r.path == "routesite/urls.py" and r.line == 18)
                   for r in facts.routes)  # the helper's own pattern is no route


def test_unknown_parts_are_flagged_named_and_warned(facts: ProjectFacts) -> None:
    unknown = {r.route: r for r in facts.routes if r.unresolved}
    assert set(unknown) == {"/{settings.API_ROOT}v1/", "/site/shop/things/edit/<{viewset.converter}:pk>/"}
    assert unknown["/{settings.API_ROOT}v1/"].unresolved == ("settings.API_ROOT",)
    warned = {(w.path, w.line) for w in facts.warnings if w.code == "unresolved-route"}
    assert {("routesite/urls.py", 32), ("shop/urls.py", 10)} <= warned
    assert ("forum/admin/urlpatterns.py", 9) in warned  # a helper whose call sites are unknown


def test_an_unknown_first_segment_never_yields_slash_or_a_catch_all(facts: ProjectFacts) -> None:
    for route in facts.routes:
        if route.unresolved:
            assert route.route not in ("/", "/v1/")
            assert route.route.startswith("/{") or route.route.startswith("/site/")


def test_a_package_re_exporting_its_own_submodule_name_does_not_recurse() -> None:
    modules = (
        facts_of("from .urlpatterns import urlpatterns\n", "forum.admin", is_package=True),
        facts_of("class URLPatterns: pass\nurlpatterns = URLPatterns()\n", "forum.admin.urlpatterns"),
    )
    canonical = build_canonical(modules)
    urlpatterns = "forum.admin.urlpatterns.urlpatterns"
    assert canonical("forum.admin.urlpatterns.URLPatterns") == f"{urlpatterns}.URLPatterns"
    assert canonical("forum.admin.urlpatterns") == "forum.admin.urlpatterns.urlpatterns"


def test_both_branches_of_a_prefix_switch_give_each_route_once(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "__init__.py").write_text("")
    (tmp_path / "site" / "urls.py").write_text(
        "from django.conf import settings\nfrom django.urls import include, path\n"
        "PREFIX = getattr(settings, 'PREFIX', '')\n"
        "real_patterns = [path('a/', views.a)]\n"
        "if not PREFIX:\n    urlpatterns = real_patterns\n"
        "else:\n    urlpatterns = [path(PREFIX, include(real_patterns))]\n")
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    assert [(r.route, r.line) for r in facts.routes] == [("/a/", 4)]
