"""Helpers the exporters share: precedence order, path regexes, weights, durations (pure)."""

from __future__ import annotations

import math
import re
from pathlib import PurePath

import strangler_proxy.policy.headers as headers
from strangler_proxy.config.model import DEFAULT_LISTEN, SAFE_METHODS, PathMatch, ProxyConfig, Route, Upstream
from strangler_proxy.export.warnings import ExportWarning
from strangler_proxy.policy.routing import specificity, sticky_split

# what the Python proxy does, as text for the exported configurations
SHADOW_HEADER = headers.SHADOW_MARKER.decode()
VIA = headers.VIA.decode()
REQUEST_ID_PATTERN = headers.REQUEST_ID_PATTERN.decode()
_REGEX_META = frozenset(".^$|?*+()[]{}")
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-~%@:,;=&!'<>")


def ordered_routes(config: ProxyConfig) -> tuple[Route, ...]:
    """The routes in the proxy's precedence order (see :mod:`strangler_proxy.policy.routing`)."""
    return tuple(sorted(config.routes, key=specificity))


def source_name(config: ProxyConfig) -> str:
    """The routes file's name without its directory (keeps exports machine-independent)."""
    return PurePath(config.source).name or config.source


def regex_literal(text: str) -> str:
    """``text`` as a regex literal valid in PCRE and RE2, free of quotes and backslash pairs.

    Metacharacters get a backslash; quotes, backslashes, spaces and non-ASCII become ``\\x..``
    escapes, so the result can sit inside nginx or YAML double quotes unchanged.
    """
    out = []
    for char in text:
        if char in _PLAIN:
            out.append(char)
        elif char in _REGEX_META:
            out.append("\\" + char)
        else:
            out.append(f"\\x{{{ord(char):x}}}")
    return "".join(out)


_END = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")  # Python's ``\Z`` (not ``\\Z``): PCRE and RE2 say ``\z``
# what RE2 (Envoy, most Gateway API implementations) does not have: atomic groups, lookarounds,
# back-references
_NOT_RE2 = re.compile(r"\(\?(?:>|=|!|<=|<!|P=)|(?<!\\)(?:\\\\)*\\[1-9]")
_UNICODE_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\[dDwWsS]")


def regex_body(match: PathMatch) -> str:
    """A ``path_regex`` without its ``^`` for PCRE and RE2: ``\\Z`` as ``\\z``, the rest as written
    (what follows an open-ended one is any rest of the path)."""
    return _END.sub(r"\1\\z", match.value[1:])


def re2_unsupported(match: PathMatch) -> bool:
    """Whether a ``path_regex`` uses what RE2 lacks (the route is then not exported to it)."""
    return match.kind == "regex" and bool(_NOT_RE2.search(match.value))


def regex_warnings(match: PathMatch | None, who: str, target: str, re2: bool) -> list[ExportWarning]:
    """What an exported ``path_regex`` does otherwise than the proxy, or why it is not exported."""
    if match is None or match.kind != "regex":
        return []
    if re2 and re2_unsupported(match):
        return [ExportWarning("path-regex", who, f"route NOT exported: {target}'s RE2 has no atomic"
                              " groups, lookarounds or back-references, which its path_regex uses")]
    found = []
    if _UNICODE_CLASSES.search(match.value):
        found.append(ExportWarning("path-regex-classes", who, f"\\d, \\w and \\s of its path_regex match"
                                   f" ASCII only in {target}, any Unicode digit, letter or space in"
                                   " Django and in our proxy"))
    if target != "nginx":
        found.append(ExportWarning("path-regex-decoding", who, f"{target} matches the path_regex against"
                                   " the path as sent, percent-escapes included; Django and our proxy"
                                   " decode them first"))
    return found


def path_regex_body(match: PathMatch) -> str:
    """The regex of a path condition without anchors; a prefix is open-ended by itself.

    ``{name}`` is one segment (``[^/]+``) and a final ``/*`` the optional rest, as in
    :func:`strangler_proxy.policy.routing.compile_pattern`; a ``path_regex`` is itself
    (:func:`regex_body`).
    """
    if match.kind == "regex":
        return regex_body(match)
    if match.kind != "pattern":
        return regex_literal(match.value)
    rest = match.value.endswith("/*")
    body = match.value[:-2] if rest else match.value
    parts = re.split(r"(\{[A-Za-z_]\w*\})", body)
    regex = "".join("[^/]+" if part.startswith("{") else regex_literal(part) for part in parts)
    return regex + ("(/.*)?" if rest else "")


def full_path_regex(match: PathMatch) -> str:
    """An anchored regex (``^...$``) matching exactly the paths the condition matches."""
    if match.kind == "regex":
        body = path_regex_body(match)
        closed = body.endswith("\\z") and not body.endswith("\\\\z")
        return "^" + (body[:-2] if closed else body + "[\\s\\S]*") + "$"
    tail = ".*" if match.kind == "prefix" else ""
    return "^" + path_regex_body(match) + tail + "$"


def active_weights(route: Route) -> tuple[tuple[str, int], ...]:
    """The route's targets with a positive weight, in file order."""
    return tuple((name, weight) for name, weight in route.weights if weight > 0)


def split_order(route: Route) -> tuple[tuple[str, int], ...]:
    """The targets of a weighted split as the export lists them.

    File order, except for a sticky route: sorted by name, the order our proxy hashes users onto
    (:func:`strangler_proxy.policy.routing.sticky_split`), so the target's own hash, keyed by the cookie
    or header alone, also keeps a user on one side for every route with the same weights.
    """
    return sticky_split(route.weights)[1] if route.sticky is not None else active_weights(route)


def mirrored_methods(route: Route) -> frozenset[str] | None:
    """Methods whose requests are mirrored; ``None`` means every method the route matches.

    Only safe methods (GET, HEAD, OPTIONS) unless the route's mirror says ``allow_unsafe``, as in
    our proxy: a PUT or DELETE copied to a service that shares the data would run twice.
    """
    if route.mirror is None or route.mirror.allow_unsafe:
        return None
    return route.methods & SAFE_METHODS if route.methods else SAFE_METHODS


def seconds(value: float) -> str:
    """A protobuf JSON duration, ``2s`` / ``0.25s`` (Envoy's spelling; nginx rejects fractions)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text or '0'}s"


def time_units(value: float) -> str:
    """A duration in whole units, ``2s`` / ``500ms`` / ``100s500ms``: what nginx accepts.

    Rounded to the millisecond; a positive duration never rounds down to ``0ms`` (nginx reads
    ``0`` as "no timeout" for some directives). Each number has at most 5 digits below 100 000 s,
    so the text is also a valid Gateway API duration (GEP-2257).
    """
    millis = max(round(value * 1000), 1) if value > 0 else 0
    whole, rest = divmod(millis, 1000)
    if rest == 0:
        return f"{whole}s"
    if millis < 100_000:
        return f"{millis}ms"
    return f"{whole}s{rest}ms"


def whole_seconds(value: float) -> str:
    """A duration rounded up to whole seconds, ``3s``: for nginx directives that take no ``ms``."""
    return f"{math.ceil(round(value, 3))}s"


def listen_address(config: ProxyConfig) -> tuple[str, int]:
    """``(host, port)`` of the routes file's ``[listen] address`` or the proxy's default."""
    host, _, port = (config.listen or DEFAULT_LISTEN).rpartition(":")
    return host.strip("[]"), int(port)


def used_upstreams(config: ProxyConfig) -> tuple[Upstream, ...]:
    """Upstreams some route (or the default) may contact, in file order."""
    names = {name for route in (*config.routes, config.default) for name in route.upstream_names}
    return tuple(upstream for upstream in config.upstreams if upstream.name in names)


def subject(route: Route) -> str:
    """How a warning names a route."""
    return f"route {route.name}"


def may_write(route: Route) -> bool:
    """Whether the route matches PUT or DELETE (every method when it names none)."""
    return not route.methods or bool(route.methods & {"PUT", "DELETE"})


def guards_writes(route: Route) -> bool:
    """Whether a PUT or DELETE that may have reached a target must not go on to the route's fallback
    (it is another system of record: ``fallback_shares_data`` is false)."""
    fallback = route.fallback
    if not fallback or route.fallback_shares_data:
        return False
    return any(name != fallback for name, weight in route.weights if weight > 0)


def shared_warnings(config: ProxyConfig, target: str) -> list[ExportWarning]:
    """Warnings every target shares: shadow comparison and its bounded queue live in our proxy."""
    found = []
    for route in (*config.routes, config.default):
        if route.mirror is not None:
            found.append(ExportWarning(
                "mirror-compare", subject(route),
                f"{target} sends the shadow copy to {route.mirror.upstream} but never compares the"
                " two answers (no diff log, ignored fields or noise learning)",
            ))
        if route.shadow_writes and route.mirror is not None and not route.mirror.allow_unsafe:
            found.append(ExportWarning(
                "shadow-writes", subject(route),
                f"{target} mirrors safe methods only: writes are shadowed (signed marker, rolled"
                " back by the service) by demonolith's proxy only",
            ))
        if route.promotion is not None:
            found.append(ExportWarning(
                "promotion", subject(route),
                f"{target} keeps the file's weights; the automatic canary (steps, rollback) runs"
                " in demonolith's proxy only",
            ))
    mirrored = {r.mirror.upstream for r in (*config.routes, config.default) if r.mirror}
    for upstream in config.upstreams:
        if upstream.signs_shadow and upstream.name in mirrored:
            found.append(ExportWarning(
                "shadow-key", f"upstream {upstream.name}",
                f"{target} cannot sign the shadow marker: its copies carry none or the unsigned"
                " one, which a generated service refuses (403)",
            ))
    if config.admin_tokens:
        found.append(ExportWarning(
            "admin-api", "admin",
            f"the admin API (run-time weights, state file, tokens) is demonolith's own; {target}"
            " changes weights by editing and reloading its own config",
        ))
    return found
