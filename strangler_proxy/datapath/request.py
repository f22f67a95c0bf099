"""One parsed client request and its streaming body, as the client protocol hands them on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

BODY_HIGH_WATER = 256 * 1024


class Rejection(Exception):
    """The proxy refuses the request itself with ``status`` (400, 405, 413, 431, ...)."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class Body:
    """A request body streamed from the client: buffered until a sink attaches, then passed on.

    ``chunked`` bodies are re-framed as chunks for the upstream; Content-Length bodies are passed
    as they are. Buffering is bounded: above the high-water mark the client is paused (and a
    :meth:`read_all` waiting for a body of unknown size gives up, so the body is streamed).
    """

    def __init__(self, length: int, pause: Callable[[bool], None]) -> None:
        self.length = length  # -1 when chunked
        self.received = 0
        self.complete = False
        self._pause = pause
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._sink: Callable[[bytes], None] | None = None
        self._on_fail: Callable[[Rejection], None] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._high_water = BODY_HIGH_WATER
        self.failed: Rejection | None = None
        self.expects_continue = False  # the client waits for "100 Continue" before sending

    @property
    def chunked(self) -> bool:
        """Whether the client sent the body chunked."""
        return self.length < 0

    def frame(self, data: bytes) -> bytes:
        """``data`` framed for the upstream."""
        if self.length >= 0:
            return data
        return b"%x\r\n%b\r\n" % (len(data), data)

    def feed(self, data: bytes) -> None:
        """A piece of body from the client."""
        self.received += len(data)
        if self._sink is not None:
            self._sink(self.frame(data))
            return
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered > self._high_water:
            self._pause(True)
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_result(None)

    def finish(self) -> None:
        """The client's body is complete."""
        self.complete = True
        if self._sink is not None and self.length < 0:
            self._sink(b"0\r\n\r\n")
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def fail(self, rejection: Rejection) -> None:
        """The client's body is broken (bad chunk, too large, too slow): abort its request."""
        self.failed = rejection
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(rejection)
        on_fail, self._on_fail, self._sink = self._on_fail, None, None
        if on_fail is not None:
            on_fail(rejection)

    def attach(
        self, sink: Callable[[bytes], None], on_fail: Callable[[Rejection], None]
    ) -> None:
        """Send everything buffered to ``sink`` and stream the rest to it as it arrives."""
        if self.failed is not None:
            on_fail(self.failed)
            return
        self._on_fail = on_fail
        data = b"".join(self.frame(piece) for piece in self._buffer)
        self._buffer, self._buffered = [], 0
        self._sink = sink
        if self.complete and self.length < 0:
            data += b"0\r\n\r\n"
        if data:
            sink(data)
        self._pause(False)

    def detach(self) -> None:
        """Stop streaming (the exchange ended or failed)."""
        self._sink = None
        self._on_fail = None

    async def read_all(self, limit: int) -> bytes | None:
        """The whole body if it completes within ``limit`` bytes, kept for replay; else None (what
        was buffered stays, for :meth:`attach` to stream with the rest)."""
        if self.failed is not None:
            raise self.failed
        if not self.complete:
            if self._buffered > limit:
                return None
            if limit > self._high_water:  # buffer up to the limit, or the client never finishes
                self._high_water = limit
                self._pause(False)
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
            if not self.complete:
                return None
        data = b"".join(self._buffer)
        return data if len(data) <= limit else None


class Request:
    """What the proxy needs of one client request (parsed once, read by routing and forwarding).

    A plain class with slots rather than a dataclass: one is built per request on the hot path.
    """

    __slots__ = (
        "body", "cookie", "forward_path", "forwarded_for", "host", "host_raw", "keep_alive",
        "leftover", "lines",
        "match_headers", "method", "path", "query", "request_id", "started", "upgrade", "version",
        "via",
    )

    def __init__(
        self, method: str, path: bytes, query: bytes, version: str, host: str, host_raw: bytes,
        lines: list[bytes], match_headers: dict[str, str], request_id: bytes,
        special: dict[bytes, bytes], keep_alive: bool, body: Body | None, started: float,
        upgrade: bool, cookie: bytes | None,
    ) -> None:
        self.method = method
        self.path = path  # normalised: what routes match
        self.forward_path = path  # what the upstream receives (``%2F`` kept; see policy.paths)
        self.query = query
        self.version = version
        self.host = host
        self.host_raw = host_raw
        self.lines = lines
        self.match_headers = match_headers
        self.request_id = request_id
        self.forwarded_for = special.get(b"x-forwarded-for")
        self.via = special.get(b"via")
        self.keep_alive = keep_alive
        self.body = body
        self.started = started
        self.upgrade = upgrade
        self.cookie = cookie
        self.leftover: list[bytes] = []

    @property
    def target(self) -> bytes:
        """The normalised origin-form target sent upstream."""
        return self.forward_path + self.query
