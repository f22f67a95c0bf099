"""Client side of the data path: parse requests with httptools, enforce limits, hand them on.

Requests on one connection are served in order (pipelined ones wait their turn). Anything the
parser or the limits refuse is answered with a JSON error and the connection is closed, so no
smuggled or malformed request ever reaches an upstream.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Protocol, cast

import httptools

from strangler_proxy.datapath.request import Body, Rejection, Request
from strangler_proxy.policy.headers import (
    MANAGED_REQUEST,
    connection_tokens,
    error_response,
    request_id_from,
)
from strangler_proxy.policy.paths import (
    BadTarget,
    forwarded_path,
    normalise_target,
    parse_absolute_form,
    valid_host,
)

if TYPE_CHECKING:
    from strangler_proxy.config.model import ProxyConfig
    from strangler_proxy.datapath.cork import WriteCork
    from strangler_proxy.datapath.forward import Forwarding
    from strangler_proxy.policy.routing import RoutingTable

INFINITY = float("inf")
_SINGLE = frozenset({b"host", b"transfer-encoding", b"content-length"})
_OWS = (32, 9)  # optional whitespace a header value may end with (space, tab)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class ClientHost(Protocol):
    """What a client connection needs from the running proxy (:class:`~.proxy.Proxy` is one)."""

    loop: asyncio.AbstractEventLoop
    cork: WriteCork
    config: ProxyConfig
    table: RoutingTable
    clients: set[ClientProtocol]
    max_clients: int
    draining: bool
    drain_grace: float

    def host_name(self, host_raw: bytes) -> str:
        """The request's host without its port, lower case; raises a 400 Rejection when
        ``host_raw`` is no valid Host value."""

    def serves_host(self, authority: bytes) -> bool:
        """Whether an absolute-form request for ``authority`` is for this proxy."""

    def request_id(self, value: bytes | None) -> bytes:
        """The client's X-Request-ID when it is acceptable, else a new one."""

    def serve(self, client: ClientProtocol, request: Request) -> None:
        """Start serving ``request`` of ``client``."""

    def rejected(self, client: ClientProtocol, rejection: Rejection) -> None:
        """Count and log a request the proxy refused itself."""

    def client_gone(self, client: ClientProtocol) -> None:
        """``client`` disconnected: stop what serves it."""


class ClientProtocol(asyncio.Protocol):
    """One client connection."""

    def __init__(self, proxy: ClientHost) -> None:
        self.proxy = proxy
        self.cork = proxy.cork
        self.limits = proxy.config.limits
        self._max_headers = self.limits.max_headers
        self._max_header_bytes = self.limits.max_header_bytes
        self.loop = proxy.loop
        self.transport: asyncio.Transport | None = None
        self.peer = "-"
        self.parser = httptools.HttpRequestParser(self)
        self.deadline = INFINITY
        self.busy = False
        self.closing = False
        self.tunnel: asyncio.Transport | None = None
        self.upgrading: Request | None = None
        self.queue: deque[Request | Rejection] = deque()
        self.current: Request | None = None
        self.forwarding: Forwarding | None = None
        self.task: asyncio.Task[None] | None = None
        self.on_write_pause: list[asyncio.Transport] = []
        self._paused: set[str] = set()
        self._parsing: Request | None = None
        self._head_seen = 0  # bytes received while the current request head is incomplete
        self._head_limit = self.limits.max_header_bytes + self.limits.max_request_line
        self._refusal: Rejection | None = None  # answer every request with this (over the cap)
        self._reset_head()

    def _reset_head(self) -> None:
        self._url = b""
        self._count = 0
        self._header_bytes = 0
        self._special: dict[bytes, bytes] = {}
        self._lines: list[bytes] = []
        self._match: dict[str, str] = {}
        self._match_names = self.proxy.table.header_names
        self._cookie: bytes | None = None

    # -- asyncio.Protocol ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Register with the proxy and start the idle clock."""
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if peer else "-"
        self.deadline = monotonic() + self.limits.header_timeout
        if len(self.proxy.clients) >= self.proxy.max_clients:  # read the request, then say 503
            self._refusal = Rejection(503, "too_many_connections", "too many client connections")
        self.proxy.clients.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        """Abort what is in flight; the proxy logs it as a client disconnect."""
        self.closing = True
        self.proxy.clients.discard(self)
        self.proxy.client_gone(self)
        if self.tunnel is not None:
            self.tunnel.close()

    def data_received(self, data: bytes) -> None:
        """Parse; errors become one JSON error response and a close."""
        if self.tunnel is not None:  # open_tunnel flushed what was held: nothing to overtake
            self.tunnel_active()
            self.tunnel.write(data)
            return
        if self.upgrading is not None:
            self.upgrading.leftover.append(data)
            return
        if self.closing:
            return
        in_head = self._parsing is None
        if in_head:  # the head is counted as it arrives: an endless line costs no parsing
            self._head_seen += len(data)
        try:
            self.parser.feed_data(data)
            if in_head and self._head_seen > self._head_limit and self._parsing is None:
                raise Rejection(431, "headers_too_large", "request head too large")
        except httptools.HttpParserUpgrade as exc:
            self._upgrade_data(data[exc.args[0]:])
        except Rejection as rejection:
            self._reject(rejection)
        except httptools.HttpParserError as exc:
            cause = exc.__context__ if isinstance(exc.__context__, Rejection) else None
            self._reject(cause or Rejection(400, "malformed", f"malformed request: {exc}"))

    def _upgrade_data(self, leftover: bytes) -> None:
        request = self._parsing or self.current or (self.queue[-1] if self.queue else None)
        if isinstance(request, Request) and request.upgrade:
            request.leftover.append(leftover)
            self.upgrading = request  # nothing more is parsed on this connection
        elif not isinstance(request, Rejection):
            self._reject(Rejection(400, "bad_upgrade", "unsupported protocol upgrade"))

    def pause_writing(self) -> None:
        """The client reads slowly: pause the upstream that feeds it."""
        for transport in self.on_write_pause:
            transport.pause_reading()

    def resume_writing(self) -> None:
        """The client caught up."""
        for transport in self.on_write_pause:
            if not transport.is_closing():
                transport.resume_reading()

    def pause(self, reason: str, on: bool) -> None:
        """Pause or resume reading from the client; reading resumes when no reason is left."""
        if self.transport is None:
            return
        was = bool(self._paused)
        if on:
            self._paused.add(reason)
        else:
            self._paused.discard(reason)
        if was != bool(self._paused) and not self.transport.is_closing():
            if self._paused:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    # -- httptools callbacks ---------------------------------------------------------------
    def on_message_begin(self) -> None:
        """A new request starts: the header clock runs."""
        self._reset_head()
        self.deadline = monotonic() + self.limits.header_timeout

    def on_url(self, url: bytes) -> None:
        """Request target (possibly in pieces)."""
        self._url += url
        if len(self._url) > self.limits.max_request_line:
            raise Rejection(414, "uri_too_long", "request target too long")

    def on_header(self, name: bytes, value: bytes) -> None:
        """Sort each header once: managed by the proxy, matched by a route, or passed on.

        Trailer fields (after a chunked body) count against the limits and are dropped: they
        would otherwise reach the upstream as headers of a request not yet sent."""
        self._header_bytes += len(name) + len(value) + 4
        self._count += 1
        if self._count > self._max_headers:
            raise Rejection(431, "too_many_headers", "too many header fields")
        if self._header_bytes > self._max_header_bytes:
            raise Rejection(431, "headers_too_large", "header section too large")
        if self._parsing is not None:  # a trailer
            return
        if value and value[-1] in _OWS:  # httptools strips leading OWS, not trailing
            value = value.rstrip(b" \t")
        lower = name.lower()
        if lower in MANAGED_REQUEST:
            special = self._special
            if lower in special:
                if lower in _SINGLE:
                    raise Rejection(400, "duplicate_header", f"duplicate {name.decode()} header")
                special[lower] += b", " + value
            else:
                special[lower] = value
        else:
            self._lines.append(name + b": " + value + b"\r\n")
            if lower == b"cookie":
                self._cookie = value if self._cookie is None else self._cookie + b"; " + value
        if lower in self._match_names:
            self._match[lower.decode("latin-1")] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        """Validate and build the request; start it or queue it behind the one in flight."""
        if self._refusal is not None:
            raise self._refusal
        request = self._build()
        self._head_seen = 0
        self._parsing = request
        if request.body is not None:
            self.deadline = monotonic() + self.limits.body_timeout
        elif not self.busy:
            self.deadline = INFINITY
        if self.busy:
            self.queue.append(request)
            self.pause("pipeline", True)
        else:
            self._start(request)

    def on_body(self, body: bytes) -> None:
        """Stream body into the request (size limit enforced)."""
        request = self._parsing
        if request is None or request.body is None:
            return
        request.body.feed(body)
        self.deadline = monotonic() + self.limits.body_timeout
        if request.body.received > self.limits.max_body_bytes:
            raise Rejection(413, "body_too_large", "request body too large")

    def on_message_complete(self) -> None:
        """The request (and its body) has been read."""
        request, self._parsing = self._parsing, None
        if request is not None and request.body is not None:
            request.body.finish()
            if self.busy and request is self.current:
                self.deadline = INFINITY

    # -- building and validating -----------------------------------------------------------
    def _build(self) -> Request:
        method = self.parser.get_method().decode("ascii")
        version = self.parser.get_http_version()
        if method == "CONNECT":
            raise Rejection(405, "connect", "CONNECT is not allowed: this is not a forward proxy")
        special = self._special
        framed = b"transfer-encoding" in special or b"content-length" in special
        body = self._framing(special, version) if framed else None
        lines = self._lines
        if b"connection" in special:
            lines = self._drop_connection_listed(lines, special[b"connection"])
        return self._request(method, version, special, lines, body)

    def _framing(self, special: dict[bytes, bytes], version: str) -> Body | None:
        te = special.get(b"transfer-encoding")
        length = special.get(b"content-length")
        if te is not None:
            if length is not None:
                raise Rejection(400, "smuggling", "both Content-Length and Transfer-Encoding")
            if te.strip().lower() != b"chunked" or version == "1.0":
                raise Rejection(400, "smuggling", "unsupported Transfer-Encoding")
            return Body(-1, lambda on: self.pause("body", on))
        if length is None:
            return None
        if not length.isdigit() or len(length) > 18:  # duplicates were joined with ", "
            raise Rejection(400, "smuggling", "invalid Content-Length")
        if int(length) > self.limits.max_body_bytes:
            raise Rejection(413, "body_too_large", "request body too large")
        return Body(int(length), lambda on: self.pause("body", on)) if int(length) else None

    @staticmethod
    def _drop_connection_listed(lines: list[bytes], connection: bytes | None) -> list[bytes]:
        if connection is None:
            return lines
        listed = connection_tokens(connection) - {b"close", b"keep-alive", b"upgrade"}
        if not listed:
            return lines
        return [line for line in lines if line.split(b":", 1)[0].lower() not in listed]

    def _request(
        self,
        method: str,
        version: str,
        special: dict[bytes, bytes],
        lines: list[bytes],
        body: Body | None,
    ) -> Request:
        host_raw = special.get(b"host")
        if host_raw is None:
            if version != "1.0":
                raise Rejection(400, "bad_host", "missing Host header")
            host_raw = b""
        elif not host_raw:
            raise Rejection(400, "bad_host", "empty Host header")
        target = self._url
        if not target.startswith(b"/"):
            authority, target = self._absolute_form(target, host_raw)
            host_raw = authority
        try:
            path, query = normalise_target(target)
            forward_path = path if b"%2" not in target else forwarded_path(target.split(b"?")[0])
        except BadTarget as exc:
            raise Rejection(400, "bad_path", str(exc)) from exc
        upgrade = self.parser.should_upgrade() and b"websocket" in special.get(b"upgrade", b"").lower()
        expect = special.get(b"expect")
        if expect is not None and expect.lower() == b"100-continue" and body is not None:
            body.expects_continue = True  # sent when the request's turn comes (see _start)
        request = Request(
            method, path, query, version, self.proxy.host_name(host_raw), host_raw, lines,
            self._match, request_id_from(special.get(b"x-request-id")), special,
            self.parser.should_keep_alive() and not upgrade and not self.proxy.draining, body,
            monotonic(), upgrade, self._cookie,
        )
        if forward_path is not path:
            request.forward_path = forward_path
        return request

    def _absolute_form(self, target: bytes, host: bytes) -> tuple[bytes, bytes]:
        if target == b"*":
            raise Rejection(400, "asterisk_form", "asterisk-form request target is not served")
        try:
            authority, rest = parse_absolute_form(target)
        except BadTarget as exc:
            raise Rejection(400, "bad_target", str(exc)) from exc
        if not valid_host(authority):
            raise Rejection(400, "bad_host", "invalid authority in the request target")
        if host and authority.lower() != host.lower():
            raise Rejection(403, "foreign_host", "absolute-form target names another host")
        if not self.proxy.serves_host(authority):
            raise Rejection(403, "foreign_host", "absolute-form target names another host")
        return authority, rest

    # -- serving ---------------------------------------------------------------------------
    def _start(self, request: Request | Rejection) -> None:
        if isinstance(request, Rejection):
            self._reject(request)
            return
        self.busy = True
        self.current = request
        body = request.body
        if body is not None and body.expects_continue and not body.received:
            self.write(CONTINUE)  # after the previous response, never inside it
        self.proxy.serve(self, request)

    def finished(self, request: Request, keep_alive: bool) -> None:
        """The response to ``request`` has been written; serve the next one or close."""
        self.busy = False
        self.current = None
        self.on_write_pause = []
        body_read = request.body is None or request.body.complete
        alive = self.transport is not None and not self.transport.is_closing()
        if not (keep_alive and request.keep_alive and body_read and alive):
            self.close()
        elif self.queue:
            self.busy = True  # the next request starts on the next loop turn, not re-entrantly
            self.loop.call_soon(self._next)
        elif self.closing:
            self.close()
        elif self.proxy.draining:  # the response said keep-alive: the next request hears close
            self.deadline = monotonic() + self.proxy.drain_grace
        else:
            self.deadline = monotonic() + self.limits.keepalive_timeout

    def drain(self) -> None:
        """The proxy stops: answer what is in flight with ``Connection: close``; an idle
        connection gets ``drain_grace`` seconds for a request already on its way, then closes.
        Requests that arrive meanwhile are answered with ``Connection: close`` too."""
        current = self.current
        if self.tunnel is not None:
            return  # ended by the drain deadline
        if current is not None:
            exchange = self.forwarding.exchange if self.forwarding is not None else None
            if exchange is None or not exchange.started:  # its head will say close
                current.keep_alive = False
                if exchange is not None:
                    exchange.keep_client = False
        elif not self.busy and not self.queue and self._head_seen == 0:  # between requests
            self.deadline = min(self.deadline, monotonic() + self.proxy.drain_grace)

    def _next(self) -> None:
        self.busy = False
        if self.transport is None or self.transport.is_closing():
            return
        self._start(self.queue.popleft())
        if not self.queue:
            self.pause("pipeline", False)

    def _reject(self, rejection: Rejection) -> None:
        self.closing = True
        parsing, self._parsing = self._parsing, None
        if parsing is not None and parsing.body is not None and not parsing.body.complete:
            # the body broke mid-stream: its upstream request is aborted, never completed
            parsing.body.fail(rejection)
            self.proxy.rejected(self, rejection)
            if parsing is self.current:
                return  # its forwarding answers the client
            self.queue = deque(rejection if item is parsing else item for item in self.queue)
            return
        if self.busy:  # answer after the request in flight, then close
            self.queue.append(rejection)
            return
        self.proxy.rejected(self, rejection)
        request_id = self.proxy.request_id(None)
        self.write(error_response(rejection.status, str(rejection), request_id, close=True))
        self.close()

    def timed_out(self) -> None:
        """Called by the proxy's sweeper when ``deadline`` passed."""
        self.deadline = INFINITY
        if self.tunnel is not None:  # nothing moved either way: end the tunnel
            self.tunnel.close()
            self.close()
        elif self.busy:  # a slow body upload: the exchange is failed by the client going away
            self.proxy.rejected(self, Rejection(408, "slow_body", "request body timed out"))
            self.abort()
        elif self._count or self._url:
            self._reject(Rejection(408, "slow_headers", "request headers timed out"))
        else:
            self.close()

    def tunnel_active(self) -> None:
        """Bytes moved through the tunnel: it times out ``tunnel_idle_timeout`` from now."""
        self.deadline = monotonic() + self.limits.tunnel_idle_timeout

    def write(self, data: bytes) -> None:
        """Write to the client unless the connection is gone."""
        if self.transport is not None and not self.transport.is_closing():
            self.cork.write(self.transport, data)

    def close(self) -> None:
        """Close after pending writes are flushed."""
        self.closing = True
        self.deadline = INFINITY
        if self.transport is not None:
            self.cork.flush()  # bytes written before the close still leave
            self.transport.close()

    def abort(self) -> None:
        """Close at once (the response cannot be completed)."""
        self.closing = True
        self.deadline = INFINITY
        if self.transport is not None:
            self.transport.abort()
