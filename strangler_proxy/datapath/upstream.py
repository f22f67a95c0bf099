"""Upstream side of the data path: one asyncio Protocol per connection, a keep-alive pool each.

An :class:`UpstreamConnection` parses responses with httptools and hands them, piece by piece, to
the :class:`ResponseSink` of the request it is serving; it never buffers a whole body. Its read
timeout is an idle timeout re-armed lazily (one timer per exchange, not one per chunk).

A response to HEAD has no body whatever its headers say, which httptools cannot be told: the
response ends with its head, and the connection gets a fresh parser for the next response. Any
byte the old parser still sees after that head (a body sent to HEAD) makes the connection
unusable, so it is closed instead of reused, and nothing is read as the next response.
"""

from __future__ import annotations

import asyncio
from time import monotonic
from typing import Protocol, cast

import httptools

from strangler_proxy.config.model import Upstream
from strangler_proxy.datapath.cork import WriteCork
from strangler_proxy.policy.breaker import CircuitBreaker
from strangler_proxy.policy.headers import MANAGED_RESPONSE

NO_BODY_STATUSES = frozenset({204, 304})


class UpstreamFailure(Exception):
    """An attempt failed: ``kind`` is connect, timeout, reset or protocol."""

    def __init__(self, upstream: str, kind: str, detail: str = "") -> None:
        super().__init__(f"{upstream}: {kind}{': ' + detail if detail else ''}")
        self.upstream = upstream
        self.kind = kind


class ResponseSink(Protocol):
    """Receives one response from an :class:`UpstreamConnection`."""

    def response_head(
        self, status: int, reason: bytes, lines: list[bytes], length: int, no_body: bool
    ) -> bool:
        """Headers arrived (``length`` is -1 without Content-Length); False rejects them."""

    def response_body(self, data: bytes) -> None:
        """A piece of the decoded body."""

    def response_end(self, reusable: bool) -> None:
        """The response is complete; ``reusable`` says whether the connection may be pooled."""

    def response_failed(self, failure: UpstreamFailure) -> None:
        """The connection failed before the response was complete."""

    def upgraded(self, leftover: bytes) -> None:
        """The upstream switched protocols (101); raw bytes follow."""

    def flush(self) -> None:
        """One upstream read has been parsed: write what it produced."""

    def pause_upload(self) -> None:
        """The upstream's write buffer is full: stop reading the client's body."""

    def resume_upload(self) -> None:
        """The upstream's write buffer drained."""


class UpstreamConnection(asyncio.Protocol):
    """One keep-alive connection to an upstream, serving one request at a time."""

    def __init__(self, pool: UpstreamPool) -> None:
        self.pool = pool
        self.cork = pool.cork
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.sink: ResponseSink | None = None
        self.usable = True
        self.released_at = 0.0
        self.raw: asyncio.Protocol | None = None
        self._reset_message()
        self.activity = 0.0
        self.timeout = 0.0

    def _reset_message(self) -> None:
        self._lines: list[bytes] = []
        self._reason = b""
        self._length = -1
        self._chunked = False
        self._head_done = False
        self._head_request = False
        self._stale: httptools.HttpResponseParser | None = None  # the parser a HEAD retired

    # -- driving an exchange ---------------------------------------------------------------
    def send(self, data: bytes, sink: ResponseSink, *, head_request: bool, timeout: float) -> None:
        """Start an exchange: write the request head (and any buffered body)."""
        assert self.transport is not None
        self.sink = sink
        self._reset_message()
        self._head_request = head_request
        self.timeout = timeout
        self.activity = monotonic()
        active = self.pool.active
        active.add(self)
        if len(active) > self.pool.peak:
            self.pool.peak = len(active)
        self.cork.write(self.transport, data)

    def write(self, data: bytes) -> None:
        """Stream more request body (already framed) to the upstream."""
        if self.transport is not None and not self.transport.is_closing():
            self.activity = monotonic()
            self.cork.write(self.transport, data)

    def timed_out(self) -> None:
        """Called by the proxy's sweeper when no byte moved for ``timeout`` seconds."""
        self._fail(UpstreamFailure(self.pool.upstream.name, "timeout", "read timed out"))

    def _finish(self) -> ResponseSink | None:
        sink, self.sink = self.sink, None
        self.pool.active.discard(self)
        return sink

    def _fail(self, failure: UpstreamFailure) -> None:
        self.close()
        sink = self._finish()
        if sink is not None:
            sink.response_failed(failure)

    def close(self) -> None:
        """Close the connection; it is never reused afterwards."""
        self.usable = False
        if self.transport is not None:
            self.cork.flush()  # bytes written before the close still leave
            self.transport.close()

    # -- asyncio.Protocol ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport."""
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        """Feed the parser (or pass raw bytes on once the connection is upgraded)."""
        if self.raw is not None:
            self.raw.data_received(data)
            return
        sink = self.sink
        if sink is None:  # bytes nobody asked for: this connection cannot be trusted
            self.close()
            return
        self.activity = monotonic()
        parser = self.parser
        try:
            parser.feed_data(data)
        except httptools.HttpParserUpgrade as exc:
            self._upgrade(data[exc.args[0]:])
        except httptools.HttpParserError as exc:
            if parser is self._stale:  # bytes after a HEAD response: never reuse
                self.close()
            else:
                self._fail(UpstreamFailure(self.pool.upstream.name, "protocol", str(exc)))
        if self.sink is sink:  # a finished exchange has flushed already
            sink.flush()

    def eof_received(self) -> bool | None:
        """The upstream closed its side: a close-delimited body ends here."""
        if self.sink is not None and self._head_done and self._length < 0 and not self._chunked:
            self.usable = False
            sink = self._finish()
            if sink is not None:
                sink.response_end(False)
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """Fail the running exchange, if any."""
        self.usable = False
        if self.raw is not None:
            self.raw.connection_lost(exc)
            return
        if self.sink is not None:
            self.eof_received()
        if self.sink is not None:
            detail = str(exc) if exc else "connection closed before the response ended"
            self._fail(UpstreamFailure(self.pool.upstream.name, "reset", detail))

    def pause_writing(self) -> None:
        """Backpressure from the upstream: pause the client's upload."""
        if self.sink is not None:
            self.sink.pause_upload()

    def resume_writing(self) -> None:
        """The upstream accepts more of the upload."""
        if self.sink is not None:
            self.sink.resume_upload()

    # -- httptools callbacks ---------------------------------------------------------------
    def on_status(self, reason: bytes) -> None:
        """Status line reason phrase."""
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        """Keep end-to-end headers; note framing."""
        lower = name.lower()
        if lower in MANAGED_RESPONSE:
            if lower == b"content-length":
                self._length = int(value)
            elif lower == b"transfer-encoding":  # chunked only when it is the final coding
                self._chunked = value.rsplit(b",", 1)[-1].strip().lower() == b"chunked"
            return
        self._lines.append(name + b": " + value + b"\r\n")

    def on_headers_complete(self) -> None:
        """Offer the head to the sink; HEAD responses end here."""
        status = self.parser.get_status_code()
        if status < 200 and status != 101:
            return
        self._head_done = True
        sink = self.sink
        if sink is None:
            return
        no_body = status in NO_BODY_STATUSES or self._head_request
        if no_body:
            self._chunked = True  # a body-less response is never close-delimited
        if not sink.response_head(status, self._reason, self._lines, self._length, no_body):
            self.close()
            self._finish()
        elif self._head_request:
            self._end_head_response()

    def _end_head_response(self) -> None:
        """The response to HEAD ends with its head; the next one gets a fresh parser."""
        self._stale = self.parser
        self.parser = httptools.HttpResponseParser(self)
        reusable = self.usable and self._stale.should_keep_alive()
        sink = self._finish()
        if sink is not None:
            sink.response_end(reusable)

    def on_body(self, body: bytes) -> None:
        """Pass a body piece on; one after a HEAD response (nobody's) closes the connection."""
        if self.sink is not None:
            self.sink.response_body(body)
        elif self._stale is not None:
            self.close()

    def on_message_begin(self) -> None:
        """A response starts; on the parser a HEAD retired, one nobody asked for: close."""
        if self.sink is None and self._stale is not None:
            self.close()

    def on_message_complete(self) -> None:
        """End of one response."""
        if self._stale is not None and self.sink is None:
            return  # the retired parser ending the HEAD response it thought had a body
        if not self._head_done:  # an informational (1xx) response: wait for the real one
            self._reset_message()
            return
        if self.parser.get_status_code() == 101:  # the upgrade error follows: see _upgrade
            return
        reusable = self.usable and self.parser.should_keep_alive()
        sink = self._finish()
        if sink is not None:
            sink.response_end(reusable)

    def _upgrade(self, leftover: bytes) -> None:
        sink = self._finish()
        if sink is not None and self.parser.get_status_code() == 101:
            self.usable = False
            sink.upgraded(leftover)
        else:
            self._fail(UpstreamFailure(self.pool.upstream.name, "protocol", "unexpected upgrade"))


class UpstreamPool:
    """Idle keep-alive connections, the breaker and the health flag of one upstream (``cork``:
    the proxy's write batching, which its connections write through)."""

    def __init__(self, upstream: Upstream, cork: WriteCork) -> None:
        self.upstream = upstream
        self.cork = cork
        self.breaker = CircuitBreaker(upstream.breaker)
        self.healthy = True
        self.idle: list[UpstreamConnection] = []
        self.active: set[UpstreamConnection] = set()
        self.peak = 0  # most connections busy at once since the last sweep

    def available(self) -> bool:
        """Whether a request may be sent (healthy, and the breaker lets it through)."""
        return self.healthy and self.breaker.allow()

    def take_idle(self) -> UpstreamConnection | None:
        """An idle live connection, if there is one."""
        idle = self.idle
        if idle:
            deadline = monotonic() - self.upstream.idle_timeout
            while idle:
                conn = idle.pop()
                if conn.usable and conn.released_at > deadline:
                    return conn
                conn.close()
        return None

    async def acquire(self) -> UpstreamConnection:
        """An idle live connection, or a new one (connect timeout applies)."""
        return self.take_idle() or await self.connect()

    async def connect(self) -> UpstreamConnection:
        """A new connection, never pooled before."""
        loop = asyncio.get_running_loop()
        upstream = self.upstream
        try:
            async with asyncio.timeout(upstream.connect_timeout):
                _, conn = await loop.create_connection(
                    lambda: UpstreamConnection(self), upstream.host, upstream.port
                )
        except TimeoutError as exc:
            raise UpstreamFailure(upstream.name, "connect", "connect timed out") from exc
        except OSError as exc:
            raise UpstreamFailure(upstream.name, "connect", exc.strerror or str(exc)) from exc
        return conn

    def release(self, conn: UpstreamConnection, reusable: bool) -> None:
        """Return a connection after its exchange; keep it when it may be reused.

        Up to ``max_idle`` are kept, or as many as were busy at once lately (``peak``) when
        more were: with more requests in flight than ``max_idle``, closing at release makes the
        next burst connect anew (at 400 client connections that churn halved requests/s);
        :meth:`sweep` trims the surplus once the load is gone."""
        if reusable and conn.usable and len(self.idle) < max(self.upstream.max_idle, self.peak):
            conn.released_at = monotonic()
            self.idle.append(conn)
        else:
            conn.close()

    def expire(self, now: float) -> None:
        """Fail exchanges on which nothing moved for the read timeout."""
        for conn in [c for c in self.active if now - c.activity > c.timeout]:
            conn.timed_out()

    def sweep(self, now: float) -> None:
        """Close idle connections older than the idle timeout, and the surplus over
        ``max_idle`` (or the busy count) once the load that opened them is gone."""
        keep = [c for c in self.idle if c.usable and now - c.released_at < self.upstream.idle_timeout]
        limit = max(self.upstream.max_idle, self.peak)
        if len(keep) > limit:
            keep = keep[len(keep) - limit:]  # the most recently used
        self.peak = len(self.active)  # the next second's demand decides the next trim
        kept = set(keep)
        for conn in self.idle:
            if conn not in kept:
                conn.close()
        self.idle = keep

    def close(self) -> None:
        """Close every idle and busy connection (at shutdown)."""
        for conn in [*self.idle, *self.active]:
            conn.close()
        self.idle = []
