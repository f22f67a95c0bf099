"""extractor.routes: a moved route matches exactly what moves, or is refused with a reason."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from analyzer.analyze import route_info
from analyzer.errors import RoutesLeftInMonolith
from analyzer.model.analysis import Analysis, RouteInfo
from analyzer.model.facts import RouteFact
from extractor.extract import extract_service
from extractor.routes import (
    ProxyMatch,
    django_pattern,
    gateway_regex,
    has_unknown_part,
    inner_regex,
    openapi_path,
    path_parameters,
    pattern_regex,
    proxy_match,
    route_refusal,
    shadowed_paths,
)
from tests.extractor.helpers import small


def route(pattern: str) -> RouteInfo:
    return RouteInfo(pattern, "v.view", "shop/urls.py", 7)


@pytest.mark.parametrize(("pattern", "key", "value"), [
    ("/api/items/", "path", "/api/items/"),
    ("/api/items/<int:pk>/", "path_pattern", "/api/items/{pk}/"),
    ("^/api/items/(?P<pk>[0-9]+)/\\Z", "path_regex", "^/api/items/(?P<pk>[0-9]+)/\\Z"),
    (r"^/api/(?P<a>\d+)/(?P<b>[-\w]+)/\Z", "path_regex", r"^/api/(?P<a>\d+)/(?P<b>[-\w]+)/\Z"),
    (r"^/tz/", "path_regex", r"^/tz/"),  # no $: Django takes every path under it, and so does the proxy
    (r"^/[\s\S]*?about/", "path_regex", r"^/[\s\S]*?about/"),  # no ^: searched in the whole path
    ("/feed.xml", "path", "/feed.xml"),
    ("/files/<path:rest>", "path_pattern", "/files/*"),
    ("/pages/<int|str|uuid:pk>/edit/", "path_pattern", "/pages/{pk}/edit/"),  # converter chosen at run time
])
def test_moved_routes_match_exactly_never_a_bare_prefix(pattern: str, key: str, value: str) -> None:
    assert route_refusal(route(pattern)) is None
    assert (proxy_match(route(pattern)).key, proxy_match(route(pattern)).value) == (key, value)


def test_a_converter_chosen_at_run_time_is_one_segment_in_the_service() -> None:
    """``<{self.pk_path_converter}:pk>`` resolves to ``<int|str|uuid:pk>``: one segment whichever
    the monolith picks, so the service matches it as ``<str:pk>``; it is no regular expression."""
    chosen = route("/pages/<int|str|uuid:pk>/edit/")
    assert django_pattern(chosen) == ("path", "pages/<str:pk>/edit/")
    assert openapi_path(chosen) == "/pages/{pk}/edit/"
    assert path_parameters(chosen) == ("pk",)


@pytest.mark.parametrize(("pattern", "why"), [
    ("/<?>/orders/", "could not be resolved"),
    ("<?>", "could not be resolved"),
    ("/", "catch-all"),
    ("/<path:anything>", "catch-all"),
    ("^api/", "older than schema 7"),  # a regex without the path's start: an older analysis
    ("^/(?P<slug>.*)/\\Z", "catch-all"),  # a group that crosses segments: every path ending in /
    ("^/", "catch-all"),
    (r"^/(?i:foo/)bar/\Z", "reverse()"),  # scoped flags: Django cannot reverse them in the service
    (r"^/(?P<o>[^/]+)/v<int:v>\.css\Z", "converter after a regex"),  # no path() can come first
])
def test_unresolved_catch_all_and_unmatchable_regex_are_refused(pattern: str, why: str) -> None:
    assert why in (route_refusal(route(pattern)) or "")



def test_an_atomic_group_is_a_plain_group_in_the_service_and_no_gateway_rule() -> None:
    """The proxy keeps the atomic group (exactly Django's resolution); the service's re_path, which
    only sees what the proxy sends, has a plain group that reverse() reads; RE2 has none."""
    atomic = route(r"^/(?P<o>[^/]+)/(?>[\s\S]*?w/(?P<ns>[a-z0-9]{16})/)cart/\Z")
    assert route_refusal(atomic) is None
    assert proxy_match(atomic) == ProxyMatch("path_regex", atomic.pattern, "/")
    assert django_pattern(atomic) == ("re_path", r"^(?P<o>[^/]+)/(?:[\s\S]*?w/(?P<ns>[a-z0-9]{16})/)cart/\Z")
    assert gateway_regex(proxy_match(atomic)) is None


def test_a_converter_inside_a_segment_is_matched_by_the_path_s_regex() -> None:
    widget = route("/widget/v<int:version>.<slug:lang>.js")
    assert route_refusal(widget) is None and django_pattern(widget)[0] == "path"
    regex = proxy_match(widget).value
    assert proxy_match(widget).key == "path_regex"
    assert re.match(regex, "/widget/v2.de.js") and not re.match(regex, "/widget/vx.de.js")
    assert not re.match(regex, "/widget/v2.de.js/x")
    assert "converter of the project's own" in (route_refusal(route("/w/v<hex:v>.js")) or "")


def test_a_converter_above_a_regex_is_a_path_include_in_the_service() -> None:
    kept = route(r"^/r/<int:pk>/x/(?P<a>\d+)/\Z")
    assert route_refusal(kept) is None
    assert django_pattern(kept) == ("path", "r/<int:pk>/") and inner_regex(kept) == r"^x/(?P<a>\d+)/\Z"
    assert proxy_match(kept).value == r"^/r/(?P<pk>[0-9]+)/x/(?P<a>\d+)/\Z"


def test_an_inexact_route_is_refused_with_why() -> None:
    inexact = dataclasses.replace(route("^/a|^bx$"), inexact="the regex '^a|^b' has a '^' after its start")
    assert "'^' after its start" in (route_refusal(inexact) or "")


def test_a_regex_route_keeps_the_monolith_paths_it_would_also_take() -> None:
    moved = proxy_match(route(r"^/items/(?P<slug>[-\w]+)/\Z"))
    staying = [route("/items/new/"), route("/items/a/b/"), route("/other/")]
    assert shadowed_paths(moved, staying) == ["/items/new/"]
    assert django_pattern(route(r"^/items/(?P<slug>[-\w]+)/\Z")) == ("re_path", r"^items/(?P<slug>[-\w]+)/\Z")


def test_a_route_no_urlconf_includes_is_refused_even_when_its_local_pattern_is_plain() -> None:
    """A registry's patterns (built in a function no include reaches) carry only their local part:
    moving ``/addons/`` would proxy a path the monolith never answers at."""
    local = dataclasses.replace(route("/addons/"), reachable=False)
    assert "no URLconf of the monolith includes" in (route_refusal(local) or "")
    assert route_refusal(route("/addons/")) is None

def test_a_pattern_keeps_the_monolith_routes_it_would_also_take() -> None:
    moved = proxy_match(route("/items/<slug:slug>/"))
    assert shadowed_paths(moved, [route("/items/new/"), route("/other/")]) == ["/items/new/"]
    assert re.fullmatch(pattern_regex("/items/{slug}/"), "/items/new/")
    assert not re.fullmatch(pattern_regex("/items/{slug}/"), "/items/a/b/")


def _with_routes(*patterns: str, staying: tuple[str, ...] = ()) -> Analysis:
    """The small analysis whose catalog service is also given ``patterns``."""
    analysis = small()
    extra = tuple(route(p) for p in (*patterns, *staying))
    catalog = dataclasses.replace(analysis.services[0],
                                  routes=analysis.services[0].routes + tuple(p for p in patterns))
    return dataclasses.replace(analysis, routes=analysis.routes + extra,
                               services=(catalog, *analysis.services[1:]))


def test_extract_writes_the_service_without_refused_routes_then_lists_them(tmp_path: Path) -> None:
    with pytest.raises(RoutesLeftInMonolith, match=r"<\?>/catalog/ \(shop/urls.py:7\)") as info:
        extract_service(_with_routes("<?>/catalog/", "/"), "catalog", tmp_path)
    assert info.value.exit_code == 17 and "written and self-checked without 2 planned" in str(info.value)
    assert "--skip-unresolved-routes" in str(info.value) and "catch-all" in str(info.value)
    urls = (tmp_path / "catalog" / "service_project" / "urls.py").read_text()
    assert "<?>" not in urls and "path('', " not in urls
    assert "path('api/catalog/products/', " in urls  # the routes that can move are written


def test_skip_leaves_them_out_of_the_urlconf_routes_file_and_httproute(tmp_path: Path) -> None:
    result = extract_service(_with_routes("<?>/catalog/", "/", "/api/catalog/products/<int:pk>/",
                                          staying=("/api/catalog/products/new/",)),
                             "catalog", tmp_path, skip_unresolved_routes=True)
    assert [s.split(" ")[0] for s in result.skipped_routes] == ["/", "<?>/catalog/"]
    urls = (result.root / "service_project/urls.py").read_text()
    assert "<?>" not in urls and "path('', " not in urls
    assert "path('api/catalog/products/<int:pk>/', " in urls
    routes = tomllib.loads((result.root / "routes.toml").read_text())["routes"]
    matches = {(r.get("path") or r.get("path_pattern"), r["to"]) for r in routes}
    assert all("path_prefix" not in r for r in routes)
    assert ("/api/catalog/products/{pk}/", "monolith") in matches  # mirrored to catalog
    assert ("/api/catalog/products/new/", "monolith") in matches  # kept: the pattern would take it
    gateway = (result.root / "deploy/k8s/httproute.yaml").read_text()
    assert "PathPrefix" not in gateway and 'value: "/"' not in gateway
    assert 'type: RegularExpression, value: "/api/catalog/products/[^/]+/"' in gateway



@pytest.mark.parametrize("pattern", [
    "/{settings.URL_PREFIX}accounts/login/",
    "/{settings.API_ROOT}v1/",
    "/api/{mayan.apps.literals.URL_X}",
    "/edit/<{self.pk_path_converter}:pk>/",
])
def test_a_route_with_an_unknown_part_is_refused_never_a_prefix(pattern: str) -> None:
    assert has_unknown_part(pattern)
    assert "could not be resolved" in (route_refusal(route(pattern)) or "")


def test_a_regex_quantifier_is_no_unknown_part() -> None:
    pattern = r"^/year/(?P<year>[0-9]{4})/\Z"
    assert not has_unknown_part(pattern)
    assert "could not be resolved" not in (route_refusal(route(pattern)) or "")


def test_the_analysis_keeps_whether_a_route_is_reachable() -> None:
    fact = RouteFact("addons/", "shop.views.addons", "function", None, "shop.admin", False,
                     "shop/admin.py", 3)
    assert route_info(fact).reachable is False
    assert route_info(dataclasses.replace(fact, reachable=True)).reachable is True
