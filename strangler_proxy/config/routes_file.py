"""Read and validate a routes file (TOML) into a :class:`~strangler_proxy.config.model.ProxyConfig`.

Every error is a :class:`~strangler_proxy.errors.RoutesError` whose message names the file and the
key (``routes[2].weights.catalog``), or the line and column for TOML syntax errors. Unknown keys are
errors too, so a typo never silently disables a feature. The format is documented in docs/routes.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from strangler_proxy.config.admin_tokens import admin_tokens
from strangler_proxy.config.guard_tables import faults, identity_config, rate_limit
from strangler_proxy.config.model import (
    BreakerConfig,
    HealthConfig,
    Limits,
    Mirror,
    PathMatch,
    ProxyConfig,
    Route,
    Sticky,
    Upstream,
)
from strangler_proxy.config.promotion_table import promotion
from strangler_proxy.config.tables import Table
from strangler_proxy.errors import RoutesError

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_MATCH_KEYS = ("path", "path_prefix", "path_pattern", "path_regex", "methods", "host", "headers")
_PATH_KEYS = {"path": "exact", "path_prefix": "prefix", "path_pattern": "pattern", "path_regex": "regex"}


def load_routes(path: str | Path) -> ProxyConfig:
    """Read ``path`` and return its validated configuration, or raise RoutesError."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutesError(f"{source}: cannot read routes file: {exc}") from exc
    return parse_routes(text, source)


def parse_routes(text: str, source: str = "<routes>") -> ProxyConfig:
    """Validate the TOML ``text`` of a routes file named ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutesError(f"{source}: invalid TOML: {exc}") from exc
    root = Table(data, "", source)
    upstreams = _upstreams(root.table("upstreams", required=True))
    names = {upstream.name for upstream in upstreams}
    routes = tuple(
        _route(table, index, names, matching=True)
        for index, table in enumerate(root.tables("routes"))
    )
    default_table = root.table("default")
    if default_table is None:
        if "monolith" not in names:
            raise root.error("default", "missing [default] (and no upstream named 'monolith')")
        default_table = Table({"to": "monolith"}, "default", source)
    default = _route(default_table, len(routes), names, matching=False, name="default")
    config = ProxyConfig(
        source=source,
        upstreams=upstreams,
        routes=routes,
        default=default,
        limits=_limits(root.table("limits")),
        identity=identity_config(root.table("identity"), names),
        admin_tokens=admin_tokens(root.table("admin")),
        **_listen(root.table("listen")),
    )
    root.finish()
    _check_tls_and_identity(config, root)
    _check_unique_names(config, root)
    _check_shadow_writes(config, root)
    return config


def _check_shadow_writes(config: ProxyConfig, root: Table) -> None:
    """A mirrored write must reach a service that can tell it from a real one: signed."""
    for route in (*config.routes, config.default):
        if not route.shadow_writes:
            continue
        where = f"routes[{route.index}].shadow_writes" if route is not config.default else (
            "default.shadow_writes")
        if route.mirror is None:
            raise root.error(where, "needs a mirror")
        if not config.upstream(route.mirror.upstream).signs_shadow:
            raise root.error(where, f"needs upstreams.{route.mirror.upstream}.shadow_secret_env or"
                             " shadow_secret_file (the key that signs the shadow marker)")


def _check_unique_names(config: ProxyConfig, root: Table) -> None:
    seen: set[str] = set()
    for route in config.routes:
        if route.name in seen:
            raise root.error(f"routes[{route.index}].name", f"duplicate route name {route.name!r}")
        seen.add(route.name)


def _check_tls_and_identity(config: ProxyConfig, root: Table) -> None:
    if (config.tls_cert is None) != (config.tls_key is None):
        raise root.error("listen", "give both tls_cert and tls_key, or neither")
    if config.identity is not None:
        return
    for route in (*config.routes, config.default):
        if route.identity:
            where = f"routes[{route.index}]" if route is not config.default else "default"
            raise root.error(f"{where}.identity", "needs an [identity] table (where to ask)")


def _listen(table: Table | None) -> dict[str, Any]:
    if table is None:
        return {}
    values = {
        "listen": table.string("address"),
        "admin": table.string("admin"),
        "access_log": table.string("access_log", "-"),
        "shadow_queue": table.integer("shadow_queue", 1000, minimum=1),
        "shadow_queue_bytes": table.integer("shadow_queue_bytes", 64 * 1024 * 1024, minimum=0),
        "shadow_workers": table.integer("shadow_workers", 4, minimum=1),
        "hosts": tuple(host.lower() for host in table.str_list("hosts", [])),
        "tls_cert": table.string("tls_cert"),
        "tls_key": table.string("tls_key"),
    }
    table.finish()
    return {key: value for key, value in values.items() if value is not None}


def _limits(table: Table | None) -> Limits:
    if table is None:
        return Limits()
    defaults = Limits()
    limits = Limits(
        max_header_bytes=table.integer("max_header_bytes", defaults.max_header_bytes, minimum=1024),
        max_headers=table.integer("max_headers", defaults.max_headers, minimum=4),
        max_request_line=table.integer("max_request_line", defaults.max_request_line, minimum=64),
        max_body_bytes=table.integer("max_body_bytes", defaults.max_body_bytes, minimum=0),
        header_timeout=table.number("header_timeout", defaults.header_timeout),
        body_timeout=table.number("body_timeout", defaults.body_timeout),
        keepalive_timeout=table.number("keepalive_timeout", defaults.keepalive_timeout),
        replay_body_bytes=table.integer(
            "replay_body_bytes", defaults.replay_body_bytes, minimum=0
        ),
        tunnel_idle_timeout=table.number("tunnel_idle_timeout", defaults.tunnel_idle_timeout),
        max_connections=table.integer("max_connections", defaults.max_connections, minimum=0),
    )
    table.finish()
    return limits


def _upstreams(table: Table | None) -> tuple[Upstream, ...]:
    assert table is not None
    result = []
    for name in table.names():
        if not _NAME.match(name):
            raise table.error(name, "upstream names use letters, digits, '_', '.', '-'")
        sub = table.table(name, required=True)
        assert sub is not None
        result.append(_upstream(name, sub))
    if not result:
        raise table.error("", "at least one upstream is required")
    return tuple(result)


def _upstream(name: str, table: Table) -> Upstream:
    url = table.string("url", required=True)
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
        raise table.error("url", f"expected http://host[:port] (no path), got {url!r}")
    if parts.query or parts.fragment or parts.username:
        raise table.error("url", f"expected http://host[:port] only, got {url!r}")
    health = table.table("health")
    upstream = Upstream(
        name=name,
        host=parts.hostname,
        port=parts.port or 80,
        connect_timeout=table.number("connect_timeout", 2.0),
        read_timeout=table.number("read_timeout", 30.0),
        retries=table.integer("retries", 1, minimum=0, maximum=5),
        max_idle=table.integer("max_idle", 64, minimum=0),
        idle_timeout=table.number("idle_timeout", 4.0),
        breaker=_breaker(table.table("breaker")),
        health=_health(health) if health is not None else None,
        shadow_secret_env=table.string("shadow_secret_env"),
        shadow_secret_file=table.string("shadow_secret_file"),
    )
    table.finish()
    return upstream


def _breaker(table: Table | None) -> BreakerConfig:
    if table is None:
        return BreakerConfig()
    breaker = BreakerConfig(
        failures=table.integer("failures", 5, minimum=1),
        open_seconds=table.number("open_seconds", 10.0),
        half_open_requests=table.integer("half_open_requests", 1, minimum=1),
    )
    table.finish()
    return breaker


def _health(table: Table) -> HealthConfig:
    path = table.string("path", "/")
    assert path is not None
    if not path.startswith("/"):
        raise table.error("path", "must start with '/'")
    health = HealthConfig(
        path=path,
        interval=table.number("interval", 5.0),
        timeout=table.number("timeout", 2.0),
        unhealthy_after=table.integer("unhealthy_after", 2, minimum=1),
        healthy_after=table.integer("healthy_after", 1, minimum=1),
    )
    table.finish()
    return health


def _route(
    table: Table, index: int, names: set[str], *, matching: bool, name: str | None = None
) -> Route:
    """Validate one ``[[routes]]`` entry (or ``[default]`` when not ``matching``)."""
    if not matching:
        for key in _MATCH_KEYS:
            if table.has(key):
                raise table.error(key, "[default] matches everything; it takes no match keys")
    route_name = table.string("name", name or f"routes[{index}]")
    assert route_name is not None
    if matching and table.has("name") and (not _NAME.match(route_name) or route_name == "default"):
        raise table.error("name", "route names use letters, digits, '_', '.', '-' (not 'default')")
    route = Route(
        name=route_name,
        index=index,
        path=_path_match(table) if matching else None,
        methods=_methods(table),
        host=_host(table),
        headers=_header_matches(table),
        weights=_weights(table, names),
        sticky=_sticky(table.table("sticky")),
        fallback=_upstream_ref(table, "fallback", names),
        fallback_on=frozenset(table.int_list("fallback_on", [500, 502, 503, 504])),
        host_header=table.choice("host_header", ("keep", "upstream"), "keep"),
        mirror=_mirror(table, names),
        rate_limit=rate_limit(table),
        faults=faults(table),
        identity=table.boolean("identity", False),
        fallback_shares_data=table.boolean("fallback_shares_data", False),
        promotion=promotion(table),
        shadow_writes=table.boolean("shadow_writes", False),
    )
    table.finish()
    if route.promotion is not None and len(route.weights) != 2:
        raise table.error("promotion", "needs two upstreams in weights: the primary, then the canary")
    if route.promotion is not None and matching and not table.has("name"):
        raise table.error("promotion", 'needs the route\'s name (name = "..."): its weights are '
                                       "changed at run time by name")
    if route.fallback_shares_data and route.fallback is None:
        raise table.error("fallback_shares_data", "needs a fallback")
    if matching and route.path is None and not (route.methods or route.host or route.headers):
        raise table.error("", "a route needs at least one of " + ", ".join(_MATCH_KEYS))
    return route


def _path_match(table: Table) -> PathMatch | None:
    found = [(key, table.string(key)) for key in _PATH_KEYS]
    given = [(key, value) for key, value in found if value is not None]
    if len(given) > 1:
        raise table.error(given[1][0], "use only one of " + ", ".join(_PATH_KEYS))
    if not given:
        return None
    key, value = given[0]
    assert value is not None
    if key == "path_regex":
        return PathMatch("regex", _path_regex(table, value))
    if not value.startswith("/"):
        raise table.error(key, f"must start with '/', got {value!r}")
    kind = _PATH_KEYS[key]
    if kind == "pattern" and not re.fullmatch(r"(/([^/{}*]*|\{[A-Za-z_]\w*\}))*(/\*)?/?", value):
        raise table.error(key, f"segments are literals or {{name}}, optional final /*: {value!r}")
    return PathMatch(kind, value)


def _path_regex(table: Table, value: str) -> str:
    """A ``path_regex``: a Python regex matched (``re.match``) against the whole decoded path,
    anchored at its ``/`` (``^/``), as the analysis writes a Django regex route."""
    if not value.startswith("^/"):
        raise table.error("path_regex", f"must start with '^/' (the path's first slash), got {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise table.error("path_regex", f"not a regular expression ({error}): {value!r}") from None
    return value


def _methods(table: Table) -> frozenset[str]:
    methods = table.str_list("methods", [])
    for method in methods:
        if not _TOKEN.match(method) or method != method.upper():
            raise table.error("methods", f"not an upper-case HTTP method: {method!r}")
    return frozenset(methods)


def _host(table: Table) -> str | None:
    host = table.string("host")
    if host is not None and not re.fullmatch(r"(\*\.)?[A-Za-z0-9.-]+", host):
        raise table.error("host", f"expected a host name or *.domain, got {host!r}")
    return host.lower() if host else None


def _header_matches(table: Table) -> tuple[tuple[str, str], ...]:
    headers = table.table("headers")
    if headers is None:
        return ()
    result = []
    for key in headers.names():
        if not _TOKEN.match(key):
            raise headers.error(key, "not a valid header name")
        value = headers.string(key)
        assert value is not None
        result.append((key.lower(), value))
    headers.finish()
    return tuple(sorted(result))


def _weights(table: Table, names: set[str]) -> tuple[tuple[str, int], ...]:
    target = _upstream_ref(table, "to", names)
    weights = table.table("weights")
    if (target is None) == (weights is None):
        raise table.error("to", "give exactly one of 'to' or 'weights'")
    if target is not None:
        return ((target, 1),)
    assert weights is not None
    result = []
    for name in weights.names():
        if name not in names:
            raise weights.error(name, f"unknown upstream {name!r}")
        result.append((name, weights.integer(name, 0, minimum=0)))
    weights.finish()
    if not result or sum(weight for _, weight in result) == 0:
        raise table.error("weights", "needs at least one upstream with a positive weight")
    return tuple(result)


def _upstream_ref(table: Table, key: str, names: set[str]) -> str | None:
    name = table.string(key)
    if name is not None and name not in names:
        raise table.error(key, f"unknown upstream {name!r} (known: {', '.join(sorted(names))})")
    return name


def _sticky(table: Table | None) -> Sticky | None:
    if table is None:
        return None
    sticky = Sticky(cookie=table.string("cookie"), header=table.string("header"))
    table.finish()
    if (sticky.cookie is None) == (sticky.header is None):
        raise table.error("", "give exactly one of 'cookie' or 'header'")
    return Sticky(cookie=sticky.cookie, header=sticky.header.lower() if sticky.header else None)


def _mirror(table: Table, names: set[str]) -> Mirror | None:
    if table.is_string("mirror"):
        name = _upstream_ref(table, "mirror", names)
        return Mirror(upstream=name) if name else None
    sub = table.table("mirror")
    if sub is None:
        return None
    upstream = _upstream_ref(sub, "upstream", names)
    if upstream is None:
        raise sub.error("upstream", "required")
    mirror = Mirror(
        upstream=upstream,
        percent=sub.number("percent", 100.0, maximum=100.0),
        allow_unsafe=sub.boolean("allow_unsafe", False),
        compare_headers=tuple(h.lower() for h in sub.str_list("compare_headers", ["content-type"])),
        ignore=tuple(sub.str_list("ignore", [])),
        learn_noise=sub.boolean("learn_noise", False),
        max_body_bytes=sub.integer("max_body_bytes", 1 << 20, minimum=0),
    )
    sub.finish()
    return mirror
