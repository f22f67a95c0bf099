"""One attempt of one request against one upstream connection: relay the response to the client.

The :class:`Exchange` is the upstream connection's sink. It writes the response head and body to
the client as they arrive (re-framed: Content-Length kept, otherwise chunked; the pieces of one
upstream read leave in one write), keeps a bounded copy of the body when a shadow comparison needs
it, and reports its outcome exactly once: to a callback (the synchronous fast path) or to
:meth:`Exchange.wait`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from strangler_proxy.datapath.upstream import UpstreamConnection, UpstreamFailure
from strangler_proxy.policy.headers import VIA

if TYPE_CHECKING:
    from strangler_proxy.datapath.ports import ClientSide
    from strangler_proxy.datapath.request import Request

DONE, REJECTED, UPGRADED, CLIENT_GONE = "done", "rejected", "upgraded", "client_gone"
Outcome = str | UpstreamFailure
_VIA_ID = b"Via: " + VIA + b"\r\nX-Request-ID: "


class Exchange:
    """Relays one upstream response to the client (implements ``ResponseSink``)."""

    __slots__ = ("_capture_left", "_chunked", "_future", "_on_done", "_outcome", "_pending",
                 "bytes_out", "captured", "client", "conn", "keep_client", "leftover", "reject",
                 "rejection", "request", "response_lines", "reusable", "started", "status")

    def __init__(
        self,
        client: ClientSide,
        request: Request,
        conn: UpstreamConnection,
        reject: frozenset[int],
        capture: int,
        on_done: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.client = client
        self.request = request
        self.conn = conn
        self.reject = reject
        self._on_done = on_done
        self._outcome: Outcome | None = None
        self._future: asyncio.Future[Outcome] | None = None
        self._pending: list[bytes] = []
        self.status = 0
        self.bytes_out = 0
        self.started = False
        self.reusable = False
        self.keep_client = request.keep_alive
        self.response_lines: list[bytes] = []
        self.captured: list[bytes] | None = [] if capture > 0 else None
        self._capture_left = capture
        self._chunked = False
        self.leftover = b""
        self.rejection: Exception | None = None

    def _resolve(self, outcome: Outcome) -> None:
        if self._outcome is not None:
            return
        self._outcome = outcome
        if self._on_done is not None:
            self._on_done(outcome)
        elif self._future is not None and not self._future.done():
            self._future.set_result(outcome)

    async def wait(self) -> Outcome:
        """The outcome, once there is one."""
        if self._outcome is None:
            self._future = self.client.loop.create_future()
            return await self._future
        return self._outcome

    def flush(self) -> None:
        """Write what the last upstream read produced, in one write."""
        pending = self._pending
        if pending:
            self._pending = []
            self.client.write(pending[0] if len(pending) == 1 else b"".join(pending))

    # -- ResponseSink ----------------------------------------------------------------------
    def response_head(
        self, status: int, reason: bytes, lines: list[bytes], length: int, no_body: bool
    ) -> bool:
        """Write the head to the client, or reject a status that should fall back."""
        self.status = status
        if status in self.reject:
            self._resolve(REJECTED)
            return False
        self.started = True
        self.response_lines = lines
        request = self.request
        if length >= 0 and self.keep_client and request.version == "1.1":  # the common shape
            head = b"".join((
                b"HTTP/1.1 %d %b\r\n" % (status, reason), *lines,
                b"Content-Length: %d\r\n" % length, _VIA_ID, request.request_id, b"\r\n\r\n"))
        else:
            head = self._head(status, reason, lines, length, no_body)
        self._pending.append(head)
        if self.conn.transport is not None:
            self.client.on_write_pause = [self.conn.transport]
        return True

    def _head(
        self, status: int, reason: bytes, lines: list[bytes], length: int, no_body: bool
    ) -> bytes:
        """The response head in its other shapes (chunked, HTTP/1.0, closing, upgrade)."""
        request = self.request
        parts = [b"HTTP/1.1 %d %b\r\n" % (status, reason), *lines]
        if length >= 0:
            parts.append(b"Content-Length: %d\r\n" % length)
        elif status == 101:
            parts.append(b"Connection: Upgrade\r\nUpgrade: websocket\r\n")
        elif not no_body:
            if request.version == "1.1":
                self._chunked = True
                parts.append(b"Transfer-Encoding: chunked\r\n")
            else:
                self.keep_client = False
        if status != 101:
            if not self.keep_client:
                parts.append(b"Connection: close\r\n")
            elif request.version == "1.0":
                parts.append(b"Connection: keep-alive\r\n")
        parts.append(_VIA_ID + request.request_id + b"\r\n\r\n")
        return b"".join(parts)

    def response_body(self, data: bytes) -> None:
        """Relay a body piece (chunk-framed when needed) and keep a bounded copy."""
        self.bytes_out += len(data)
        if self._chunked:
            self._pending.append(b"%x\r\n%b\r\n" % (len(data), data))
        else:
            self._pending.append(data)
        if self.captured is not None:
            if len(data) <= self._capture_left:
                self.captured.append(data)
                self._capture_left -= len(data)
            else:
                self.captured = None

    def response_end(self, reusable: bool) -> None:
        """Finish the response to the client."""
        if self._chunked:
            self._pending.append(b"0\r\n\r\n")
        self.flush()
        self.reusable = reusable
        self._resolve(DONE)

    def response_failed(self, failure: UpstreamFailure) -> None:
        """The upstream failed; the forwarder decides what the client gets."""
        self.flush()
        self._resolve(failure)

    def upgraded(self, leftover: bytes) -> None:
        """The upstream accepted a protocol switch; the forwarder builds the tunnel."""
        self.leftover = leftover
        self.flush()
        self._resolve(UPGRADED)

    def pause_upload(self) -> None:
        """Stop reading the client's body until the upstream catches up."""
        self.client.pause("upstream", True)

    def resume_upload(self) -> None:
        """Read the client's body again."""
        self.client.pause("upstream", False)

    def body_failed(self, rejection: Exception) -> None:
        """The client's body broke mid-stream: abort the upstream request, never complete it."""
        self.conn.close()
        self.rejection = rejection
        self._resolve(UpstreamFailure(self.conn.pool.upstream.name, "client_body", str(rejection)))

    def client_gone(self) -> None:
        """The client disconnected: the upstream connection cannot be reused."""
        self.conn.close()
        self._resolve(CLIENT_GONE)


def request_head(
    request: Request, host: bytes, client_ip: str, *, upgrade: bool, proto: bytes = b"http"
) -> list[bytes]:
    """The request head sent upstream (framing headers are appended by the caller); ``proto`` is
    the client listener's scheme for X-Forwarded-Proto."""
    forwarded = (
        request.forwarded_for + b", " + client_ip.encode()
        if request.forwarded_for
        else client_ip.encode()
    )
    parts = [
        request.method.encode() + b" " + request.forward_path + request.query + b" HTTP/1.1\r\nHost: "
        + host + b"\r\n",
        *request.lines,
        b"X-Request-ID: " + request.request_id + b"\r\nX-Forwarded-For: " + forwarded
        + b"\r\nX-Forwarded-Proto: " + proto + b"\r\nX-Forwarded-Host: " + request.host_raw
        + b"\r\nVia: " + (request.via + b", " + VIA if request.via else VIA) + b"\r\n",
    ]
    if upgrade:
        parts.append(b"Connection: Upgrade\r\nUpgrade: websocket\r\n")
    return parts


def framing_lines(request: Request, replay: bytes | None) -> bytes:
    """Content-Length or chunked framing for the body the upstream will receive."""
    body = request.body
    if replay is not None:
        return b"Content-Length: %d\r\n\r\n" % len(replay) if body is not None else b"\r\n"
    if body is None:
        return b"\r\n"
    if body.chunked:
        return b"Transfer-Encoding: chunked\r\n\r\n"
    return b"Content-Length: %d\r\n\r\n" % body.length
