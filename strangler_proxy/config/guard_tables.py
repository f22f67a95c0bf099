"""Read the routes file's guard settings: per-route ``rate_limit`` / ``faults`` / ``identity`` and
the top-level ``[identity]`` table (called by :mod:`strangler_proxy.config.routes_file`).

Errors name the key, like every other routes-file error.
"""

from __future__ import annotations

import re

from strangler_proxy.config.model import Faults, IdentityConfig, RateLimit
from strangler_proxy.config.tables import Table

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_COOKIE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
PER_KEYS = ("route", "client_ip", "header")
MAX_HEADER_TTL = 300  # the services' DEMONOLITH_IDENTITY_MAX_AGE default


def rate_limit(table: Table) -> RateLimit | None:
    """``rate_limit = { rate = 10, burst = 20, per = "client_ip" }`` of one route."""
    sub = table.table("rate_limit")
    if sub is None:
        return None
    rate = sub.number("rate", 0.0)
    if rate <= 0:
        raise sub.error("rate", "required: tokens per second, > 0")
    per = sub.choice("per", PER_KEYS, "route")
    header = sub.string("header")
    if (per == "header") != (header is not None):
        raise sub.error("header", "give 'header' exactly when per = \"header\"")
    if header is not None and not _TOKEN.match(header):
        raise sub.error("header", f"not a valid header name: {header!r}")
    limit = RateLimit(
        rate=rate,
        burst=sub.integer("burst", max(1, round(rate)), minimum=1),
        per=per,
        header=header.lower() if header else None,
        max_keys=sub.integer("max_keys", 10_000, minimum=1),
    )
    sub.finish()
    return limit


def faults(table: Table) -> Faults | None:
    """``faults = { delay = 0.2, delay_percent = 10, abort_status = 503, abort_percent = 5 }``."""
    sub = table.table("faults")
    if sub is None:
        return None
    result = Faults(
        delay=sub.number("delay", 0.0, maximum=300.0),
        delay_percent=sub.number("delay_percent", 0.0, maximum=100.0),
        abort_status=sub.integer("abort_status", 503, minimum=400, maximum=599),
        abort_percent=sub.number("abort_percent", 0.0, maximum=100.0),
    )
    sub.finish()
    if result.delay_percent and not result.delay:
        raise sub.error("delay", "required (seconds) when delay_percent is set")
    return result


def identity_config(table: Table | None, names: set[str]) -> IdentityConfig | None:
    """The ``[identity]`` table: where to ask who the user is, and how to sign it."""
    if table is None:
        return None
    upstream = table.string("upstream", "monolith" if "monolith" in names else None)
    if upstream is None or upstream not in names:
        raise table.error("upstream", f"unknown or missing upstream {upstream!r}")
    path = table.string("path", "/internal/whoami/") or ""
    if not path.startswith("/") or any(c in path for c in " \r\n"):
        raise table.error("path", f"must start with '/' and have no spaces: {path!r}")
    cookie = table.string("session_cookie", "sessionid") or ""
    if not _COOKIE.match(cookie):
        raise table.error("session_cookie", f"not a valid cookie name: {cookie!r}")
    config = IdentityConfig(
        upstream=upstream,
        path=path,
        session_cookie=cookie,
        cache_ttl=table.number("cache_ttl", 5.0, maximum=3600.0),
        cache_size=table.integer("cache_size", 10_000, minimum=1),
        header_ttl=table.integer("header_ttl", 60, minimum=1, maximum=MAX_HEADER_TTL),
        secret_env=table.string("secret_env", "DEMONOLITH_IDENTITY_SECRET") or "",
        secret_file=table.string("secret_file"),
    )
    if table.has("secret"):
        raise table.error("secret", "never put the secret in the routes file: use secret_file or"
                          " the environment variable named by secret_env")
    table.finish()
    return config
