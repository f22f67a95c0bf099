"""The admin listener (loopback by default): metrics, health, status and the admin API.

It is a deliberately small HTTP/1.1 server (one request per connection) kept off the data path.
Handlers are looked up in a table keyed by ``(method, path)``; a path ending in ``/*`` matches
every path below it (``/api/routes/*``). Only :data:`PUBLIC` paths (``/healthz``, ``/metrics``)
answer without a bearer token; every other path needs one (401 otherwise), so no handler can
forget to check.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote

from strangler_proxy.admin.auth import identify
from strangler_proxy.config.admin_tokens import Tokens

MAX_HEAD = 16 * 1024
MAX_BODY = 64 * 1024
PUBLIC = frozenset({("GET", "/healthz"), ("GET", "/metrics")})
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
            422: "Unprocessable Content", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass(frozen=True)
class AdminRequest:
    """One admin request: ``who`` is the token's identity (None on public paths)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    peer: str
    who: str | None = None


@dataclass(frozen=True)
class AdminResponse:
    """What a handler returns."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[AdminRequest], Awaitable[AdminResponse]]


def json_response(status: int, data: object) -> AdminResponse:
    """A JSON admin response."""
    return AdminResponse(status, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n")


def error_response(status: int, message: str) -> AdminResponse:
    """A JSON error: ``{"error": message, "status": status}``."""
    return json_response(status, {"error": message, "status": status})


def find_handler(
    handlers: dict[tuple[str, str], Handler], method: str, path: str
) -> Handler | int:
    """The handler for ``method path``, or the status to answer (404 / 405)."""
    keys = [(m, p) for m, p in handlers if p == path or (p.endswith("/*") and
                                                        path.startswith(p[:-1]) and path != p[:-1])]
    for key in keys:
        if key[0] == method:
            return handlers[key]
    return 405 if keys else 404


class AdminServer:
    """Serves ``handlers``; ``tokens`` guard every path but :data:`PUBLIC`."""

    def __init__(self, handlers: dict[tuple[str, str], Handler], tokens: Tokens = ()) -> None:
        self.handlers = handlers
        self.tokens = tokens
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
                peer = writer.get_extra_info("peername")
                response = await self._respond(reader, peer[0] if peer else "-")
            head = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Error')}",
                    f"Content-Type: {response.content_type}",
                    f"Content-Length: {len(response.body)}", "Connection: close",
                    *(f"{name}: {value}" for name, value in response.headers)]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + response.body)
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _respond(self, reader: asyncio.StreamReader, peer: str) -> AdminResponse:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            return error_response(431, "header section too large")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, _, rest = request_line.partition(" ")
        path = unquote(rest.split(" ", 1)[0].split("?", 1)[0])
        headers = {}
        for line in lines:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        handler = find_handler(self.handlers, method, path)
        if isinstance(handler, int):
            return error_response(handler, f"no {method} {path}")
        who = None
        if (method, path) not in PUBLIC:
            who = identify(self.tokens, headers.get("authorization"))
            if who is None:
                return self._unauthorized()
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return error_response(413, f"body larger than {MAX_BODY} bytes")
        body = await reader.readexactly(int(length)) if int(length) else b""
        return await handler(AdminRequest(method, path, headers, body, peer, who))

    def _unauthorized(self) -> AdminResponse:
        message = ("missing or wrong bearer token" if self.tokens
                   else "the admin API is disabled: no admin token is configured")
        response = error_response(401, message)
        return AdminResponse(response.status, response.body,
                             headers=(("WWW-Authenticate", 'Bearer realm="demonolith"'),))
