"""Rate limits, fault injection, TLS and identity forwarding in the exports (pure helpers).

* nginx: ``limit_req_zone`` / ``limit_req`` (429, ``nodelay``; burst B admits B at once like our
  bucket); TLS with ``listen ... ssl``; no fault injection, no ``Retry-After``: warnings.
* Envoy: the ``local_ratelimit`` and ``fault`` HTTP filters configured per route
  (``typed_per_filter_config``); TLS with a ``DownstreamTlsContext``; one bucket per route only.
* Gateway API: rate limits, faults and TLS live outside HTTPRoute: warnings.

Every target strips a client-sent ``X-Demonolith-Identity`` header (nginx ``proxy_set_header``,
Envoy ``request_headers_to_remove``, Gateway API ``RequestHeaderModifier``), as our proxy does;
none can resolve the monolith session and sign the header, so identity routes are a warning.
"""

from __future__ import annotations

import math
import re
from typing import Any

from strangler_proxy.config.model import Faults, ProxyConfig, RateLimit, Route
from strangler_proxy.export.common import seconds, subject
from strangler_proxy.export.warnings import ExportWarning

IDENTITY_HEADER = "X-Demonolith-Identity"
_TYPE = "type.googleapis.com/envoy."
LOCAL_RATELIMIT = _TYPE + "extensions.filters.http.local_ratelimit.v3.LocalRateLimit"
FAULT = _TYPE + "extensions.filters.http.fault.v3.HTTPFault"
DOWNSTREAM_TLS = _TYPE + "extensions.transport_sockets.tls.v3.DownstreamTlsContext"
RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit"
FAULT_FILTER = "envoy.filters.http.fault"
ENVOY_MIN_FILL = 0.05  # Envoy refuses token bucket fill intervals under 50 ms
_NGINX_HEADER = re.compile(r"^[a-z0-9-]+$")


def guard_warnings(config: ProxyConfig, target: str) -> list[ExportWarning]:
    """What ``target`` (nginx, Envoy, Gateway API) loses of rate limits, faults, TLS, identity."""
    found: list[ExportWarning] = []
    for route in (*config.routes, config.default):
        who = subject(route)
        if route.identity:
            found.append(ExportWarning(
                "identity", who, f"{target} cannot resolve the monolith session into the signed"
                f" {IDENTITY_HEADER} header: the service sees every request as anonymous"))
        if target == "Gateway API":
            found += _gateway_route_warnings(route)
        elif route.rate_limit is not None:
            found += _rate_warnings(route, route.rate_limit, target)
        if target == "nginx" and route.faults is not None:
            found.append(ExportWarning("faults", who, "nginx has no fault injection: the route is"
                                       " exported without its delays and aborts"))
    if target == "Gateway API" and config.tls_cert is not None:
        found.append(ExportWarning("tls", "listen", "TLS is terminated by the Gateway's listener:"
                                   " reference the certificate there (certificateRefs)"))
    return found


def _gateway_route_warnings(route: Route) -> list[ExportWarning]:
    who = subject(route)
    found = []
    if route.rate_limit is not None:
        found.append(ExportWarning("rate-limit", who, "HTTPRoute has no rate limits: use the"
                                   " Gateway implementation's policy"))
    if route.faults is not None:
        found.append(ExportWarning("faults", who, "HTTPRoute has no fault injection"))
    return found


def _rate_warnings(route: Route, limit: RateLimit, target: str) -> list[ExportWarning]:
    who = subject(route)
    found = [ExportWarning("rate-limit-response", who, f"{target} answers 429 without a"
                           " Retry-After header and without our JSON body")]
    if target == "Envoy" and limit.per != "route":
        found.append(ExportWarning("rate-limit-key", who, f"Envoy's local rate limit keeps one"
                                   f" bucket per route, not one per {limit.per}"))
    if target == "nginx":
        if limit.per == "header" and not _NGINX_HEADER.match(limit.header or ""):
            found.append(ExportWarning("rate-limit-key", who, "nginx cannot read that header: one"
                                       " bucket for the route"))
        elif limit.per == "header":
            found.append(ExportWarning("rate-limit-key", who, "nginx does not limit requests"
                                       " without the header (our proxy gives them one bucket)"))
        if nginx_rate(limit.rate)[1]:
            found.append(ExportWarning("rate-limit-rounded", who, f"rate {limit.rate}/s rounded"
                                       f" to {nginx_rate(limit.rate)[0]}"))
    return found


# -- nginx ---------------------------------------------------------------------------------------


def nginx_rate(rate: float) -> tuple[str, bool]:
    """``rate`` (per second) in nginx's spelling (``10r/s`` / ``30r/m``), and whether rounded."""
    if rate >= 1 and rate == int(rate):
        return f"{int(rate)}r/s", False
    per_minute = rate * 60
    rounded = max(1, round(per_minute))
    return f"{rounded}r/m", rounded != per_minute


def nginx_rate_zones(routes: list[Route], ids: dict[str, str]) -> list[str]:
    """One ``limit_req_zone`` per rate-limited route (http level)."""
    lines = []
    for route in routes:
        limit = route.rate_limit
        if limit is None:
            continue
        key = '"route"'
        if limit.per == "client_ip":
            key = "$binary_remote_addr"
        elif limit.per == "header" and _NGINX_HEADER.match(limit.header or ""):
            key = "$http_" + (limit.header or "").replace("-", "_")
        size = max(1, math.ceil(min(limit.max_keys, 1_000_000) / 8000))
        lines.append(f"limit_req_zone {key} zone=dm_{ids[route.name]}_rate:{size}m"
                     f" rate={nginx_rate(limit.rate)[0]};")
    return [*lines, ""] if lines else []


def nginx_rate_lines(route: Route, rid: str) -> list[str]:
    """The ``limit_req`` lines of a rate-limited route's locations."""
    if route.rate_limit is None:
        return []
    return [f"limit_req zone=dm_{rid}_rate burst={route.rate_limit.burst - 1} nodelay;",
            "limit_req_status 429;"]


def nginx_tls_lines(config: ProxyConfig) -> list[str]:
    """``ssl_certificate`` lines of the server block (none without TLS)."""
    if config.tls_cert is None or config.tls_key is None:
        return []
    return [f"ssl_certificate {config.tls_cert};", f"ssl_certificate_key {config.tls_key};",
            "ssl_protocols TLSv1.2 TLSv1.3;"]


# -- Envoy ---------------------------------------------------------------------------------------


def envoy_http_filters(config: ProxyConfig) -> list[dict[str, Any]]:
    """The local rate limit and fault filters (before the router), when some route uses them."""
    routes = (*config.routes, config.default)
    filters = []
    if any(route.rate_limit is not None for route in routes):
        filters.append({"name": RATELIMIT_FILTER, "typed_config": {
            "@type": LOCAL_RATELIMIT, "stat_prefix": "demonolith_rate_limit"}})
    if any(route.faults is not None for route in routes):
        filters.append({"name": FAULT_FILTER, "typed_config": {"@type": FAULT}})
    return filters


def envoy_per_route(route: Route) -> dict[str, Any]:
    """A route's ``typed_per_filter_config`` (empty when it has neither limit nor faults)."""
    per_route: dict[str, Any] = {}
    if route.rate_limit is not None:
        per_route[RATELIMIT_FILTER] = _envoy_rate_limit(route.rate_limit)
    if route.faults is not None:
        per_route[FAULT_FILTER] = _envoy_fault(route.faults)
    return per_route


def _hundred_percent(key: str) -> dict[str, Any]:
    return {"runtime_key": key, "default_value": {"numerator": 100, "denominator": "HUNDRED"}}


def _envoy_rate_limit(limit: RateLimit) -> dict[str, Any]:
    tokens = max(1, math.ceil(limit.rate * ENVOY_MIN_FILL))
    return {
        "@type": LOCAL_RATELIMIT,
        "stat_prefix": "demonolith_rate_limit",
        "token_bucket": {"max_tokens": limit.burst, "tokens_per_fill": tokens,
                         "fill_interval": seconds(tokens / limit.rate)},
        "filter_enabled": _hundred_percent("demonolith_rate_limit_enabled"),
        "filter_enforced": _hundred_percent("demonolith_rate_limit_enforced"),
    }


def _per_million(percent: float) -> dict[str, Any]:
    return {"numerator": round(percent * 10_000), "denominator": "MILLION"}


def _envoy_fault(faults: Faults) -> dict[str, Any]:
    fault: dict[str, Any] = {"@type": FAULT}
    if faults.delay_percent and faults.delay:
        fault["delay"] = {"fixed_delay": seconds(faults.delay),
                          "percentage": _per_million(faults.delay_percent)}
    if faults.abort_percent:
        fault["abort"] = {"http_status": faults.abort_status,
                          "percentage": _per_million(faults.abort_percent)}
    return fault


def envoy_transport_socket(config: ProxyConfig) -> dict[str, Any] | None:
    """The listener's TLS transport socket, or None without TLS."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    certificate = {"certificate_chain": {"filename": config.tls_cert},
                   "private_key": {"filename": config.tls_key}}
    return {"name": "envoy.transport_sockets.tls", "typed_config": {
        "@type": DOWNSTREAM_TLS,
        "common_tls_context": {"tls_certificates": [certificate], "alpn_protocols": ["http/1.1"]},
    }}


# -- Gateway API -----------------------------------------------------------------------------------


def gateway_strip_filter() -> dict[str, Any]:
    """The filter dropping a client-sent identity header (every rule gets it)."""
    return {"type": "RequestHeaderModifier", "requestHeaderModifier": {"remove": [IDENTITY_HEADER]}}
