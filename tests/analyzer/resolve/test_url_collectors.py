"""An object that collects URL patterns by Django namespace and builds the URL list from them
(misago's admin ``URLPatterns``; here ``tests/fixtures/collector_routes``'s ``RouteBook``, other
names and another shape): each ``section(prefix, label, under)`` is an include mounted under
its parent's path, each ``add("a:b", *patterns)`` puts its patterns in the namespace path
``a:b``; the routes read as Django resolves and reverses them."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "collector_routes"


def _facts(root: Path) -> ProjectFacts:
    return extract_project_facts(root, FactsOptions(use_cache=False, jobs=1))


def test_collected_patterns_are_routes_under_their_namespace_paths() -> None:
    facts = _facts(FIXTURE)
    reached = [(r.route, r.name, r.path, r.line) for r in facts.routes if r.reachable]
    assert reached == [
        ("/", "home", "forum/urls.py", 6),
        ("/panel/", "panel:dashboard", "forum/panel/urls.py", 7),
        ("/panel/shop/", "panel:shop:orders", "forum/shop/panel.py", 11),
        ("/panel/shop/<int:pk>/", "panel:shop:order", "forum/shop/panel.py", 12),
        ("/panel/shop/refunds/", "panel:shop:refunds:index", "forum/shop/panel.py", 15),
        ("/panel/shop/returns/", "panel:shop:returns:index", "forum/shop/panel.py", 17),  # book.page(...)
    ]


def test_the_builder_is_no_route_and_what_no_section_mounts_stays_unreached() -> None:
    facts = _facts(FIXTURE)
    unreached = sorted((r.route, r.path) for r in facts.routes if not r.reachable)
    assert unreached == [("/", "forum/tests/test_panel.py"), ("/lost/", "forum/shop/panel.py")]
    assert not [r for r in facts.routes if r.path == "forum/panel/book.py"]  # path(section["prefix"], ...)
    assert not [w for w in facts.warnings if w.code == "unresolved-route"]  # page()'s template neither


def test_a_shortcut_mounts_its_section_and_adds_its_one_pattern_with_the_view_it_is_given() -> None:
    [returns] = [r for r in _facts(FIXTURE).routes if r.route == "/panel/shop/returns/"]
    assert (returns.view, returns.view_kind, returns.urlconf) == (
        "forum.shop.views.RefundList", "class", "forum.shop.panel")


def test_a_collector_nothing_mounts_is_followed_from_its_top(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    urls = root / "forum" / "panel" / "urls.py"
    urls.write_text(urls.read_text(encoding="utf-8").replace("urlpatterns += book()\n", ""), encoding="utf-8")
    facts = _facts(root)
    routes = [(r.route, r.name, r.reachable) for r in facts.routes]
    assert ("/shop/refunds/", "shop:refunds:index", False) in routes  # relative to the book's top
    assert any(w.code == "unreached-route" and "of forum.panel.book.book are included by no URLconf"
               in w.message for w in facts.warnings)  # the module-level instance, one warning
