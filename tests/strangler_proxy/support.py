"""Test support: real servers on 127.0.0.1 (aiohttp apps, raw sockets) and the proxy in-process.

No pytest-asyncio: :func:`run_async` runs one coroutine in a fresh event loop with a deadline, and
stops every :class:`App` and :class:`RawUpstream` the test left running (an assertion that failed
before its ``stop()``) before that loop closes; :func:`serving` runs apps for a block.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from aiohttp import web

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.process.event_loop import run_on

P = ParamSpec("P")
ADMIN_TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
T = TypeVar("T")
LEFTOVER_STOP_SECONDS = 10.0


class Stoppable(Protocol):
    """A test server: stopped at the end of its test if the test did not stop it."""

    async def stop(self) -> None:
        """Close the listener and its connections."""


RUNNING: dict[int, Stoppable] = {}  # the servers started and not yet stopped, by id


async def stop_leftovers() -> None:
    """Stop every server still in :data:`RUNNING` (bounded, so a stuck one cannot hang the run)."""
    while RUNNING:
        _, server = RUNNING.popitem()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.stop(), LEFTOVER_STOP_SECONDS)


def run_async(
    timeout: float = 30.0, loops: tuple[str, ...] = ("asyncio", "uvloop")
) -> Callable[[Callable[P, Coroutine[Any, Any, T]]], Callable[P, T]]:
    """Decorator: run an ``async def`` test under a deadline, once on each event loop of ``loops``
    (the proxy's ``--loop`` choices: uvloop is the default where installed, asyncio the fallback)."""

    def decorate(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            async def bounded(loop: str) -> T:
                each: dict[str, Any] = dict(kwargs)
                base = each.get("tmp_path")
                if isinstance(base, Path):  # a directory of its own per loop
                    each["tmp_path"] = base / loop
                    each["tmp_path"].mkdir()
                try:
                    return await asyncio.wait_for(fn(*args, **each), timeout)
                finally:
                    await stop_leftovers()

            results = []
            for loop in loops:
                try:
                    results.append(run_on(loop, bounded(loop)))
                except BaseException as exc:
                    exc.add_note(f"(on the {loop} event loop)")
                    raise
            return results[-1]

        return wrapper

    return decorate


class App:
    """A small aiohttp upstream that records what it received."""

    def __init__(self, name: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                 | None = None) -> None:
        self.name = name
        self.seen: list[web.Request] = []
        self.bodies: list[bytes] = []
        self.handler = handler
        self.port = 0
        self.runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(request)
        if self.handler is not None:
            return await self.handler(request)
        body = await request.read()
        self.bodies.append(body)
        return web.json_response({"upstream": self.name, "path": request.path, "size": len(body)})

    async def start(self, port: int = 0) -> App:
        """Listen on 127.0.0.1 (a free port unless given)."""
        app = web.Application(client_max_size=1 << 30)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        server = cast(asyncio.Server, site._server)  # uvloop's servers are not asyncio.Server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        RUNNING[id(self)] = self
        return self

    async def stop(self) -> None:
        """Stop serving (connections are closed)."""
        RUNNING.pop(id(self), None)
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def serving(*apps: App) -> AsyncIterator[tuple[App, ...]]:
    """The ``apps`` started for the block and stopped after it, whatever it raised."""
    try:
        yield tuple([await app.start() for app in apps])
    finally:
        for app in apps:
            await app.stop()


def routes_toml(upstreams: dict[str, int | str], body: str) -> str:
    """A routes file: ``[upstreams.NAME] url = ...`` for each, then ``body``."""
    lines = []
    for name, where in upstreams.items():
        url = f"http://127.0.0.1:{where}" if isinstance(where, int) else where
        lines.append(f'[upstreams.{name}]\nurl = "{url}"')
    return "\n".join(lines) + "\n" + textwrap.dedent(body)


@contextlib.asynccontextmanager
async def running_proxy(toml: str | ProxyConfig, access_log: str = "off") -> AsyncIterator[Proxy]:
    """The real proxy on free ports (listener and admin) for the block (a routes file's text, or
    a config already parsed)."""
    config = parse_routes(toml, "test.toml") if isinstance(toml, str) else toml
    proxy = Proxy(config, AccessLog(access_log), admin_tokens=(("test", ADMIN_TOKEN),))
    await proxy.start("127.0.0.1:0", "127.0.0.1:0")
    try:
        yield proxy
    finally:
        await proxy.stop()


async def raw_exchange(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, return everything the server sends until it closes (or the timeout)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        chunks = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while chunk := await reader.read(65536):
                    chunks.append(chunk)
        return b"".join(chunks)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def status_of(response: bytes) -> int:
    """The status code of a raw response."""
    return int(response.split(b" ", 2)[1])


class RawUpstream:
    """A raw TCP upstream whose behaviour per request is scripted: answer, close or hang."""

    def __init__(self, behaviour: Callable[[int, bytes], Awaitable[bytes | None]]) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0
        self.connections = 0  # accepted so far
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> RawUpstream:
        """Listen on a free port."""
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        RUNNING[id(self)] = self
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length) if length else b""
                self.requests.append(head + body)
                answer = await self.behaviour(len(self.requests), head + body)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def stop(self) -> None:
        """Close the listener and every connection."""
        RUNNING.pop(id(self), None)
        for writer in list(self._writers):
            writer.close()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def ok(body: bytes = b"ok") -> bytes:
    """A complete 200 response."""
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)


def write_file(tmp: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``tmp/name`` and return the path."""
    path = tmp / name
    path.write_text(text)
    return path
