"""The admin listener (loopback by default): ``GET /metrics``, ``/healthz``, ``/status``.

It is a deliberately small HTTP/1.1 server (one request per connection) kept off the data path.
Handlers are looked up in a table so the admin API of part 2 adds entries, not a new server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

MAX_HEAD = 16 * 1024


@dataclass(frozen=True)
class AdminResponse:
    """What a handler returns."""

    status: int
    body: bytes
    content_type: str = "application/json"


Handler = Callable[[str, bytes], Awaitable[AdminResponse]]


def json_response(status: int, data: object) -> AdminResponse:
    """A JSON admin response."""
    return AdminResponse(status, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n")


class AdminServer:
    """Serves ``handlers[(method, path)]``; everything else is 404 / 405."""

    def __init__(self, handlers: dict[tuple[str, str], Handler]) -> None:
        self.handlers = handlers
        self.server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen; returns the bound port (useful with port 0)."""
        self.server = await asyncio.start_server(self._handle, host, port)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                response = await self._respond(reader)
            head = (
                f"HTTP/1.1 {response.status} {'OK' if response.status < 400 else 'Error'}\r\n"
                f"Content-Type: {response.content_type}\r\n"
                f"Content-Length: {len(response.body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + response.body)
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _respond(self, reader: asyncio.StreamReader) -> AdminResponse:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            return json_response(431, {"error": "header section too large"})
        method, _, rest = head.split(b"\r\n", 1)[0].decode("latin-1").partition(" ")
        path = rest.split(" ", 1)[0].split("?", 1)[0]
        handler = self.handlers.get((method, path))
        if handler is None:
            known = any(p == path for _, p in self.handlers)
            return json_response(405 if known else 404, {"error": "not found", "path": path})
        return await handler(path, b"")
