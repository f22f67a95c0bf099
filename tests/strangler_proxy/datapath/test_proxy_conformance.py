"""HTTP/1.1 details the proxy must get right (issue #19, item 5): trailers, 100-continue order,
Host validation, encoded slashes, optional whitespace, close-delimited bodies, HEAD and its
upstream connection."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.strangler_proxy.support import (
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


def answer_ok(n: int, data: bytes) -> asyncio.Future[bytes]:
    future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    future.set_result(ok())
    return future


async def upstream_and_config(behaviour: object = answer_ok) -> tuple[RawUpstream, str]:
    upstream = await RawUpstream(behaviour).start()  # type: ignore[arg-type]
    return upstream, routes_toml({"monolith": upstream.port}, DEFAULT)


@pytest.mark.parametrize("method", ["POST", "PUT"])
@run_async()
async def test_request_trailers_never_reach_the_upstream_as_headers(method: str) -> None:
    upstream, toml = await upstream_and_config()
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            method.encode() + b" /orders HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
            b"Authorization: Bearer forged\r\nX-Trailer: 1\r\n\r\n")
    await upstream.stop()
    assert status_of(answer) == 200
    seen = b"".join(upstream.requests).lower()
    assert b"authorization" not in seen
    assert b"x-trailer" not in seen


@run_async()
async def test_a_pipelined_100_continue_comes_after_the_previous_response() -> None:
    big = b"B" * 300_000

    async def behaviour(n: int, data: bytes) -> bytes:
        if n == 1:
            await asyncio.sleep(0.2)
            return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(big), big)
        return ok(b"second")

    upstream = await RawUpstream(behaviour).start()
    toml = routes_toml({"monolith": upstream.port}, DEFAULT)
    async with running_proxy(toml) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"GET /big HTTP/1.1\r\nHost: a\r\n\r\n"
                     b"POST /p HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                     b"Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        await writer.drain()
        first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert first.startswith(b"HTTP/1.1 200"), first
        assert await asyncio.wait_for(reader.readexactly(len(big)), 5) == big
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        writer.write(b"hello")
        rest = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    await upstream.stop()
    assert rest.startswith(b"HTTP/1.1 200") and rest.endswith(b"second")


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET / HTTP/1.1\r\n", 400),                        # missing
        (b"GET / HTTP/1.1\r\nHost:\r\n", 400),               # empty
        (b"GET / HTTP/1.1\r\nHost: a b\r\n", 400),           # a space
        (b"GET / HTTP/1.1\r\nHost: a/b\r\n", 400),           # a slash
        (b"GET / HTTP/1.1\r\nHost: a@b\r\n", 400),           # userinfo
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n", 400),  # duplicate
        (b"GET / HTTP/1.1\r\nHost: shop.example.com:8080\r\n", 200),
        (b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n", 200),
        (b"GET / HTTP/1.0\r\n", 200),                        # HTTP/1.0 may omit it
    ],
)
@run_async()
async def test_host_is_validated(head: bytes, status: int) -> None:
    upstream, toml = await upstream_and_config()
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(proxy.listen_port, head + b"Connection: close\r\n\r\n")
    await upstream.stop()
    assert status_of(answer) == status, answer[:120]
    assert len(upstream.requests) == (1 if status == 200 else 0)


@run_async()
async def test_an_encoded_slash_stays_encoded_on_the_way_to_the_upstream() -> None:
    upstream, toml = await upstream_and_config()
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            b"GET /files/a%2fb%2Fc/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    await upstream.stop()
    assert status_of(answer) == 200
    assert upstream.requests[0].startswith(b"GET /files/a%2Fb%2Fc/x HTTP/1.1\r\n")


@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: 5 \r\n", b"Content-Length:\t5\t\r\n", b"Content-Length:  5\r\n"],
)
@run_async()
async def test_optional_whitespace_around_framing_values_is_accepted(framing: bytes) -> None:
    upstream, toml = await upstream_and_config()
    async with running_proxy(toml) as proxy:
        answer = await raw_exchange(
            proxy.listen_port,
            b"PUT /p HTTP/1.1\r\nHost: a\r\nConnection: close\r\n" + framing + b"\r\nhello")
    await upstream.stop()
    assert status_of(answer) == 200, answer[:120]
    assert upstream.requests[0].endswith(b"\r\n\r\nhello")


@pytest.mark.parametrize("coding", [b"Transfer-Encoding: identity\r\n", b""])
@run_async()
async def test_a_close_delimited_response_is_relayed_as_received(coding: bytes) -> None:
    body = b"0123456789" * 5000

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\n" + coding + b"Connection: close\r\n\r\n" + body[:20000])
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(body[20000:])
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    toml = routes_toml({"monolith": port}, DEFAULT)
    async with server, running_proxy(toml) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"GET /stream HTTP/1.0\r\nHost: a\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    head, _, received = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert received == body  # whole, not re-chunked for HTTP/1.0, not aborted


@run_async()
async def test_a_close_delimited_response_is_chunked_whole_for_an_http11_client() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nhello world")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, running_proxy(routes_toml({"monolith": port}, DEFAULT)) as proxy:
        answer = await raw_exchange(
            proxy.listen_port, b"GET /s HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    head, _, received = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"transfer-encoding: chunked" in head.lower()
    assert received == b"b\r\nhello world\r\n0\r\n\r\n"


async def _head_then_get(port: int) -> tuple[bytes, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        await asyncio.sleep(0.1)
        writer.write(b"GET /g HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        rest = await asyncio.wait_for(reader.read(), 5)
        return head, rest
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


@run_async()
async def test_head_keeps_the_upstream_connection() -> None:
    async def behaviour(n: int, data: bytes) -> bytes:
        if data.startswith(b"HEAD"):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
        return ok(b"got")

    upstream = await RawUpstream(behaviour).start()
    async with running_proxy(routes_toml({"monolith": upstream.port}, DEFAULT)) as proxy:
        head, rest = await _head_then_get(proxy.listen_port)
    await upstream.stop()
    assert head.startswith(b"HTTP/1.1 200") and b"Content-Length: 1234" in head
    assert rest.startswith(b"HTTP/1.1 200") and rest.endswith(b"got")
    assert upstream.connections == 1


@run_async()
async def test_an_upstream_that_sends_a_body_to_head_is_not_reused() -> None:
    async def behaviour(n: int, data: bytes) -> bytes:
        if data.startswith(b"HEAD"):  # a body that must not be read as the next response
            return (b"HTTP/1.1 200 OK\r\nContent-Length: 38\r\n\r\n"
                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbad")
        return ok(b"got")

    upstream = await RawUpstream(behaviour).start()
    async with running_proxy(routes_toml({"monolith": upstream.port}, DEFAULT)) as proxy:
        head, rest = await _head_then_get(proxy.listen_port)
    await upstream.stop()
    assert head.startswith(b"HTTP/1.1 200")
    assert rest.startswith(b"HTTP/1.1 200") and rest.endswith(b"got"), rest
    assert upstream.connections == 2
