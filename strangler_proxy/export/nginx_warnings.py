"""What the nginx export cannot express, or only approximately (warnings), and the helpers that
decide it: which header and cookie names nginx can name as variables."""

from __future__ import annotations

import re

from strangler_proxy.config.model import ProxyConfig, Route
from strangler_proxy.export.common import (
    guards_writes,
    may_write,
    regex_warnings,
    shared_warnings,
    subject,
    time_units,
    used_upstreams,
    whole_seconds,
)
from strangler_proxy.export.guard_features import guard_warnings
from strangler_proxy.export.warnings import ExportWarning, unique_sorted

NEXT_UPSTREAM_STATUSES = frozenset({403, 404, 429, 500, 502, 503, 504})
_HEADER_NAME = re.compile(r"^[a-z0-9-]+$")
_COOKIE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def header_variable(header: str) -> str:
    """The nginx variable of request header ``header`` (``$http_x_api_key``)."""
    return "$http_" + header.replace("-", "_")


def sticky_variable(route: Route) -> str | None:
    """The nginx variable holding the sticky key, or None when nginx cannot name it."""
    sticky = route.sticky
    if sticky is None:
        return None
    if sticky.cookie is not None:
        return f"$cookie_{sticky.cookie}" if _COOKIE_NAME.match(sticky.cookie) else None
    header = sticky.header or ""
    return header_variable(header) if _HEADER_NAME.match(header) else None





def expressible(route: Route) -> bool:
    """Whether nginx can match every header condition of ``route`` (else it is not exported)."""
    return all(_HEADER_NAME.match(name) for name, _ in route.headers)


def _route_warnings(route: Route) -> list[ExportWarning]:
    found = []
    who = subject(route)
    if not expressible(route):
        found.append(ExportWarning("header-name", who, "route NOT exported: nginx matches only header"
                                   " names of letters, digits and '-'"))
    if route.sticky is not None and len(route.weights) > 1 and sticky_variable(route) is None:
        found.append(ExportWarning("sticky", who, "nginx cannot read the sticky cookie or header"
                                   " (names of letters, digits, '_' / '-' only): the split is random"))
    if route.sticky is not None and len(route.weights) > 1 and sticky_variable(route) is not None:
        found.append(ExportWarning("sticky-assignment", who, "sticky users stay on one side, the"
                                   " same for every route with the same weights (as with our proxy),"
                                   " but nginx's hash may put a given user on the other side than ours"))
    if any(value in ("*", "") for _, value in route.headers):
        found.append(ExportWarning("header-presence", who, "nginx cannot tell an empty header from a"
                                   " missing one"))
    unsupported = sorted(route.fallback_on - NEXT_UPSTREAM_STATUSES)
    if route.fallback and unsupported:
        found.append(ExportWarning("fallback-status", who, "nginx falls back only on 403, 404, 429,"
                                   f" 500, 502, 503, 504; not on {', '.join(map(str, unsupported))}"))
    if guards_writes(route) and may_write(route):
        found.append(ExportWarning("fallback-writes", who, "nginx never sends a PUT or DELETE on to"
                                   f" {route.fallback}, also when the connection to the target failed"
                                   " (the proxy does when nothing was sent; nginx cannot tell for"
                                   " these methods)"))
    if len(route.weights) > 1:
        positive = [w for _, w in route.weights if w > 0]
        total = sum(positive)
        if any(round(w * 100 / total, 2) != w * 100 / total for w in positive):
            found.append(ExportWarning("weights-rounded", who, "split_clients shares are rounded to"
                                       " 0.01%"))
    if route.mirror is not None:
        found.append(ExportWarning("mirror-wait", who, "nginx holds the client connection's next"
                                   " request until the shadow answered (no bounded drop queue)"))
    return found


def _upstream_warnings(config: ProxyConfig) -> list[ExportWarning]:
    found = []
    for upstream in used_upstreams(config):
        who = f"upstream {upstream.name}"
        if upstream.retries:
            found.append(ExportWarning("retries", who, f"{upstream.retries} retry(ies) of the same"
                                       " upstream not expressed: nginx only moves on to the fallback"))
        probes = upstream.breaker.half_open_requests
        fail_timeout, note = whole_seconds(upstream.breaker.open_seconds), ""
        if time_units(upstream.breaker.open_seconds) != fail_timeout:
            note = f"; open_seconds rounded up to fail_timeout={fail_timeout} (whole seconds)"
        found.append(ExportWarning("breaker", who, "circuit breaker approximated by max_fails /"
                                   f" fail_timeout (no half-open probe of {probes} request(s);"
                                   f" ignored when the group has one live server){note}"))
        if upstream.health is not None:
            found.append(ExportWarning("health-check", who, "open-source nginx has no active health"
                                       f" checks (GET {upstream.health.path}); only passive max_fails"))
    return found


def nginx_warnings(config: ProxyConfig) -> tuple[ExportWarning, ...]:
    """Everything of ``config`` the nginx export cannot express, or only approximately."""
    found = shared_warnings(config, "nginx") + _upstream_warnings(config)
    found += guard_warnings(config, "nginx")
    for route in (*config.routes, config.default):
        found += _route_warnings(route) + regex_warnings(route.path, subject(route), "nginx", re2=False)
        fallback = route.fallback
        if fallback and any(
            (config.upstream(fallback).connect_timeout, config.upstream(fallback).read_timeout)
            != (config.upstream(name).connect_timeout, config.upstream(name).read_timeout)
            for name, _ in route.weights if name != fallback
        ):
            found.append(ExportWarning("fallback-timeouts", subject(route), f"the fallback {fallback}"
                                       " is tried with the primary upstream's timeouts"))
    found.append(ExportWarning("limits", "limits", f"max_headers={config.limits.max_headers} is not"
                               " expressible; header size limits are approximated by"
                               " large_client_header_buffers"))
    return unique_sorted(found)
