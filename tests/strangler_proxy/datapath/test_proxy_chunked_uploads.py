"""Chunked uploads under the same limits as Content-Length ones (issue #19, item 4): buffered up
to the replay limit before an upstream connection is taken, streamed above it, timed out when idle,
and shadowed when buffered."""

from __future__ import annotations

import asyncio

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


def chunks(body: bytes, size: int) -> bytes:
    """``body`` as chunked framing, ``size`` bytes a chunk, with the last chunk."""
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%b\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


@run_async()
async def test_a_slow_small_chunked_upload_holds_no_upstream_connection_until_it_is_complete() -> None:
    upstream = await RawUpstream(lambda n, data: asyncio.sleep(0, ok())).start()
    async with running_proxy(routes_toml({"monolith": upstream.port}, DEFAULT)) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"POST /orders HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"5\r\n12345\r\n")
        await writer.drain()
        await asyncio.sleep(0.4)
        connected_while_uploading = upstream.connections
        writer.write(b"5\r\n67890\r\n0\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
    await upstream.stop()
    assert connected_while_uploading == 0
    assert head.startswith(b"HTTP/1.1 200")
    sent_head, _, sent_body = upstream.requests[0].partition(b"\r\n\r\n")
    assert sent_body == b"1234567890"  # buffered whole: sent with its length
    assert b"content-length: 10" in sent_head.lower()


@run_async()
async def test_an_idle_chunked_upload_times_out_and_the_upstream_gets_nothing() -> None:
    app = await App("monolith").start()
    toml = routes_toml({"monolith": app.port}, DEFAULT + """
[limits]
body_timeout = 0.5
""")
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            b"POST /orders HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n",
            timeout=5)
    await app.stop()
    assert app.bodies == []
    assert answer == b"" or status_of(answer) == 408


@run_async()
async def test_a_chunked_upload_above_the_replay_limit_is_streamed_whole() -> None:
    app = await App("monolith").start()
    toml = routes_toml({"monolith": app.port}, DEFAULT + """
[limits]
replay_body_bytes = 65536
body_timeout = 2.0
""")
    body = bytes(range(256)) * (3 * 1024)  # 768 KiB: past the limit and the pause mark
    framed = chunks(body, 16 * 1024)
    async with running_proxy(toml) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"POST /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + framed[:1024])
        await writer.drain()
        await asyncio.sleep(0.3)  # the proxy waits for more: the size is not known yet
        writer.write(framed[1024:])
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
    await app.stop()
    assert status_of(answer) == 200, answer[:200]
    assert app.bodies == [body]
    seen = app.seen[-1].headers
    assert seen["Transfer-Encoding"] == "chunked" and "Content-Length" not in seen


@run_async()
async def test_a_buffered_chunked_upload_is_shadowed_with_its_body() -> None:
    primary = await App("monolith").start()
    shadow = await App("shadow").start()
    toml = routes_toml({"monolith": primary.port, "shadow": shadow.port}, """
[[routes]]
name = "orders"
path_prefix = "/orders"
to = "monolith"
mirror = { upstream = "shadow", allow_unsafe = true }

[default]
to = "monolith"
""")
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            b"POST /orders HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunks(b'{"item": 42}', 4), timeout=10)
        for _ in range(250):
            if shadow.bodies:
                break
            await asyncio.sleep(0.02)
    await primary.stop()
    await shadow.stop()
    assert status_of(answer) == 200
    assert primary.bodies == [b'{"item": 42}']
    assert shadow.bodies == [b'{"item": 42}']
