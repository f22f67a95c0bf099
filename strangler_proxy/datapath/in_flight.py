"""What the guards, the shadow and the fast path need from one request being forwarded.

:class:`InFlight` describes :class:`~strangler_proxy.datapath.forward.Forwarding` as those
helpers (and the proxy, once it is done) see it, and :class:`ProxyView` the little of the running
proxy they read through it, so that the forwarding imports its helpers and none of them imports it
back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from strangler_proxy.config.model import ProxyConfig, Route
from strangler_proxy.datapath.exchange import Exchange
from strangler_proxy.datapath.ports import ClientSide
from strangler_proxy.datapath.request import Request
from strangler_proxy.datapath.upstream import UpstreamPool


class ProxyView(Protocol):
    """The running proxy as a request's helpers read it."""

    @property
    def scheme(self) -> bytes:
        """The client listener's scheme (``http`` or ``https``) for X-Forwarded-Proto."""

    @property
    def config(self) -> ProxyConfig:
        """The current config."""

    @property
    def pools(self) -> dict[str, UpstreamPool]:
        """The current upstream pools, by upstream name."""


class InFlight(Protocol):
    """One client request from routing to its last byte, as its helpers see it."""

    client: ClientSide
    request: Request
    route: Route
    primary: str  # the upstream chosen by the route's weights
    upstream: str  # the one tried last (the fallback's name after a fallback)
    status: int
    bytes_out: int
    error: str
    shadow: bool
    idempotent: bool
    safe: bool
    identity: Callable[[str], bytes] | None  # signs the identity header for a target upstream
    replay: bytes | None
    exchange: Exchange | None

    @property
    def proxy(self) -> ProxyView:
        """The proxy serving the request."""

    def complete(self, keep_alive: bool) -> None:
        """Finish the request: log and count it, then let the client go on."""

    def log_line(self, duration: float) -> str:
        """The request's access-log line (JSON), ``duration`` seconds after it started."""
