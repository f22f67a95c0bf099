"""Route patterns of the monolith -> Django URL patterns of the service and proxy route matches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.model.analysis import RouteInfo

_REGEX_CHARS = re.compile(r"[\^$()?\\\[\]+*|]")
_CONVERTER = re.compile(r"^<(?:[a-z_]+:)?([A-Za-z_]\w*)>$")
# a part the analysis could not know, written ``{settings.URL_PREFIX}`` (a regex quantifier
# ``{2}`` / ``{1,3}`` starts with a digit or a comma)
_UNKNOWN_PART = re.compile(r"\{[A-Za-z_*]")


@dataclass(frozen=True)
class ProxyMatch:
    """How the proxy recognises one moved route."""

    key: str  # "path" | "path_pattern" | "path_prefix"
    value: str
    prefix: str  # literal prefix, for HTTPRoute PathPrefix matches


RESERVED_PATHS = ("/healthz/", "/openapi.json")  # served by the generated project itself
RESERVED_PREFIX = "/_api/"


def is_reserved(route: RouteInfo) -> bool:
    """Whether a monolith route would collide with a path the generated project serves."""
    path = "/" + route.pattern.lstrip("^").rstrip("$").lstrip("/")
    return path in RESERVED_PATHS or path.startswith(RESERVED_PREFIX)


def is_regex(pattern: str) -> bool:
    """Whether a route pattern came from ``re_path`` (regular expression syntax)."""
    return bool(_REGEX_CHARS.search(pattern))


def django_pattern(route: RouteInfo) -> tuple[str, str]:
    """(``path`` or ``re_path``, the pattern without the leading slash)."""
    if is_regex(route.pattern):
        body = route.pattern.lstrip("^").lstrip("/")
        return "re_path", "^" + body
    return "path", route.pattern.lstrip("/")


def literal_prefix(pattern: str) -> str:
    """The literal part of a pattern up to its last '/' before the first variable part."""
    cut = len(pattern)
    for marker in ("<", *"^$()?\\[]+*|"):
        index = pattern.find(marker, 1)
        if index != -1:
            cut = min(cut, index)
    prefix = pattern[:cut]
    prefix = prefix[: prefix.rfind("/") + 1] if "/" in prefix else "/"
    return "/" + prefix.lstrip("^/") if prefix else "/"


def has_unknown_part(pattern: str) -> bool:
    """Whether the analysis left a part of the route unknown (``/{settings.URL_PREFIX}a/``)."""
    return bool(_UNKNOWN_PART.search(pattern))


def proxy_match(route: RouteInfo) -> ProxyMatch:
    """The proxy's match for a route: exact path, ``{name}`` pattern, or literal prefix.

    A route with a part the analysis could not know gets an exact match on its text as written,
    which no request carries: its traffic stays with the monolith rather than a guessed prefix
    (an unknown first segment would otherwise make a ``/`` catch-all)."""
    pattern = "/" + route.pattern.lstrip("/")
    if has_unknown_part(pattern):  # never a prefix match: "/{X}a/" must not route all of "/"
        return ProxyMatch("path", pattern, pattern)
    prefix = literal_prefix(pattern)
    if is_regex(pattern):
        return ProxyMatch("path_prefix", prefix, prefix)
    if "<" not in pattern:
        return ProxyMatch("path", pattern, pattern)
    segments = []
    for segment in pattern.split("/"):
        if "<" in segment:
            found = _CONVERTER.match(segment)
            if found is None:
                return ProxyMatch("path_prefix", prefix, prefix)
            segments.append("{" + found[1] + "}")
        else:
            segments.append(segment)
    return ProxyMatch("path_pattern", "/".join(segments), prefix)


def path_parameters(route: RouteInfo) -> tuple[str, ...]:
    """Names of the variable parts of a route (``<slug:slug>`` -> slug, ``(?P<pk>..)`` -> pk)."""
    return tuple(re.findall(r"<(?:[a-z_]+:)?([A-Za-z_]\w*)>", route.pattern))


def openapi_path(route: RouteInfo) -> str:
    """The route as an OpenAPI path template (``/api/x/{slug}/``)."""
    if is_regex(route.pattern):
        body = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route.pattern.lstrip("^").rstrip("$"))
        return "/" + body.lstrip("/")
    return "/" + re.sub(r"<(?:[a-z_]+:)?([A-Za-z_]\w*)>", r"{\1}", route.pattern.lstrip("/"))
