"""Read a route's ``promotion`` table (the automatic canary) into a :class:`PromotionPolicy`.

::

    [routes.promotion]            # the route's weights name the primary first, the canary second
    steps = [1, 5, 25, 50, 100]   # canary weights in percent, rising, ending at 100
    every = "5m"                  # a number of seconds, or "200ms", "30s", "5m", "1h"
    min_samples = 50              # requests on each side before a judgement
    alpha = 0.01                  # one-sided Mann-Whitney U on latency
    max_error_rate_increase = 0.01
    max_latency_ratio = 1.2       # of the medians, canary / primary
    sync_status_url = "http://127.0.0.1:8765/status"   # optional: the sync relay's GET /status
    max_lag_seconds = 1.0         # hold while the relay lags more (needs sync_status_url)
    rollback_on_sync_errors = false   # roll back when its conflicts or failed changes grow

Errors name the key, like every other routes-file error.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.config.tables import Table

_DURATION = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def duration_seconds(text: str) -> float | None:
    """``"200ms"``, ``"30s"``, ``"5m"``, ``"1h"`` in seconds; None when it is none of those."""
    match = _DURATION.match(text.strip())
    return float(match[1]) * _UNITS[match[2]] if match else None


def promotion(table: Table) -> PromotionPolicy | None:
    """The route's ``promotion`` table, validated, or None."""
    sub = table.table("promotion")
    if sub is None:
        return None
    try:
        policy = PromotionPolicy(
            steps=tuple(sub.int_list("steps", [1, 5, 25, 50, 100])),
            every_seconds=_every(sub),
            min_samples=sub.integer("min_samples", 50, minimum=1),
            alpha=sub.number("alpha", 0.01, maximum=1.0),
            max_error_rate_increase=sub.number("max_error_rate_increase", 0.01, maximum=1.0),
            max_latency_ratio=sub.number("max_latency_ratio", 1.2),
            max_lag_seconds=sub.number("max_lag_seconds", 0.0) if sub.has("max_lag_seconds")
            else None,
            rollback_on_sync_errors=sub.boolean("rollback_on_sync_errors", False),
            sync_status_url=_status_url(sub),
        )
    except ValueError as exc:
        raise sub.error("", str(exc)) from exc
    sub.finish()
    return policy


def _every(sub: Table) -> float:
    if not sub.is_string("every"):
        return sub.number("every", 300.0)
    text = sub.string("every") or ""
    seconds = duration_seconds(text)
    if seconds is None:
        raise sub.error("every", f"a duration such as 200ms, 30s, 5m, 1h, got {text!r}")
    return seconds


def _status_url(sub: Table) -> str | None:
    url = sub.string("sync_status_url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise sub.error("sync_status_url", f"an http:// or https:// URL, got {url!r}")
    return url
