"""Limits that hold before the work is done (issue #19, item 4): the request head is counted as
it arrives, bodies are buffered or streamed by size, shadow copies are bounded in bytes, idle
uploads and tunnels time out, and a connection cap answers 503."""

from __future__ import annotations

import asyncio
import contextlib
import time

from tests.strangler_proxy.support import (
    App,
    RawUpstream,
    ok,
    raw_exchange,
    routes_toml,
    run_async,
    running_proxy,
    status_of,
)

DEFAULT = """
[default]
to = "monolith"
"""


async def _trickle_head(port: int, piece: bytes, pieces: int) -> tuple[bytes, int]:
    """Send a head that never ends, ``piece`` by ``piece``; return the answer and bytes sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    answer = b""
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: ")
        for _ in range(pieces):
            with contextlib.suppress(TimeoutError):
                answer = await asyncio.wait_for(reader.read(65536), 0.005)
            if answer:
                break
            writer.write(piece)
            sent += len(piece)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(TimeoutError, ConnectionError):
            answer += await asyncio.wait_for(reader.read(65536), 1.0)
        writer.close()
    return answer, sent


@run_async()
async def test_an_unterminated_header_line_is_refused_at_the_byte_limit() -> None:
    upstream = await RawUpstream(lambda n, data: asyncio.sleep(0, ok())).start()
    toml = routes_toml({"monolith": upstream.port}, DEFAULT + """
[limits]
max_header_bytes = 4096
max_request_line = 1024
""")
    async with running_proxy(toml) as proxy:
        answer, sent = await _trickle_head(proxy.listen_port, b"a" * 512, 256)
    await upstream.stop()
    assert answer.startswith(b"HTTP/1.1 431"), (answer[:80], sent)
    assert sent <= 4096 + 1024 + 2 * 512  # refused at the limit, not when the line ends
    assert upstream.requests == []


@run_async()
async def test_a_body_above_the_pause_mark_but_within_the_replay_limit_is_forwarded() -> None:
    app = await App("monolith").start()
    toml = routes_toml({"monolith": app.port}, DEFAULT + """
[limits]
replay_body_bytes = 1048576
body_timeout = 2.0
""")
    body = b"x" * (600 * 1024)
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            b"PUT /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%b"
            % (len(body), body), timeout=10)
    await app.stop()
    assert status_of(answer) == 200, answer[:200]
    assert app.bodies == [body]


@run_async()
async def test_a_slow_small_upload_holds_no_upstream_connection_until_it_is_complete() -> None:
    upstream = await RawUpstream(lambda n, data: asyncio.sleep(0, ok())).start()
    toml = routes_toml({"monolith": upstream.port}, DEFAULT)
    async with running_proxy(toml) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"POST /orders HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345")
        await writer.drain()
        await asyncio.sleep(0.4)
        connected_while_uploading = upstream.connections
        writer.write(b"67890")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
    await upstream.stop()
    assert connected_while_uploading == 0
    assert head.startswith(b"HTTP/1.1 200")
    assert upstream.requests[0].endswith(b"\r\n\r\n1234567890")


@run_async()
async def test_an_idle_upload_times_out_with_408_or_a_close() -> None:
    app = await App("monolith").start()
    toml = routes_toml({"monolith": app.port}, DEFAULT + """
[limits]
body_timeout = 0.5
""")
    async with running_proxy(toml) as proxy:
        began = time.monotonic()
        answer = await raw_exchange(
            proxy.listen_port,
            b"POST /orders HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345", timeout=5)
        took = time.monotonic() - began
    await app.stop()
    assert took < 2.5
    assert app.bodies == []  # the upstream never got a half body as a whole one
    assert answer == b"" or status_of(answer) == 408


@run_async()
async def test_shadow_copies_are_bounded_in_bytes_and_dropped_copies_are_counted() -> None:
    primary = await RawUpstream(lambda n, data: asyncio.sleep(0, ok(b"p" * 256 * 1024))).start()
    hung = await RawUpstream(lambda n, data: asyncio.sleep(30, ok())).start()
    toml = routes_toml({"monolith": primary.port, "mirror": hung.port}, """
[listen]
shadow_queue = 1000
shadow_workers = 1
shadow_queue_bytes = 1048576

[[routes]]
name = "mirrored"
path_prefix = "/"
to = "monolith"
mirror = { upstream = "mirror", max_body_bytes = 1048576 }

[default]
to = "monolith"
""")
    async with running_proxy(toml) as proxy:
        for _ in range(12):
            answer = await raw_exchange(
                proxy.listen_port, b"GET /page HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            assert status_of(answer) == 200
        queued = proxy.shadow.queued_bytes
        text = proxy.metrics.render()
    await primary.stop()
    await hung.stop()
    assert queued <= 1048576
    dropped = [line for line in text.splitlines()
               if line.startswith("proxy_shadow_comparisons_total") and 'result="dropped"' in line]
    assert dropped and float(dropped[0].rsplit(" ", 1)[1]) >= 6, dropped


@run_async()
async def test_an_idle_websocket_tunnel_is_closed_after_the_tunnel_idle_timeout() -> None:
    async def upgrade(n: int, data: bytes) -> bytes:
        return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\n\r\n")

    upstream = await RawUpstream(upgrade).start()
    toml = routes_toml({"monolith": upstream.port}, DEFAULT + """
[limits]
tunnel_idle_timeout = 0.5
""")
    async with running_proxy(toml) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        began = time.monotonic()
        rest = await asyncio.wait_for(reader.read(), 5)  # EOF once the tunnel is closed
        idle = time.monotonic() - began
        writer.close()
    await upstream.stop()
    assert head.startswith(b"HTTP/1.1 101")
    assert rest == b""
    assert 0.3 < idle < 2.0


@run_async()
async def test_clients_above_the_connection_cap_get_503_not_a_reset() -> None:
    upstream = await RawUpstream(lambda n, data: asyncio.sleep(0, ok())).start()
    toml = routes_toml({"monolith": upstream.port}, DEFAULT + """
[limits]
max_connections = 2
""")
    async with running_proxy(toml) as proxy:
        held = [await asyncio.open_connection("127.0.0.1", proxy.listen_port) for _ in range(2)]
        await asyncio.sleep(0.05)
        answer = await raw_exchange(proxy.listen_port, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        for _, writer in held:
            writer.close()
        await asyncio.sleep(0.1)
        again = await raw_exchange(
            proxy.listen_port, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    await upstream.stop()
    assert status_of(answer) == 503, answer[:100]
    assert b"Connection: close" in answer
    assert status_of(again) == 200


@run_async()
async def test_bursts_above_max_idle_reuse_their_upstream_connections() -> None:
    async def slowish(n: int, data: bytes) -> bytes:
        await asyncio.sleep(0.05)
        return ok()

    upstream = await RawUpstream(slowish).start()
    toml = f"""
[upstreams.monolith]
url = "http://127.0.0.1:{upstream.port}"
max_idle = 2
""" + DEFAULT
    async with running_proxy(toml) as proxy:
        request = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        for _ in range(3):  # three bursts of 40 concurrent requests
            answers = await asyncio.gather(
                *(raw_exchange(proxy.listen_port, request) for _ in range(40)))
            assert all(status_of(answer) == 200 for answer in answers)
    await upstream.stop()
    assert upstream.connections <= 50  # the first burst's connections served the others
