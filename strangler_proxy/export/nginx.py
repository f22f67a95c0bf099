"""Export a routes file to a complete ``nginx.conf`` (open-source nginx >= 1.15.3).

How the proxy's behaviour is expressed:

* routing: one ``map`` over ``"$request_method\\n$host\\n<matched headers>\\n$uri"`` whose regexes
  are listed in the proxy's precedence order (a map tries regexes in order), giving a route id;
  ``location /`` rewrites to an internal location per route, and weighted routes once more to one
  per target. Internal locations start with ``//``, which a client's normalised ``$uri`` never does;
* weights: ``split_clients`` on ``$request_id`` (random), or on the sticky cookie / header when
  present;
* mirroring: ``mirror`` to an internal location that drops unsampled (``split_clients``) and, unless
  ``allow_unsafe``, requests of other methods than GET, HEAD and OPTIONS with 204, and marks the
  copy ``X-Demonolith-Shadow: 1``;
* fallback: an ``upstream`` group with the fallback as ``backup`` server and ``proxy_next_upstream``
  on errors, timeouts and the supported ``fallback_on`` statuses (nginx, like the proxy, passes a
  non-idempotent request on only when it was not sent); unless ``fallback_shares_data``, PUT,
  DELETE and the other methods nginx counts as idempotent are rewritten to a twin location with
  ``proxy_next_upstream off`` (the proxy passes a request on after sending it only when safe);
* breaker: ``max_fails`` / ``fail_timeout``; timeouts, keep-alive pools, limits, headers
  (X-Request-ID kept when valid, else generated; X-Forwarded-For/-Proto/-Host; Via) and a JSON
  access log as the proxy writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from strangler_proxy.config.model import Limits, ProxyConfig, Route, Upstream
from strangler_proxy.export.common import (
    REQUEST_ID_PATTERN,
    VIA,
    guards_writes,
    listen_address,
    mirrored_methods,
    ordered_routes,
    path_regex_body,
    regex_literal,
    source_name,
    split_order,
    time_units,
    used_upstreams,
    whole_seconds,
)
from strangler_proxy.export.guard_features import (
    IDENTITY_HEADER,
    nginx_rate_lines,
    nginx_rate_zones,
    nginx_tls_lines,
)
from strangler_proxy.export.nginx_warnings import (
    NEXT_UPSTREAM_STATUSES,
    expressible,
    header_variable,
    nginx_warnings,
    sticky_variable,
)
from strangler_proxy.export.warnings import Export, comment_header

_ANY = "[^\\n]*"
_INTERNAL = "//demonolith"
_LOG_FORMAT = (
    '\'{"ts":"$time_iso8601","request_id":"$dm_request_id","client":"$remote_addr",'
    '"method":"$request_method","path":"$uri","route":"$dm_log_route",'
    '"upstream":"$dm_log_upstream","status":$status,"bytes_in":$request_length,'
    '"bytes_out":$bytes_sent,"duration_ms":$request_time}\''
)


def export_nginx(config: ProxyConfig) -> Export:
    """The nginx configuration for ``config`` and the features nginx cannot express."""
    warnings = nginx_warnings(config)
    routes = [route for route in ordered_routes(config) if expressible(route)]
    ids = {route.name: f"r{position}" for position, route in enumerate(routes, 1)}
    ids[config.default.name] = "default"
    http = [
        *_http_settings(config),
        *_upstream_blocks(config),
        *_header_maps(),
        *_write_map([*routes, config.default]),
        *_route_map(routes, ids),
        *_splits([*routes, config.default], ids),
        *nginx_rate_zones([*routes, config.default], ids),
        *_server(config, [*routes, config.default], ids),
    ]
    body = ["worker_processes auto;", "", "events {", "    worker_connections 1024;", "}", "",
            "http {", *_indent(http), "}"]
    header = comment_header("nginx", source_name(config), warnings)
    return Export(header + "\n" + "\n".join(body) + "\n", warnings)


# -- upstream groups -------------------------------------------------------------------------


def group_name(target: str, fallback: str | None) -> str:
    """The ``upstream`` block serving ``target`` (with ``fallback`` as backup server)."""
    if fallback is None or fallback == target:
        return f"dm_{target}"
    return f"dm_{target}__fallback__{fallback}"


def _server_line(upstream: Upstream, backup: bool = False) -> str:
    breaker = upstream.breaker
    flags = " backup" if backup else ""
    return (f"server {upstream.authority}{flags} max_fails={breaker.failures} "
            f"fail_timeout={whole_seconds(breaker.open_seconds)};")  # takes no ms


def _groups(config: ProxyConfig) -> list[tuple[str, str | None]]:
    pairs: set[tuple[str, str | None]] = {(upstream.name, None) for upstream in used_upstreams(config)}
    for route in (*config.routes, config.default):
        for name, _ in route.weights:
            if route.fallback and route.fallback != name:
                pairs.add((name, route.fallback))
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] or ""))


def _upstream_blocks(config: ProxyConfig) -> list[str]:
    lines = []
    for target, fallback in _groups(config):
        upstream = config.upstream(target)
        servers = [_server_line(upstream)]
        if fallback is not None:
            servers.append(_server_line(config.upstream(fallback), backup=True))
        if upstream.max_idle:
            servers += [f"keepalive {upstream.max_idle};",
                        f"keepalive_timeout {time_units(upstream.idle_timeout)};"]
        lines += [f"upstream {group_name(target, fallback)} {{", *_indent(servers), "}", ""]
    return lines


# -- maps: headers and routing -----------------------------------------------------------------


def _header_maps() -> list[str]:
    return [
        "map $http_x_request_id $dm_request_id {",
        f'    "~{REQUEST_ID_PATTERN}" $http_x_request_id;',
        "    default $request_id;",
        "}",
        "map $http_via $dm_via {",
        f'    "" "{VIA}";',
        f'    default "$http_via, {VIA}";',
        "}",
        "map $http_upgrade $dm_connection {",
        '    "" "";',
        "    default upgrade;",
        "}",
        "",
    ]


_PASSED_ON_RIGHTLY = ("GET", "HEAD", "OPTIONS", "POST", "PATCH", "LOCK")


def _splits_writes(route: Route) -> bool:
    """Whether the route's PUT, DELETE & co. need a location that never passes them on (nginx
    passes safe methods on like the proxy, and POST, PATCH and LOCK only when not sent)."""
    if not guards_writes(route):
        return False
    return not route.methods or bool(route.methods - frozenset(_PASSED_ON_RIGHTLY))


def _write_map(routes: list[Route]) -> list[str]:
    """``$dm_idempotent_write``: 1 for the methods nginx passes on after sending that the proxy
    passes on only when safe (nginx never passes on POST, PATCH and LOCK once sent)."""
    if not any(_splits_writes(route) for route in routes):
        return []
    return ["map $request_method $dm_idempotent_write {", *(f'    {m} "";' for m in _PASSED_ON_RIGHTLY),
            "    default 1;", "}", ""]


def _match_headers(routes: Iterable[Route]) -> list[str]:
    return sorted({name for route in routes for name, _ in route.headers})


def _route_regex(route: Route, headers: list[str]) -> str:
    methods = "(" + "|".join(regex_literal(m) for m in sorted(route.methods)) + ")"
    host = _ANY
    if route.host is not None:
        wildcard = route.host.startswith("*.")
        host = "[^\\n]+" + regex_literal(route.host[1:]) if wildcard else regex_literal(route.host)
    fields = [methods if route.methods else _ANY, host]
    wanted = dict(route.headers)
    for name in headers:
        value = wanted.get(name)
        fields.append(_ANY if value is None else "[^\\n]+" if value == "*" else regex_literal(value))
    path = ".*"
    if route.path is not None and route.path.kind == "regex":  # ``.`` as in Python: no newline
        path = "(?-s:" + _quoted_regex(path_regex_body(route.path)) + ")"
    elif route.path is not None:
        path = path_regex_body(route.path) + ("" if route.path.kind == "prefix" else "\\z")
    return "~(?s)^" + "\\n".join(fields) + "\\n" + path


def _quoted_regex(regex: str) -> str:
    """A regex as text between nginx's double quotes, which read ``\\\\`` as one backslash and end
    at ``"``: both as PCRE escapes (``\\x5c``, ``\\x22``)."""
    regex = re.sub(r"\\(.)", lambda m: r"\x5c" if m[1] == "\\" else m[0], regex)
    return regex.replace('"', r"\x22")


def _route_map(routes: list[Route], ids: dict[str, str]) -> list[str]:
    headers = _match_headers(routes)
    key = "\\n".join(["$request_method", "$host", *(header_variable(name) for name in headers), "$uri"])
    lines = [f'map "{key}" $dm_route {{']
    for route in routes:
        lines.append(f'    "{_route_regex(route, headers)}" {ids[route.name]};  # {route.name}')
    return [*lines, "    default default;", "}", ""]


def _percentages(route: Route) -> list[tuple[str, str]]:
    weights = split_order(route)
    total = sum(weight for _, weight in weights)
    shares = [(name, f"{weight * 100 / total:.2f}%") for name, weight in weights[:-1]]
    return [*((n, s) for n, s in shares if s != "0.00%"), (weights[-1][0], "*")]


def _splits(routes: list[Route], ids: dict[str, str]) -> list[str]:
    lines = []
    for route in routes:
        rid = ids[route.name]
        if len([w for w in route.weights if w[1] > 0]) > 1:
            key = "$request_id"
            source = sticky_variable(route)
            if source is not None:
                lines += [f"map {source} $dm_{rid}_key {{", '    "" $request_id;',
                          f"    default {source};", "}"]
                key = f"$dm_{rid}_key"
            lines.append(f'split_clients "{key}" $dm_{rid}_pick {{')
            lines += [f"    {share} {name};" for name, share in _percentages(route)]
            lines += ["}", ""]
        if route.mirror is not None and route.mirror.percent < 100:
            lines += [f'split_clients "$request_id" $dm_{rid}_mirror {{',
                      f"    {route.mirror.percent:.2f}% 1;", '    * "";', "}", ""]
    return lines


# -- server and locations ---------------------------------------------------------------------


def _http_settings(config: ProxyConfig) -> list[str]:
    limits: Limits = config.limits
    buffers = max(2, -(-limits.max_header_bytes // limits.max_request_line))
    log = config.access_log
    access = "access_log off;" if log == "off" else (
        f"access_log {'/dev/stdout' if log == '-' else log} demonolith_json;")
    return [
        f"log_format demonolith_json escape=json {_LOG_FORMAT};",
        access,
        f"client_max_body_size {limits.max_body_bytes};",
        f"client_header_timeout {time_units(limits.header_timeout)};",
        f"client_body_timeout {time_units(limits.body_timeout)};",
        f"keepalive_timeout {time_units(limits.keepalive_timeout)};",
        f"large_client_header_buffers {buffers} {limits.max_request_line};",
        "proxy_http_version 1.1;",
        "proxy_buffering off;",
        "proxy_request_buffering off;",
        "",
    ]


def _server(config: ProxyConfig, routes: list[Route], ids: dict[str, str]) -> list[str]:
    host, port = listen_address(config)
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    listen += " ssl" if config.tls_cert else ""
    locations = [
        "location / {",
        f"    rewrite ^ {_INTERNAL}/$dm_route last;",
        "}",
    ]
    for route in routes:
        locations += _route_locations(config, route, ids[route.name])
    return ["server {", f"    listen {listen};", "    server_name _;",
            *_indent(nginx_tls_lines(config)),
            "    set $dm_log_route -;", "    set $dm_log_upstream -;", "",
            *_indent(locations), "}"]


def _route_locations(config: ProxyConfig, route: Route, rid: str) -> list[str]:
    targets = [name for name, weight in route.weights if weight > 0]
    lines: list[str] = []
    if len(targets) > 1:
        lines += [f"location = {_INTERNAL}/{rid} {{", "    internal;",
                  f"    rewrite ^ {_INTERNAL}/{rid}/$dm_{rid}_pick last;", "}"]
        for target in targets:
            lines += _proxy_location(config, route, rid, target, f"{_INTERNAL}/{rid}/{target}")
    else:
        lines += _proxy_location(config, route, rid, targets[0], f"{_INTERNAL}/{rid}")
    if route.mirror is not None:
        lines += _mirror_location(config, route, rid)
    return lines


def _proxy_headers(config: ProxyConfig, route: Route, target: str) -> list[str]:
    host = config.upstream(target).authority if route.host_header == "upstream" else "$http_host"
    return [
        f"proxy_set_header Host {host};",
        "proxy_set_header Connection $dm_connection;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header X-Request-ID $dm_request_id;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-Host $http_host;",
        "proxy_set_header Via $dm_via;",
        f'proxy_set_header {IDENTITY_HEADER} "";',
    ]


def _proxy_location(config: ProxyConfig, route: Route, rid: str, target: str, path: str) -> list[str]:
    upstream = config.upstream(target)
    fallback = route.fallback if route.fallback != target else None
    body = [
        "internal;",
        f'set $dm_log_route "{route.name}";',
        f"set $dm_log_upstream {target};",
        f"proxy_pass http://{group_name(target, fallback)}$request_uri;",
        *_proxy_headers(config, route, target),
        "add_header X-Request-ID $dm_request_id always;",
        f"proxy_connect_timeout {time_units(upstream.connect_timeout)};",
        f"proxy_read_timeout {time_units(upstream.read_timeout)};",
        f"proxy_send_timeout {time_units(upstream.read_timeout)};",
        *nginx_rate_lines(route, rid),
    ]
    if route.mirror is not None:
        body += [f"mirror {_INTERNAL}-mirror/{rid};", "mirror_request_body on;"]
    if fallback is None:
        return [f"location = {path} {{", *_indent(body), "}"]
    statuses = " ".join(f"http_{code}" for code in sorted(route.fallback_on & NEXT_UPSTREAM_STATUSES))
    next_upstream = [f"proxy_next_upstream error timeout {statuses};".replace("  ", " "),
                     "proxy_next_upstream_tries 2;"]
    if not _splits_writes(route):
        return [f"location = {path} {{", *_indent([*body, *next_upstream]), "}"]
    # PUT, DELETE & co. go to a twin location that never passes them on (only an unavailable
    # target, marked down by max_fails, sends them to the backup server)
    writes = f"{path}~writes"
    branch = f"if ($dm_idempotent_write) {{ rewrite ^ {writes} last; }}"
    return [f"location = {path} {{", *_indent([branch, *body, *next_upstream]), "}",
            f"location = {writes} {{", *_indent([*body, "proxy_next_upstream off;"]), "}"]


def _mirror_location(config: ProxyConfig, route: Route, rid: str) -> list[str]:
    mirror = route.mirror
    assert mirror is not None
    body = ["internal;"]
    if mirror.percent < 100:
        body.append(f'if ($dm_{rid}_mirror = "") {{ return 204; }}')
    methods = mirrored_methods(route)
    if methods is not None:
        allowed = "|".join(sorted(methods))
        body.append(f'if ($request_method !~ "^({allowed})$") {{ return 204; }}')
    body += [
        f"proxy_pass http://{group_name(mirror.upstream, None)}$request_uri;",
        *_proxy_headers(config, route, mirror.upstream),
        "proxy_set_header X-Demonolith-Shadow 1;",
        f"proxy_connect_timeout {time_units(config.upstream(mirror.upstream).connect_timeout)};",
        f"proxy_read_timeout {time_units(config.upstream(mirror.upstream).read_timeout)};",
    ]
    return [f"location = {_INTERNAL}-mirror/{rid} {{", *_indent(body), "}"]


def _indent(lines: Iterable[str]) -> list[str]:
    return [("    " + line) if line else "" for line in lines]
