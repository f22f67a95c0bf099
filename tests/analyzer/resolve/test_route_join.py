"""The full pattern of a route joined from its include chain matches exactly the paths Django's
own resolver (``URLResolver(RegexPattern(r"^/"), urlconf)``, as ``get_resolver`` builds it)
resolves through that chain."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, URLResolver

from analyzer.model.facts import route_regex
from analyzer.resolve.route_join import RoutePart, joined_route

P, R = (lambda text: RoutePart(text, False)), (lambda text: RoutePart(text, True))

# (the chain, root first; the route it joins to; paths to try)
CASES = [
    ((R("^control/"), R("^organizer/(?P<organizer>[^/]+)/$")),
     r"^/control/organizer/(?P<organizer>[^/]+)/\Z",
     ["/control/organizer/x/", "/control/organizer/x/y/", "/control/organizer//", "/x/control/organizer/a/",
      "/control/organizer/a/\n", "/control/organizer/a"]),
    ((P(""), R("^about/$")), "/about/", ["/about/", "/about/x", "/x/about/", "/about/\n"]),
    ((R("about/"),), "^/[\\s\\S]*?about/", ["/about/", "/x/about/y", "/aboutx/", "/x\nabout/", "/abou/"]),
    ((R("^tz/"),), "^/tz/", ["/tz/", "/tz/anything/here", "/x/tz/", "/tz"]),
    ((P("api/<int:pk>/"), R("^x/$")), "/api/<int:pk>/x/", None),
    ((R("^"), R("w/(?P<ns>[a-zA-Z0-9]{16})/abort/")), "^/[\\s\\S]*?w/(?P<ns>[a-zA-Z0-9]{16})/abort/",
     ["/w/aaaaaaaaaaaaaaaa/abort/", "/e/w/aaaaaaaaaaaaaaaa/abort/x", "/w/aaaa/abort/"]),
    ((R(r"^fragment/(?P<f>\d+)/(?:chunk/(?P<c>\d+)/)?"), R("^$")),
     r"^/(?>fragment/(?P<f>\d+)/(?:chunk/(?P<c>\d+)/)?)\Z",
     ["/fragment/1/", "/fragment/1/chunk/2/", "/fragment/1/chunk/", "/fragment/1/x"]),
    ((R(r"^(?P<a>\d+)"), R(r"^(?P<b>\d)/$")), r"^/(?>(?P<a>\d+))(?P<b>\d)/\Z", ["/12/", "/1/", "/123/"]),
    ((R(r"^i18n\.js$"),), "/i18n.js", ["/i18n.js", "/i18nxjs", "/i18n.js/"]),
    ((R("^foo/$"), R("^bar/$")), r"^/(?>foo/$)bar/\Z", ["/foo/bar/", "/foo/"]),
    ((R("^foo/$"), R("^$")), r"^/(?>foo/$)\Z", ["/foo/", "/foo/x"]),
    ((R("^(?P<o>[^/]+)/"), R("(?P<ns>[_]{0})"), R("(?P<s>[0-9]+)/$")),
     r"^/(?P<o>[^/]+)/(?P<ns>[_]{0})(?P<s>[0-9]+)/\Z",
     ["/a/1/", "/a/x1/", "/a/1/x"]),
    ((R("^(?P<o>[^/]+)/(?P<e>[^/]+)/"), R("(?P<ns>[_]{0})$")),
     r"^/(?P<o>[^/]+)/(?P<e>[^/]+)/(?P<ns>[_]{0})\Z",
     ["/a/b/", "/a/b/_", "/a/b/c/"]),
    ((R("(?i)^foo/"), R("^bar/$")), r"^/(?i:foo/)bar/\Z", ["/FOO/bar/", "/foo/BAR/", "/foo/bar/"]),
    ((R("^api/"), R("")), "^/api/", ["/api/", "/api/x/y", "/apix"]),
    ((P("r/<int:pk>/"), R(r"^(?P<a>\d+)/$")), r"^/r/<int:pk>/(?P<a>\d+)/\Z",
     ["/r/1/2/", "/r/x/2/", "/r/1/2/3/"]),  # the converter as Django shows it: its value an int
    ((P("sso/"), R("^(?P<b>[a-z]+)/"), P("login/")), r"^/sso/(?P<b>[a-z]+)/login/\Z",
     ["/sso/x/login/", "/sso/x/login/y", "/sso/1/login/"]),
    ((P("v<str:v>"), P(".css")), r"^/(?>v(?P<v>[^/]+))\.css\Z", ["/v1.css", "/va.b.css", "/v.css"]),
    ((P("v<str:v>"), R(r"^\.css$")), r"^/(?>v(?P<v>[^/]+))\.css\Z", ["/v1.css", "/va.b.css", "/v.css"]),
    ((R("^a/"), R("b/"), R("c/$")), r"^/a/(?>[\s\S]*?b/)c/\Z",
     ["/a/b/c/", "/a/xb/c/", "/a/b/b/c/", "/a/b/xc/"]),
    ((R("^(?:a|ab)"), R("^c/$")), r"^/(?>(?:a|ab))c/\Z", ["/ac/", "/abc/"]),
    ((R("^x/"), R("^a/$|^b/$")), r"^/x/(?:a/$|^b/$)\Z", None),
]


# Django resolves none of their paths
NEVER = {r"^/(?>(?P<a>\d+))(?P<b>\d)/\Z", r"^/(?>foo/$)bar/\Z", r"^/(?>v(?P<v>[^/]+))\.css\Z"}


def _view(request: object) -> HttpResponse:
    return HttpResponse()


def _chain(parts: tuple[RoutePart, ...]) -> URLResolver:
    """The chain as a real URLconf: each pattern an include of the next, the last the view."""
    def make(part: RoutePart) -> Callable[..., object]:
        return re_path if part.regex else path
    inner = [make(parts[-1])(parts[-1].text, _view)]
    for part in reversed(parts[:-1]):
        inner = [make(part)(part.text, include(inner))]
    return URLResolver(RegexPattern(r"^/"), inner)


def _django_resolves(resolver: URLResolver, target: str) -> bool:
    try:
        resolver.resolve(target)
    except Resolver404:
        return False
    return True


def _joined_resolves(route: str, target: str) -> bool:
    if route.startswith("^"):
        return re.match(route_regex(route), target) is not None
    return _django_resolves(URLResolver(RegexPattern(r"^/"), [path(route[1:], _view)]), target)


@pytest.mark.parametrize(("parts", "route", "targets"), CASES)
def test_the_joined_route_resolves_what_the_chain_resolves(
        parts: tuple[RoutePart, ...], route: str, targets: list[str] | None) -> None:
    joined = joined_route(parts)
    if targets is None:  # a form Django shows, not matched here
        return
    assert joined.route == route and not joined.inexact
    resolver = _chain(parts)
    for target in targets:
        assert _joined_resolves(route, target) == _django_resolves(resolver, target), target


def test_the_cases_try_paths_each_way() -> None:
    """Each case's paths include one Django resolves and one it does not, but for the chains
    Django never resolves (an include whose greedy match leaves its child nothing, one ending in
    ``$``), which a plain join of the patterns would."""
    for parts, route, targets in CASES:
        if targets is None:
            continue
        outcomes = {_django_resolves(_chain(parts), target) for target in targets}
        assert outcomes == ({False} if route in NEVER else {True, False}), route
    assert re.match(r"^/(?P<a>\d+)(?P<b>\d)/\Z", "/12/")  # what the atomic group keeps out


@pytest.mark.parametrize(("parts", "why"), [
    ((R("^x/"), R("^a/$|^b/$")), "'^' after its start"),
    ((R("^(?P<x>a)/"), R("^(?P<x>b)/$")), "x are captured twice"),
    ((R(r"^(a)/"), R(r"^\1/$")), "by number"),
    ((P("api/<hex:pk>/"), R(r"^x/(?P<a>\d+)/$")), "converter of the project's own"),
])
def test_what_one_regex_cannot_say_is_shown_as_django_does_and_says_why(
        parts: tuple[RoutePart, ...], why: str) -> None:
    joined = joined_route(parts)
    assert why in joined.inexact
    texts = [p.text for p in parts]
    assert joined.route.lstrip("^/") == texts[0].lstrip("^") + "".join(t.removeprefix("^") for t in texts[1:])


def test_path_routes_join_as_before() -> None:
    assert joined_route((P("shop/"), P("items/<int:pk>/"))).route == "/shop/items/<int:pk>/"
    assert joined_route((P(""), P(""))).route == "/"
    assert joined_route((P("a/"), R("^$"))).route == "/a/"
