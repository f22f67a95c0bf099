"""Export a routes file to an Envoy v3 static bootstrap (YAML).

How the proxy's behaviour is expressed:

* routing: Envoy picks one virtual host by domain and never falls through to another, so every
  virtual host (exact host, ``*.domain``, ``*``) lists all routes that can match its hosts, in
  the proxy's precedence order, and ends with the default; methods are a ``:method`` regex header
  match, ``*`` header values a ``present_match``; paths are ``path``, ``prefix`` or ``safe_regex``;
* weights: ``weighted_clusters``; stickiness: a cookie or header ``hash_policy`` with
  ``use_hash_policy``;
* mirroring: ``request_mirror_policies`` with a ``runtime_fraction`` (per million) and the
  ``X-Demonolith-Shadow: 1`` marker; only safe methods (GET, HEAD, OPTIONS) unless
  ``allow_unsafe``: the route is split by method, ``NAME:safe`` (with the mirror) first, then
  ``NAME:idempotent`` and ``NAME``;
* fallback: a cluster ``<target>~fallback~<fallback>`` whose fallback endpoints sit at priority 1,
  with retries sent to the other priority (``previous_priorities``) on connect failures, resets
  and the ``fallback_on`` statuses for safe methods (GET, HEAD, OPTIONS), idempotent ones too when
  ``fallback_shares_data`` (as in the proxy): otherwise the route is split by method and PUT and
  DELETE (``NAME:idempotent``) are passed on only on connect failures;
* retries per upstream, timeouts, breaker (outlier detection), active health checks, keep-alive
  idle timeout, header limits, X-Request-ID, X-Forwarded-*, Via, WebSocket upgrades, a JSON
  access log.
"""

from __future__ import annotations

from typing import Any

from strangler_proxy.config.model import IDEMPOTENT_METHODS, SAFE_METHODS, ProxyConfig, Route, Upstream
from strangler_proxy.export.common import (
    SHADOW_HEADER,
    VIA,
    active_weights,
    full_path_regex,
    guards_writes,
    listen_address,
    may_write,
    ordered_routes,
    re2_unsupported,
    regex_warnings,
    seconds,
    shared_warnings,
    source_name,
    split_order,
    subject,
    used_upstreams,
)
from strangler_proxy.export.guard_features import (
    IDENTITY_HEADER,
    envoy_http_filters,
    envoy_per_route,
    envoy_transport_socket,
    guard_warnings,
)
from strangler_proxy.export.warnings import Export, ExportWarning, comment_header, unique_sorted
from strangler_proxy.export.yaml_text import to_yaml

_TYPE = "type.googleapis.com/envoy."
HCM = _TYPE + "extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
ROUTER = _TYPE + "extensions.filters.http.router.v3.Router"
HTTP_OPTIONS = _TYPE + "extensions.upstreams.http.v3.HttpProtocolOptions"
PREVIOUS_PRIORITIES = _TYPE + "extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig"
STDOUT_LOG = _TYPE + "extensions.access_loggers.stream.v3.StdoutAccessLog"
FILE_LOG = _TYPE + "extensions.access_loggers.file.v3.FileAccessLog"
_LOG_FIELDS = {
    "ts": "%START_TIME%",
    "request_id": "%REQ(X-REQUEST-ID)%",
    "client": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
    "method": "%REQ(:METHOD)%",
    "path": "%REQ(:PATH)%",
    "route": "%ROUTE_NAME%",
    "upstream": "%UPSTREAM_CLUSTER%",
    "status": "%RESPONSE_CODE%",
    "bytes_in": "%BYTES_RECEIVED%",
    "bytes_out": "%BYTES_SENT%",
    "duration_ms": "%DURATION%",
}


def export_envoy(config: ProxyConfig) -> Export:
    """The Envoy bootstrap for ``config`` and the features Envoy cannot express."""
    warnings = _warnings(config)
    host, port = listen_address(config)
    chain: dict[str, Any] = {"filters": [{
        "name": "envoy.filters.network.http_connection_manager",
        "typed_config": _connection_manager(config),
    }]}
    tls = envoy_transport_socket(config)
    if tls is not None:
        chain["transport_socket"] = tls
    bootstrap = {
        "static_resources": {
            "listeners": [{
                "name": "demonolith",
                "address": {"socket_address": {"address": host, "port_value": port}},
                "filter_chains": [chain],
            }],
            "clusters": _clusters(config),
        }
    }
    notes = ["Run: envoy -c envoy.yaml (static bootstrap, API v3)."]
    header = comment_header("envoy", source_name(config), warnings, notes)
    return Export(header + to_yaml(bootstrap), warnings)


# -- listener ------------------------------------------------------------------------------------


def _connection_manager(config: ProxyConfig) -> dict[str, Any]:
    limits = config.limits
    manager: dict[str, Any] = {
        "@type": HCM,
        "stat_prefix": "demonolith",
        "codec_type": "AUTO",
        "use_remote_address": True,
        "generate_request_id": True,
        "preserve_external_request_id": True,
        "always_set_request_id_in_response": True,
        "via": VIA,
        "normalize_path": True,
        "merge_slashes": True,
        "path_with_escaped_slashes_action": "UNESCAPE_AND_FORWARD",
        "strip_any_host_port": True,
        "max_request_headers_kb": min(8192, max(1, -(-limits.max_header_bytes // 1024))),
        "request_headers_timeout": seconds(limits.header_timeout),
        "common_http_protocol_options": {
            "idle_timeout": seconds(limits.keepalive_timeout),
            "max_headers_count": limits.max_headers,
        },
        "upgrade_configs": [{"upgrade_type": "websocket"}],
        "route_config": {"name": "demonolith", "virtual_hosts": _virtual_hosts(config),
                         "request_headers_to_remove": [IDENTITY_HEADER.lower()]},
        "http_filters": [*envoy_http_filters(config),
                         {"name": "envoy.filters.http.router", "typed_config": {"@type": ROUTER}}],
    }
    log = _access_log(config.access_log)
    if log is not None:
        manager["access_log"] = [log]
    return manager


def _access_log(target: str) -> dict[str, Any] | None:
    if target == "off":
        return None
    log_format = {"json_format": dict(_LOG_FIELDS)}
    if target == "-":
        return {"name": "envoy.access_loggers.stdout",
                "typed_config": {"@type": STDOUT_LOG, "log_format": log_format}}
    return {"name": "envoy.access_loggers.file",
            "typed_config": {"@type": FILE_LOG, "path": target, "log_format": log_format}}


# -- virtual hosts and routes ----------------------------------------------------------------------


def _covers(host: str, key: str) -> bool:
    """Whether every request a virtual host for ``key`` receives satisfies host condition ``host``."""
    if host == key:
        return True
    return host.startswith("*.") and key.endswith(host[1:]) and len(key) > len(host) - 1


def _virtual_hosts(config: ProxyConfig) -> list[dict[str, Any]]:
    routes = ordered_routes(config)
    keys = sorted({route.host for route in routes if route.host}, key=lambda h: (h.startswith("*."), h))
    hosts = []
    for key in [*keys, "*"]:
        members = [r for r in routes if (r.host is None or (key != "*" and _covers(r.host, key)))
                   and not (r.path and re2_unsupported(r.path))]
        entries = [entry for route in members for entry in _route_entries(config, route)]
        entries += _route_entries(config, config.default)
        name = "any" if key == "*" else key
        hosts.append({"name": name, "domains": [key], "routes": entries})
    return hosts


def _match(route: Route, methods: frozenset[str] | None) -> dict[str, Any]:
    match: dict[str, Any] = {"prefix": "/"}
    path = route.path
    if path is not None:
        key = {"exact": "path", "prefix": "prefix"}.get(path.kind)
        match = {key: path.value} if key else {"safe_regex": {"regex": full_path_regex(path)}}
    headers: list[dict[str, Any]] = []
    if methods:
        regex = "|".join(sorted(methods))
        headers.append({"name": ":method", "string_match": {"safe_regex": {"regex": regex}}})
    for name, value in route.headers:
        headers.append({"name": name, "present_match": True} if value == "*"
                       else {"name": name, "string_match": {"exact": value}})
    if headers:
        match["headers"] = headers
    return match


def _variants(route: Route) -> list[tuple[str, frozenset[str] | None, bool, bool]]:
    """``(name, methods, idempotent, mirrored)`` Envoy routes standing for one route, split by
    method when retries must be limited to idempotent methods, the mirror to safe ones, or the
    fallback after sending to safe ones (``idempotent`` is then False for PUT and DELETE: they are
    passed on only on connect failures, before anything was sent)."""
    mirror = route.mirror
    everything = mirror is not None and mirror.allow_unsafe
    writes = IDEMPOTENT_METHODS - SAFE_METHODS
    writes_retried = not guards_writes(route) or bool(route.methods and not route.methods & writes)
    classes: list[tuple[str, frozenset[str], bool, bool]]
    if (mirror is not None and not mirror.allow_unsafe) or not writes_retried:
        classes = [("safe", SAFE_METHODS, True, mirror is not None),
                   ("idempotent", writes, writes_retried, everything)]
    else:
        classes = [("idempotent", IDEMPOTENT_METHODS, True, mirror is not None)]
    found: list[tuple[str, frozenset[str] | None, bool, bool]] = [
        (f"{route.name}:{label}", route.methods & methods if route.methods else methods, retried, mirrored)
        for label, methods, retried, mirrored in classes]
    found = [variant for variant in found if variant[1]]
    rest = route.methods - IDEMPOTENT_METHODS if route.methods else None
    if not found:
        return [(route.name, route.methods or None, False, everything)]
    if rest is not None and not rest:
        _, methods, idempotent, mirrored = found[-1]
        found[-1] = (route.name, methods if len(found) > 1 else route.methods, idempotent, mirrored)
        return found
    return [*found, (route.name, rest or None, False, everything)]


def _route_entries(config: ProxyConfig, route: Route) -> list[dict[str, Any]]:
    entries = []
    for name, methods, idempotent, mirrored in _variants(route):
        action = _action(config, route, idempotent, mirrored)
        entries.append({"name": name, "match": _match(route, methods), "route": action})
        if envoy_per_route(route):
            entries[-1]["typed_per_filter_config"] = envoy_per_route(route)
    return entries


def cluster_name(target: str, fallback: str | None) -> str:
    """The cluster serving ``target`` (with ``fallback``'s endpoints at priority 1)."""
    return target if fallback is None or fallback == target else f"{target}~fallback~{fallback}"


def _action(config: ProxyConfig, route: Route, idempotent: bool, mirrored: bool) -> dict[str, Any]:
    weights = split_order(route)
    targets = [config.upstream(name) for name, _ in weights]
    action: dict[str, Any] = {}
    if len(weights) == 1:
        action["cluster"] = cluster_name(weights[0][0], route.fallback)
    else:
        clusters = [{"name": cluster_name(name, route.fallback), "weight": weight}
                    for name, weight in weights]
        action["weighted_clusters"] = {"clusters": clusters, "use_hash_policy": route.sticky is not None}
        if route.sticky is not None:
            action["hash_policy"] = [{"cookie": {"name": route.sticky.cookie}} if route.sticky.cookie
                                     else {"header": {"header_name": route.sticky.header}}]
    action["timeout"] = "0s"
    action["idle_timeout"] = seconds(max(t.read_timeout for t in targets))
    if route.host_header == "upstream":
        action["auto_host_rewrite"] = True
    retry = _retry_policy(route, targets, idempotent)
    if retry:
        action["retry_policy"] = retry
    mirror = route.mirror
    if mirror is not None and mirrored:
        action["request_mirror_policies"] = [{
            "cluster": mirror.upstream,
            "runtime_fraction": {"default_value": {"numerator": round(mirror.percent * 10_000),
                                                   "denominator": "MILLION"}},
            "disable_shadow_host_suffix_append": True,
            "request_headers_mutations": [{"append": {"header": {"key": SHADOW_HEADER, "value": "1"},
                                                      "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}}],
        }]
    return action


def _retry_policy(route: Route, targets: list[Upstream], idempotent: bool) -> dict[str, Any]:
    retries = max(t.retries for t in targets)
    fallback = bool(route.fallback) and any(t.name != route.fallback for t in targets)
    attempts = retries + (1 if fallback else 0)
    if not attempts:
        return {}
    conditions = ["connect-failure", "refused-stream"]
    policy: dict[str, Any] = {}
    if idempotent:
        conditions += ["reset"]
        if fallback:
            conditions.append("retriable-status-codes")
            policy["retriable_status_codes"] = sorted(route.fallback_on)
    policy = {"retry_on": ",".join(conditions), "num_retries": attempts, **policy,
              "per_try_idle_timeout": seconds(max(t.read_timeout for t in targets))}
    if fallback:
        policy["retry_priority"] = {
            "name": "envoy.retry_priorities.previous_priorities",
            "typed_config": {"@type": PREVIOUS_PRIORITIES, "update_frequency": 1},
        }
    return policy


# -- clusters ------------------------------------------------------------------------------------


def _endpoints(upstream: Upstream, priority: int) -> dict[str, Any]:
    endpoint = {"address": {"socket_address": {"address": upstream.host, "port_value": upstream.port}},
                "hostname": upstream.authority}
    group: dict[str, Any] = {"lb_endpoints": [{"endpoint": endpoint}]}
    if priority:
        group["priority"] = priority
    return group


def _cluster(upstream: Upstream, name: str, fallback: Upstream | None) -> dict[str, Any]:
    groups = [_endpoints(upstream, 0)] + ([_endpoints(fallback, 1)] if fallback else [])
    breaker = upstream.breaker
    cluster: dict[str, Any] = {
        "name": name,
        "type": "STRICT_DNS",
        "connect_timeout": seconds(upstream.connect_timeout),
        "lb_policy": "ROUND_ROBIN",
        "load_assignment": {"cluster_name": name, "endpoints": groups},
        "outlier_detection": {
            "consecutive_5xx": breaker.failures,
            "interval": "1s",
            "base_ejection_time": seconds(breaker.open_seconds),
            "max_ejection_time": seconds(breaker.open_seconds),
            "max_ejection_percent": 100,
        },
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": HTTP_OPTIONS,
                "common_http_protocol_options": {"idle_timeout": seconds(upstream.idle_timeout)},
                "explicit_http_config": {"http_protocol_options": {}},
            }
        },
    }
    health = upstream.health
    if health is not None:
        cluster["health_checks"] = [{
            "timeout": seconds(health.timeout),
            "interval": seconds(health.interval),
            "unhealthy_threshold": health.unhealthy_after,
            "healthy_threshold": health.healthy_after,
            "http_health_check": {"path": health.path},
        }]
    return cluster


def _clusters(config: ProxyConfig) -> list[dict[str, Any]]:
    pairs: set[tuple[str, str | None]] = {(u.name, None) for u in used_upstreams(config)}
    for route in (*config.routes, config.default):
        for name, _ in active_weights(route):
            if route.fallback and route.fallback != name:
                pairs.add((name, route.fallback))
    clusters = []
    for target, fallback in sorted(pairs, key=lambda pair: cluster_name(*pair)):
        backup = config.upstream(fallback) if fallback else None
        clusters.append(_cluster(config.upstream(target), cluster_name(target, fallback), backup))
    return clusters


# -- what Envoy cannot express ---------------------------------------------------------------------


def _warnings(config: ProxyConfig) -> tuple[ExportWarning, ...]:
    found = shared_warnings(config, "Envoy") + guard_warnings(config, "Envoy")
    for upstream in used_upstreams(config):
        who = f"upstream {upstream.name}"
        found.append(ExportWarning("breaker", who, "circuit breaker approximated by outlier detection"
                                   " (5xx and local errors eject the host for open_seconds; no"
                                   f" half-open limit of {upstream.breaker.half_open_requests} request(s))"))
        found.append(ExportWarning("pool", who, f"max_idle={upstream.max_idle} has no Envoy equivalent"
                                   " (idle_timeout is kept)"))
    for route in (*config.routes, config.default):
        targets = [config.upstream(name) for name, _ in active_weights(route)]
        who = subject(route)
        found += regex_warnings(route.path, who, "Envoy", re2=True)
        if len({(t.retries, t.read_timeout) for t in targets}) > 1:
            found.append(ExportWarning("per-target-settings", who, "weighted targets with different"
                                       " retries or read timeouts share the largest values in Envoy"))
        if route.fallback and any(t.name != route.fallback for t in targets):
            found.append(ExportWarning("fallback", who, f"fallback to {route.fallback} uses the retry"
                                       " budget (priority failover), also when the target is ejected"))
        if guards_writes(route) and may_write(route) and any(t.retries for t in targets):
            found.append(ExportWarning("fallback-writes", who, "PUT and DELETE are retried on"
                                       " connect failures only (the proxy also retries them on the"
                                       " same upstream after a reset; it sends them to"
                                       f" {route.fallback} only when nothing was sent)"))
        if route.sticky is not None and len(targets) > 1:
            found.append(ExportWarning("sticky-assignment", who, "sticky users stay on one side, the"
                                       " same for every route with the same weights (as with our proxy),"
                                       " but Envoy's hash may put a given user on the other side than ours"))
    found += [
        ExportWarning("limits", "limits", f"max_body_bytes={config.limits.max_body_bytes},"
                      f" max_request_line={config.limits.max_request_line} and"
                      f" body_timeout={seconds(config.limits.body_timeout)} have no Envoy equivalent"),
    ]
    return unique_sorted(found)
