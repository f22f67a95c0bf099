"""What a request's :class:`~strangler_proxy.datapath.forward.Forwarding` needs from the proxy.

:class:`ForwardingHost` is implemented by :class:`~strangler_proxy.datapath.proxy.Proxy`; the
forwarding depends on this description instead of on the proxy module, which imports it.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.datapath.guards import Guards
from strangler_proxy.datapath.in_flight import InFlight
from strangler_proxy.datapath.request import Request
from strangler_proxy.datapath.shadow import Shadow
from strangler_proxy.datapath.upstream import UpstreamPool
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.policy.routing import RoutingTable


class ForwardingHost(Protocol):
    """The running proxy as one request's forwarding uses it (read at the request's start)."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop serving the proxy."""

    @property
    def config(self) -> ProxyConfig:
        """The current config."""

    @property
    def table(self) -> RoutingTable:
        """The current routing table."""

    @property
    def pools(self) -> dict[str, UpstreamPool]:
        """The current upstream pools, by upstream name."""

    @property
    def scheme(self) -> bytes:
        """The client listener's scheme, for X-Forwarded-Proto."""

    @property
    def guards(self) -> Guards:
        """Rate limits, fault injection and identity forwarding of guarded routes."""

    @property
    def shadow(self) -> Shadow:
        """The shadow traffic workers."""

    @property
    def metrics(self) -> PrometheusRegistry:
        """The Prometheus registry."""

    def request_done(self, forwarding: InFlight) -> None:
        """Count, time and log one finished request."""

    def log_error(self, request: Request, exc: BaseException) -> None:
        """Log an error that ended a request abnormally."""
