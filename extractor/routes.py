"""Route patterns of the monolith -> Django URL patterns of the service and proxy route matches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.model.analysis import RouteInfo
from analyzer.model.facts import route_regex

_REGEX_CHARS = re.compile(r"[\^$()?\\\[\]+*|]")
_CONVERTER = re.compile(r"^<(?:[a-z_]+:)?([A-Za-z_]\w*)>$")
# a converter the monolith chooses at run time among Django's one-segment ones, as the analysis
# writes it (``<int|str|uuid:pk>``: the model's key type decides)
_CHOSEN_CONVERTER = re.compile(r"<((?:int|str|slug|uuid)(?:\|(?:int|str|slug|uuid))+):([A-Za-z_]\w*)>")
# a part the analysis could not know, written ``{settings.URL_PREFIX}`` (a regex quantifier
# ``{2}`` / ``{1,3}`` starts with a digit or a comma)
_UNKNOWN_PART = re.compile(r"\{[A-Za-z_*]")


@dataclass(frozen=True)
class ProxyMatch:
    """How the proxy recognises one moved route."""

    key: str  # "path" | "path_pattern" | "path_prefix" | "path_regex"
    value: str
    prefix: str  # literal prefix, for HTTPRoute PathPrefix matches


RESERVED_PATHS = ("/healthz/", "/openapi.json")  # served by the generated project itself
RESERVED_PREFIX = "/_api/"


def is_reserved(route: RouteInfo) -> bool:
    """Whether a monolith route would collide with a path the generated project serves."""
    if is_full_regex(route.pattern):
        regex = re.compile(route_regex(route.pattern))
        return any(regex.match(path) for path in (*RESERVED_PATHS, RESERVED_PREFIX + "x/"))
    path = "/" + route.pattern.lstrip("^").rstrip("$").lstrip("/")
    return path in RESERVED_PATHS or path.startswith(RESERVED_PREFIX)


def is_full_regex(pattern: str) -> bool:
    """Whether the analysis wrote the route as the whole path's regex (``^/...``, matched with
    ``re.match`` from the path's ``/``), as Django resolves a route with a ``re_path`` in it."""
    return pattern.startswith("^/")


def one_converter(pattern: str) -> str:
    """``pattern`` with each converter chosen at run time (``<int|str:pk>``) as ``<str:pk>``:
    one segment whichever the monolith picks, handed to the view as the text it matched."""
    return _CHOSEN_CONVERTER.sub(r"<str:\2>", pattern)


def is_regex(pattern: str) -> bool:
    """Whether a route pattern came from ``re_path`` (regular expression syntax)."""
    return is_full_regex(pattern) or bool(_REGEX_CHARS.search(one_converter(pattern)))


def converted_prefix(pattern: str) -> tuple[str, str] | None:
    """A regex route's leading ``path()`` part holding its converters (``<int:pk>``, kept as Django
    shows them) and the regex after it: ``^/r/<int:pk>/x/(?P<a>\\d+)/\\Z`` -> (``r/<int:pk>/``,
    ``^x/(?P<a>\\d+)/\\Z``); None when a regex comes before a converter (no ``path()`` can say it)."""
    kept = list(_PATH_CONVERTER.finditer(pattern))
    end = pattern.find("/", kept[-1].end()) if kept else -1
    if end == -1:
        return None
    head = pattern[2:end + 1]
    plain = re.sub(r"\\([^A-Za-z0-9])", r"\1", _PATH_CONVERTER.sub("", head))
    if any(char in plain for char in "^$()?\\[]+*|{}<>"):
        return None
    return re.sub(r"\\([^A-Za-z0-9])", r"\1", head), "^" + pattern[end + 1:].replace("(?>", "(?:")


def django_pattern(route: RouteInfo) -> tuple[str, str]:
    """(``path`` or ``re_path``, the pattern of the service's root URLconf, whose resolver takes
    the leading slash): ``^/x/(?P<pk>[0-9]+)/\\Z`` -> ``re_path`` of ``^x/(?P<pk>[0-9]+)/\\Z``.

    An atomic group (an include whose match could end in more than one place) is written as a plain
    group, which Django's ``reverse()`` reads: on every path the proxy sends (the paths the atomic
    regex takes) the plain one matches the same way, the same values captured."""
    if is_full_regex(route.pattern) and _PATH_CONVERTER.search(route.pattern):
        return "path", (converted_prefix(route.pattern) or ("", ""))[0]  # the regex: service_regex
    if is_full_regex(route.pattern):  # an atomic group as a plain one: what Django can reverse
        return "re_path", "^" + route.pattern[2:].replace("(?>", "(?:")
    if is_regex(route.pattern):
        body = route.pattern.lstrip("^").lstrip("/")
        return "re_path", "^" + body
    return "path", one_converter(route.pattern).lstrip("/")


def inner_regex(route: RouteInfo) -> str | None:
    """The ``re_path`` under the route's ``path()`` part when it keeps converters (``django_pattern``
    is then that part: ``path("r/<int:pk>/", include([re_path(INNER, view)]))``), else None."""
    if not (is_full_regex(route.pattern) and _PATH_CONVERTER.search(route.pattern)):
        return None
    split = converted_prefix(route.pattern)
    return None if split is None else split[1]


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


UNRESOLVED = "<?>"  # what the analyzer writes for a part of a route it could not resolve
# paths no monolith has: a regex route taking them takes every path of the monolith (as the
# proxy's ``routes check`` probes, strangler_proxy.policy.route_scope)
CATCH_ALL_PROBES = ("/", "/demonolith-probe-7c1e/", "/demonolith-probe-7c1e/a/b")
_PATH_CONVERTER = re.compile(r"(?<!\(\?P)<(?:[a-z_]+:)?[A-Za-z_]\w*>")
# what Django's ``reverse()`` cannot read (``regex_helper.normalize``) and no plain group says:
# every reverse of the service would fail
_NOT_REVERSIBLE = re.compile(r"\(\?[aiLmsux-]")


def _regex_refusal(route: RouteInfo) -> str | None:
    """Why a route written as the whole path's regex cannot move as it is (None: it can)."""
    if route.inexact:
        return (f"its full pattern is not one regex of the path ({route.inexact}): only the monolith "
                "resolves it")
    if _PATH_CONVERTER.search(route.pattern) and converted_prefix(route.pattern) is None:
        return ("a path() converter after a regex (the service's URLconf cannot put its path() "
                "before the regex, so the view would be handed the text, not the converted value)")
    if _NOT_REVERSIBLE.search(route.pattern):
        return ("its regex sets flags ((?i:...)), which Django's reverse() cannot read in the "
                "service's URLconf")
    try:
        regex = re.compile(route_regex(route.pattern))
    except re.error as error:
        return f"its regex does not compile ({error})"
    if any(regex.match(probe) for probe in CATCH_ALL_PROBES):
        return "a catch-all: it would take / or every path of the monolith"
    return None


def route_refusal(route: RouteInfo) -> str | None:
    """Why a route must not be moved as it is (None: it can be), in words for the user."""
    if not route.reachable:
        return ("no URLconf of the monolith includes the patterns it is built in (a registry filled "
                "at run time?): the path it answers at is unknown, its pattern is only the local part")
    if UNRESOLVED in route.pattern or has_unknown_part(route.pattern):
        return ("part of the path could not be resolved statically (shown as <?> or {expression}): "
                "give the real prefix in the monolith's URLconf or settings")
    if is_full_regex(route.pattern):
        return _regex_refusal(route)
    match = _proxy_match_or_none(route)
    if match is None:
        return ("a regular expression without the start of the path (an analysis older than schema 7: "
                "analyze again), or a converter of the project's own, whose regex is unknown here")
    if match.value in ("/", "/*"):
        return "a catch-all: it would take / or every path of the monolith"
    return None


def proxy_match(route: RouteInfo) -> ProxyMatch:
    """The proxy's match for a route: exact path or ``{name}`` pattern (``route_refusal`` first)."""
    match = _proxy_match_or_none(route)
    if match is None:
        raise ValueError(f"route {route.pattern} cannot be matched by the proxy: {route_refusal(route)}")
    return match


def _proxy_match_or_none(route: RouteInfo) -> ProxyMatch | None:
    if is_full_regex(route.pattern):
        return ProxyMatch("path_regex", route_regex(route.pattern), literal_prefix(route.pattern))
    pattern = "/" + one_converter(route.pattern).lstrip("/")
    if is_regex(pattern):  # a regex without the path's start: an older analysis
        return None
    prefix = literal_prefix(pattern)
    if "<" not in pattern:
        return ProxyMatch("path", pattern, pattern)
    segments = pattern.split("/")
    out = []
    for index, segment in enumerate(segments):
        if "<" not in segment:
            out.append(segment)
            continue
        found = _CONVERTER.match(segment)
        if found is None:  # ``v<int:version>.css``: a regex of the whole path, as Django compiles it
            regex = path_route_regex(pattern)
            return None if regex is None else ProxyMatch("path_regex", regex, prefix)
        if segment.startswith("<path:"):
            if index != len(segments) - 1:
                return None
            out.append("*")
        else:
            out.append("{" + found[1] + "}")
    return ProxyMatch("path_pattern", "/".join(out), prefix)


_CONVERTER_REGEX = {"int": "[0-9]+", "str": "[^/]+", "slug": "[-a-zA-Z0-9_]+", "path": ".+",
                    "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}


def path_route_regex(pattern: str) -> str | None:
    """A ``path()`` route as the whole path's regex (Django's ``_route_to_regex``, from ``^/``);
    None when it uses a converter of the project's own (its regex is unknown here)."""
    out, position = ["^/"], 1
    for found in re.finditer(r"<(?:([^>:]+):)?([^>]+)>", pattern):
        regex = _CONVERTER_REGEX.get(found[1] or "str")
        if regex is None:
            return None
        out += [re.escape(pattern[position:found.start()]), f"(?P<{found[2]}>{regex})"]
        position = found.end()
    return "".join([*out, re.escape(pattern[position:]), "\\Z"])


def pattern_regex(value: str) -> str:
    """The full-path regex of a proxy path match value (``{name}`` one segment, final ``/*`` the
    rest), as the proxy compiles it; for the Gateway API's RegularExpression matches."""
    rest = value.endswith("/*")
    body = value[:-2] if rest else value
    parts = re.split(r"(\{[A-Za-z_]\w*\})", body)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return regex + ("(/.*)?" if rest else "")


def gateway_regex(match: ProxyMatch) -> str | None:
    """The full-path regex of an HTTPRoute ``RegularExpression`` match for a proxy match; None
    when RE2 (what gateways run) cannot say it (an atomic group)."""
    if match.key != "path_regex":
        return pattern_regex(match.value)
    if "(?>" in match.value:
        return None
    body = match.value[1:]
    return body[:-2] if body.endswith("\\Z") else body + "[\\s\\S]*"


def shadowed_paths(moved: ProxyMatch, others: list[RouteInfo]) -> list[str]:
    """Exact paths of routes that stay in the monolith but the moved route's pattern would take
    (``/items/new/`` under ``/items/{pk}/``); the routes file keeps them on the monolith."""
    if moved.key not in ("path_pattern", "path_regex"):
        return []
    regex = re.compile(moved.value if moved.key == "path_regex" else pattern_regex(moved.value) + r"\Z")
    found = []
    for route in others:
        match = _proxy_match_or_none(route)
        if match is not None and match.key == "path" and regex.match(match.value):
            found.append(match.value)
    return sorted(set(found))


def path_parameters(route: RouteInfo) -> tuple[str, ...]:
    """Names of the variable parts of a route (``<slug:slug>`` -> slug, ``(?P<pk>..)`` -> pk)."""
    return tuple(re.findall(r"<(?:[a-z_]+:)?([A-Za-z_]\w*)>", one_converter(route.pattern)))


def openapi_path(route: RouteInfo) -> str:
    """The route as an OpenAPI path template (``/api/x/{slug}/``)."""
    if is_regex(route.pattern):
        text = route.pattern.lstrip("^").removesuffix("\\Z").rstrip("$")
        body = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        return "/" + body.lstrip("/")
    return "/" + re.sub(r"<(?:[a-z_]+:)?([A-Za-z_]\w*)>", r"{\1}", one_converter(route.pattern).lstrip("/"))
