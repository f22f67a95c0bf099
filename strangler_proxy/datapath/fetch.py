"""Buffered side requests (shadow copies, Diffy's second primary call, health checks).

They use the same upstream pools and connections as client traffic but collect the response in
memory (bounded) instead of relaying it.
"""

from __future__ import annotations

import asyncio

from strangler_proxy.datapath.upstream import UpstreamFailure, UpstreamPool
from strangler_proxy.policy.response_diff import ComparedResponse


class BufferSink:
    """A ``ResponseSink`` that keeps the response (status, headers, body up to ``limit``)."""

    def __init__(self, limit: int) -> None:
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.status = 0
        self.lines: list[bytes] = []
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.failure: UpstreamFailure | None = None

    def response_head(
        self, status: int, reason: bytes, lines: list[bytes], length: int, no_body: bool
    ) -> bool:
        """Keep the head."""
        self.status, self.lines = status, list(lines)
        return True

    def response_body(self, data: bytes) -> None:
        """Keep the body up to the limit."""
        self.size += len(data)
        if self.size <= self.limit:
            self.parts.append(data)

    def response_end(self, reusable: bool) -> None:
        """Done; ``reusable`` is reported through the future."""
        if not self.done.done():
            self.done.set_result(reusable)

    def response_failed(self, failure: UpstreamFailure) -> None:
        """Failed."""
        self.failure = failure
        if not self.done.done():
            self.done.set_result(False)

    def upgraded(self, leftover: bytes) -> None:
        """Side requests never upgrade."""
        self.response_failed(UpstreamFailure("-", "protocol", "unexpected upgrade"))

    def flush(self) -> None:
        """Nothing to write: the response is kept."""

    def pause_upload(self) -> None:
        """Bodies of side requests are small and sent at once."""

    def resume_upload(self) -> None:
        """See :meth:`pause_upload`."""


def selected_headers(lines: list[bytes], names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The headers called ``names`` (lower-case) among raw header lines."""
    wanted = set(names)
    found = []
    for line in lines:
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() in wanted:
            found.append((name.strip().lower(), value.strip()))
    return tuple(sorted(found))


async def fetch(
    pool: UpstreamPool, message: bytes, *, head_request: bool, limit: int, names: tuple[str, ...]
) -> ComparedResponse:
    """Send a complete request ``message`` and return the buffered response.

    Raises UpstreamFailure on connect errors, timeouts and bodies over ``limit``.
    """
    conn = await pool.acquire()
    sink = BufferSink(limit)
    conn.send(message, sink, head_request=head_request, timeout=pool.upstream.read_timeout)
    reusable = await sink.done
    if sink.failure is not None:
        raise sink.failure
    pool.release(conn, reusable)
    if sink.size > limit:
        raise UpstreamFailure(pool.upstream.name, "too_large", "response over the compare limit")
    return ComparedResponse(sink.status, selected_headers(sink.lines, names), b"".join(sink.parts))
