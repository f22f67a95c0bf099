"""Pool hygiene: an upstream connection goes back to the pool only fully read, reading and clean.

The fault it guards against (issue #19, item 1): a slow client made the proxy pause reading from
the upstream; the connection went back to the pool still paused, and the next request on it, from
any user, hung until ``read_timeout`` (and counted as a breaker failure).
"""

from __future__ import annotations

import asyncio
import socket
import time

from aiohttp import web

from strangler_proxy.datapath.proxy import Proxy
from tests.strangler_proxy.support import App, RawUpstream, ok, routes_toml, run_async, running_proxy

BIG = 4 << 20


async def download(request: web.Request) -> web.StreamResponse:
    if request.path == "/download":
        return web.Response(body=b"x" * BIG)
    return web.json_response({"path": request.path, "method": request.method})


async def slow_read(proxy: Proxy, path: bytes, total: int) -> int:
    """GET ``path`` with small socket buffers on both sides (a distant client: on loopback the
    kernel would otherwise buffer the whole body), reading slowly; returns the bytes read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, ("127.0.0.1", proxy.listen_port))
    while not proxy.clients:
        await asyncio.sleep(0.01)
    for client in proxy.clients:
        assert client.transport is not None
        client.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
    await loop.sock_sendall(sock, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    received, head = 0, b""
    with sock:
        while b"\r\n\r\n" not in head or received < total + head.index(b"\r\n\r\n") + 4:
            chunk = await loop.sock_recv(sock, 64 * 1024)
            if not chunk:
                break
            if len(head) < 4096:
                head += chunk[:4096]
            received += len(chunk)
            await asyncio.sleep(0.003)
    return received


async def timed_request(port: int, request: bytes) -> tuple[bytes, float]:
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    return head, time.monotonic() - started


@run_async(90)
async def test_slow_reader_never_leaves_a_paused_connection_in_the_pool() -> None:
    upstream = await App("monolith", download).start()
    body = f"""
    [upstreams.monolith]
    url = "{upstream.url}"
    read_timeout = 3
    [default]
    to = "monolith"
    """
    try:
        async with running_proxy(routes_toml({}, body)) as proxy:
            pool = proxy.pools["monolith"]
            received = await slow_read(proxy, b"/download", BIG)
            assert received > BIG
            await asyncio.sleep(0.05)
            paused = [c for c in pool.idle if c.transport is None or not c.transport.is_reading()]
            checkout = b"POST /checkout HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
            head, elapsed = await timed_request(proxy.listen_port, checkout)
            assert head.startswith(b"HTTP/1.1 200"), head
            assert elapsed < 1.5, f"the next request waited {elapsed:.1f}s on a paused connection"
            assert not paused, "a paused connection was pooled"
            assert [r.method for r in upstream.seen] == ["GET", "POST"]
            assert pool.breaker.state == "closed"
            assert ("monolith", "timeout") not in proxy.metrics.upstream_errors.values
    finally:
        await upstream.stop()


@run_async(30)
async def test_bytes_after_the_response_mean_the_connection_is_not_pooled() -> None:
    async def two_answers(n: int, data: bytes) -> bytes | None:
        return ok(b"first") + ok(b"unasked") if n == 1 else ok(b"second")

    upstream = await RawUpstream(two_answers).start()
    body = f"""
    [upstreams.monolith]
    url = "http://127.0.0.1:{upstream.port}"
    [default]
    to = "monolith"
    """
    try:
        async with running_proxy(routes_toml({}, body)) as proxy:
            request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
            answers = []
            for _ in range(2):
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                answers.append(await reader.readexactly(length))
            writer.close()
            assert answers == [b"first", b"second"]  # never the unasked answer
    finally:
        await upstream.stop()
