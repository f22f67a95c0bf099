"""What a guarded route does before its request is forwarded: rate limit, faults, identity.

:meth:`Guards.screen` runs synchronously when the request head has been read and answers one of:

* ``None``: go on as usual (the fast path stays available);
* a :class:`Refusal`: answer the client now (429 with ``Retry-After``, an injected abort);
* a prelude coroutine function: the forwarding task awaits it first (an injected delay, an
  identity lookup that missed the cache); it returns a Refusal or None.

Routes without ``rate_limit``, ``faults`` or ``identity`` never get here (one attribute check).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING

from strangler_proxy.config.model import IdentityConfig, ProxyConfig
from strangler_proxy.datapath.identity import (
    MISSING,
    IdentityResolver,
    IdentityUnavailable,
    drop_pending,
    load_secret,
)
from strangler_proxy.errors import ProxyError
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.policy.faults import NONE, Injection, draw
from strangler_proxy.policy.ratelimit import RateLimits, bucket_key, retry_after

if TYPE_CHECKING:
    from strangler_proxy.datapath.in_flight import InFlight

logger = logging.getLogger("strangler_proxy")


@dataclass(frozen=True)
class Refusal:
    """An answer the proxy gives itself instead of forwarding: status, message, extra headers."""

    status: int
    message: str
    headers: bytes = b""


Prelude = Callable[[], Awaitable[Refusal | None]]


class Guards:
    """Rate limiters, fault injection and the identity resolver of one proxy process."""

    def __init__(self, config: ProxyConfig, metrics: PrometheusRegistry) -> None:
        self.limits = RateLimits()
        self.rate_limited = metrics.add_counter(
            "proxy_rate_limited_total", "Requests refused with 429 by a route's rate limit.",
            ("route",))
        self.faults = metrics.add_counter(
            "proxy_faults_injected_total", "Injected faults by route and kind (delay, abort).",
            ("route", "kind"))
        self.identity = metrics.add_counter(
            "proxy_identity_lookups_total",
            "Identity resolution: cached, resolved (asked the monolith), anonymous (no session), error.",
            ("result",))
        self._resolver: IdentityResolver | None = None
        if config.identity is not None and any(r.identity for r in (*config.routes, config.default)):
            self.resolver(config)  # a missing secret stops the start, not the first request

    def resolver(self, config: ProxyConfig) -> IdentityResolver:
        """The resolver of ``config``'s ``[identity]`` (rebuilt when a reload changed it)."""
        identity: IdentityConfig | None = config.identity
        if identity is None:
            raise ProxyError("identity: the routes file has no [identity] table")
        if self._resolver is None or self._resolver.config != identity:
            self._resolver = IdentityResolver(identity, load_secret(config, identity))
        return self._resolver

    def apply_config(self, config: ProxyConfig) -> None:
        """A reload or admin change swapped the config: keep the token buckets of every route
        whose name and ``rate_limit`` are unchanged (a weight change never refills a bucket),
        start afresh where the limit changed, and forget routes that are gone. Faults keep no
        state; the identity resolver is rebuilt on first use when ``[identity]`` changed."""
        self.limits.retain({route.name: route.rate_limit for route in (*config.routes, config.default)
                            if route.rate_limit is not None})

    def stop(self) -> None:
        """Cancel identity lookups in flight."""
        if self._resolver is not None:
            drop_pending(self._resolver)

    def screen(self, forwarding: InFlight) -> Refusal | Prelude | None:
        """Decide what happens to a guarded route's request before it is forwarded."""
        route = forwarding.route
        limit = route.rate_limit
        if limit is not None:
            key = bucket_key(limit, forwarding.client.peer, forwarding.request.match_headers)
            wait = self.limits.wait(route.name, limit, key, monotonic())
            if wait:
                self.rate_limited.inc((route.name,))
                seconds = retry_after(wait)
                return Refusal(429, f"rate limit of route {route.name} exceeded, retry after"
                               f" {seconds}s", b"Retry-After: %d\r\n" % seconds)
        injection = draw(route.faults) if route.faults is not None else NONE
        if injection.abort is not None and not injection.delay:
            return self._abort(route.name, injection.abort)
        lookup = False
        if route.identity:
            outcome = self._identity_now(forwarding)
            if isinstance(outcome, Refusal):
                return outcome
            lookup = outcome
        if not injection.delay and not lookup:
            return None
        return functools.partial(self._prelude, forwarding, injection, lookup)

    def _abort(self, route_name: str, status: int) -> Refusal:
        self.faults.inc((route_name, "abort"))
        return Refusal(status, "fault injected: request aborted", b"X-Demonolith-Fault: abort\r\n")

    def _identity_now(self, forwarding: InFlight) -> Refusal | bool:
        """Attach a cached identity at once; True when the monolith must be asked."""
        try:
            resolver = self.resolver(forwarding.proxy.config)
        except ProxyError as exc:
            logger.error(json.dumps({"event": "identity_unconfigured", "error": str(exc)}))
            self.identity.inc(("error",))
            return Refusal(503, "identity forwarding is not configured")
        request = forwarding.request
        session = resolver.session(request.cookie)
        if session is None:
            self.identity.inc(("anonymous",))
            return False
        known = resolver.cached(session)
        if known is MISSING:
            return True
        self.identity.inc(("cached",))
        if isinstance(known, int):
            request.lines.append(resolver.header_line(known))
        return False

    async def _prelude(
        self, forwarding: InFlight, injection: Injection, lookup: bool
    ) -> Refusal | None:
        route = forwarding.route
        if injection.delay:
            self.faults.inc((route.name, "delay"))
            await asyncio.sleep(injection.delay)
        if injection.abort is not None:
            return self._abort(route.name, injection.abort)
        if lookup:
            return await self._lookup(forwarding)
        return None

    async def _lookup(self, forwarding: InFlight) -> Refusal | None:
        proxy, request = forwarding.proxy, forwarding.request
        try:
            resolver = self.resolver(proxy.config)
            session = resolver.session(request.cookie)
            assert session is not None and request.cookie is not None
            pool = proxy.pools[resolver.config.upstream]
            host = request.host_raw or pool.upstream.authority.encode()
            user = await resolver.user_id(pool, session, request.cookie, host, request.request_id)
        except (IdentityUnavailable, ProxyError, KeyError) as exc:
            self.identity.inc(("error",))
            forwarding.error = f"identity: {exc}"
            return Refusal(503, "identity lookup failed: the user's session could not be resolved")
        self.identity.inc(("resolved",))
        if user is not None:
            request.lines.append(resolver.header_line(user))
        return None
