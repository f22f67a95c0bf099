"""Per-route rate limits: token buckets keyed by route, client address or a header value (pure).

A bucket holds at most ``burst`` tokens and gains ``rate`` tokens a second; each request takes
one. A request that finds less than one token is refused with 429 and ``Retry-After``: the whole
seconds until the next token (at least 1, as HTTP wants delta-seconds).

The number of buckets per route is bounded (``max_keys``): when a new key would exceed it, the
oldest bucket is dropped (it is the least recently created; a dropped key starts full again).
"""

from __future__ import annotations

import math

from strangler_proxy.config.model import RateLimit


class TokenBucket:
    """One bucket: ``tokens`` at time ``stamp``."""

    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def take(self, rate: float, burst: int, now: float) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one is available."""
        tokens = min(float(burst), self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return 0.0
        self.tokens = tokens
        return (1.0 - tokens) / rate


class RateLimiter:
    """The buckets of one route's :class:`RateLimit`."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.buckets: dict[str, TokenBucket] = {}

    def wait(self, key: str, now: float) -> float:
        """0.0 when the request with bucket ``key`` may pass, else the seconds to wait."""
        bucket = self.buckets.get(key)
        limit = self.limit
        if bucket is None:
            if len(self.buckets) >= limit.max_keys:
                del self.buckets[next(iter(self.buckets))]
            bucket = self.buckets[key] = TokenBucket(float(limit.burst), now)
        return bucket.take(limit.rate, limit.burst, now)


def bucket_key(limit: RateLimit, client_ip: str, headers: dict[str, str]) -> str:
    """The bucket a request falls in: ``""`` per route, else its address or header value."""
    if limit.per == "client_ip":
        return client_ip
    if limit.per == "header" and limit.header is not None:
        return headers.get(limit.header, "")
    return ""


def retry_after(wait: float) -> int:
    """The Retry-After value (whole seconds, at least 1) for a wait of ``wait`` seconds."""
    return max(1, math.ceil(wait))


class RateLimits:
    """The limiters of every route, by route name; rebuilt for a route whose limit changed (so a
    reload or an admin change that keeps a route's limit keeps its buckets)."""

    def __init__(self) -> None:
        self.limiters: dict[str, RateLimiter] = {}

    def retain(self, limits: dict[str, RateLimit]) -> None:
        """Keep only the limiters of routes that still have the same limit (after a reload)."""
        self.limiters = {name: limiter for name, limiter in self.limiters.items()
                         if limits.get(name) == limiter.limit}

    def wait(self, route_name: str, limit: RateLimit, key: str, now: float) -> float:
        """See :meth:`RateLimiter.wait`."""
        limiter = self.limiters.get(route_name)
        if limiter is None or limiter.limit != limit:
            limiter = self.limiters[route_name] = RateLimiter(limit)
        return limiter.wait(key, now)
