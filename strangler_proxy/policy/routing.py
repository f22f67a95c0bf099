"""Route matching and upstream choice (pure; no sockets).

Precedence, most specific first (the order Gateway API's HTTPRoute uses, so exports keep it):

1. host: an exact host beats a ``*.domain`` wildcard, which beats no host condition;
2. path: ``path`` (exact) beats ``path_pattern`` and ``path_regex``, which beat ``path_prefix``; among
   the same rank the longer literal text wins (``/api/catalog/`` before ``/api/``; a regex's literal
   text is what it starts with);
3. a route with a ``methods`` condition beats one without;
4. more header conditions beat fewer;
5. file order breaks remaining ties.

The first route in that order whose every condition holds wins; if none does, ``[default]`` does.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.cookies import _unquote  # the quoting Django undoes
from urllib.parse import unquote

from strangler_proxy.config.model import PathMatch, Route

_KIND_RANK = {"exact": 3, "pattern": 2, "regex": 2, "prefix": 1}
_REGEX_LITERAL = re.compile(r"(?:[^\\^$.|?*+()\[\]{}]|\\[^A-Za-z0-9])*")
CACHE_SIZE = 4096


def specificity(route: Route) -> tuple[int, ...]:
    """Sort key putting the most specific route first (see the module docstring)."""
    host_rank = 0 if route.host is None else (1 if route.host.startswith("*.") else 2)
    kind_rank = _KIND_RANK[route.path.kind] if route.path else 0
    literal = _literal_length(route.path) if route.path else 0
    return (-host_rank, -kind_rank, -literal, -int(bool(route.methods)), -len(route.headers),
            route.index)


def _literal_length(match: PathMatch) -> int:
    if match.kind == "regex":
        found = _REGEX_LITERAL.match(match.value, 1)
        return len(found[0]) if found else 0
    return len(re.sub(r"\{[^}]*\}|\*", "", match.value))


def regex_path(path: str) -> str:
    """The path a ``path_regex`` is matched against: the normalised path with its remaining
    percent-escapes decoded (UTF-8), as Django's ``path_info`` is; undecodable bytes stay escaped."""
    if "%" not in path:
        return path
    try:
        return unquote(path, errors="strict")
    except UnicodeDecodeError:
        return path


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``/api/items/{id}/*`` -> a regex: ``{name}`` is one segment, a final ``/*`` the rest."""
    rest = pattern.endswith("/*")
    body = pattern[:-2] if rest else pattern
    parts = re.split(r"(\{[A-Za-z_]\w*\})", body)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(regex + ("(/.*)?" if rest else "") + r"\Z")


def _path_predicate(match: PathMatch) -> Callable[[str], bool]:
    value = match.value
    if match.kind == "exact":
        return value.__eq__
    if match.kind == "prefix":
        return lambda path: path.startswith(value)
    if match.kind == "regex":
        full = re.compile(value)
        return lambda path: full.match(regex_path(path)) is not None
    regex = compile_pattern(value)
    return lambda path: regex.match(path) is not None


def _host_predicate(host: str) -> Callable[[str], bool]:
    if host.startswith("*."):
        suffix = host[1:]
        return lambda value: value.endswith(suffix) and len(value) > len(suffix)
    return host.__eq__


@dataclass(frozen=True)
class CompiledRoute:
    """A route with its match conditions compiled into fast predicates."""

    route: Route
    path: Callable[[str], bool] | None
    host: Callable[[str], bool] | None

    def matches(self, method: str, host: str, path: str, headers: dict[str, str]) -> bool:
        """Whether every condition of the route holds for this request."""
        route = self.route
        if self.path is not None and not self.path(path):
            return False
        if route.methods and method not in route.methods:
            return False
        if self.host is not None and not self.host(host):
            return False
        for name, value in route.headers:
            actual = headers.get(name)
            if actual is None or (value != "*" and actual != value):
                return False
        return True


class RoutingTable:
    """Routes sorted by precedence; immutable, so a new table can replace it atomically."""

    def __init__(self, routes: Sequence[Route], default: Route) -> None:
        ordered = sorted(routes, key=specificity)
        self.routes: tuple[CompiledRoute, ...] = tuple(
            CompiledRoute(
                route,
                _path_predicate(route.path) if route.path else None,
                _host_predicate(route.host) if route.host else None,
            )
            for route in ordered
        )
        self.default = default
        cacheable = not any(route.headers for route in routes)
        self._cache: dict[tuple[str, str, bytes], Route] | None = {} if cacheable else None
        sticky = {route.sticky.header for route in (*routes, default) if route.sticky}
        sticky |= {r.rate_limit.header for r in (*routes, default) if r.rate_limit}  # per header
        self.header_names = frozenset(
            name.encode("latin-1")
            for name in {name for route in routes for name, _ in route.headers} | sticky
            if name
        )

    def match_request(
        self, method: str, host: str, path: bytes, headers: dict[str, str]
    ) -> Route:
        """:meth:`match` for the data path, remembered per (method, host, path) when no route
        has header conditions (the cache belongs to this table, so a new table starts empty;
        it is cleared when it reaches :data:`CACHE_SIZE` entries)."""
        cache = self._cache
        if cache is None:
            return self.match(method, host, path.decode("latin-1"), headers)
        key = (method, host, path)
        route = cache.get(key)
        if route is None:
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            route = cache[key] = self.match(method, host, path.decode("latin-1"), headers)
        return route

    def match(self, method: str, host: str, path: str, headers: dict[str, str]) -> Route:
        """The first route (in precedence order) matching the request, else the default."""
        for compiled in self.routes:
            if compiled.matches(method, host, path, headers):
                return compiled.route
        return self.default


def sticky_bucket(key: str, salt: str, total: int) -> int:
    """A stable number in ``[0, total)`` for ``key``: the same user lands on the same side.

    The key's hash is a fixed position in ``[0, 1)`` scaled to ``total``, so proportional weights
    (1:9 and 10:90) split users alike, and a growing share only gains users (none swap back).
    """
    digest = hashlib.blake2b(f"{salt}\0{key}".encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") * total) >> 64


@functools.lru_cache(maxsize=1024)
def sticky_split(weights: tuple[tuple[str, int], ...]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """``(salt, targets)`` of a sticky split: the upstream set, and its weights sorted by name.

    Stickiness depends on the upstreams and weights only, never on the route, so a user sees
    one side for every route with the same split (a whole cut-over, not one route at a time),
    whatever order the routes file lists the weights in.
    """
    targets = tuple(sorted((name, weight) for name, weight in weights if weight > 0))
    return ",".join(name for name, _ in targets), targets


def choose_upstream(
    route: Route, sticky_key: str | None, rand: Callable[[], float] = random.random
) -> str:
    """The upstream for one request: the only target, or a weighted (and sticky) choice."""
    weights = route.weights
    if len(weights) == 1:
        return weights[0][0]
    total = sum(weight for _, weight in weights)
    if sticky_key:
        salt, weights = sticky_split(weights)
        point = sticky_bucket(sticky_key, salt, total)
    else:
        point = int(rand() * total)
    for name, weight in weights:
        if point < weight:
            return name
        point -= weight
    return weights[-1][0]


def cookie_value(cookie_header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a Cookie header, if present."""
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def django_cookie_value(cookie_header: str, name: str) -> str | None:
    """The value of cookie ``name`` as Django reads it (``django.http.cookie.parse_cookie``):
    pieces split on ``;`` and ``=``, names and values stripped, quotes undone, the last one wins.
    The session the proxy resolves is then always the session the monolith resolves."""
    found = None
    for chunk in cookie_header.split(";"):
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", chunk
        if key.strip() == name:
            found = _unquote(value.strip())
    return found


def sample(percent: float, rand: Callable[[], float] = random.random) -> bool:
    """Whether one request falls in a ``percent`` share."""
    return percent >= 100.0 or rand() * 100.0 < percent
