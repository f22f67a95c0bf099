"""The real proxy between real sockets: routing, headers, security, framing, logs and metrics."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.strangler_proxy.support import (
    AUTH,
    App,
    RawUpstream,
    ok,
    raw_exchange,
    routes_toml,
    run_async,
    running_proxy,
    status_of,
)

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "catalog"

[[routes]]
name = "catalog-item"
path_pattern = "/api/catalog/items/{id}"
to = "monolith"

[[routes]]
name = "orders"
path_prefix = "/orders/"
to = "catalog"
host_header = "upstream"

[[routes]]
name = "admin-exact"
path = "/admin"
to = "admin"

[default]
to = "monolith"
"""


async def three_apps() -> tuple[App, App, App]:
    return (await App("monolith").start(), await App("catalog").start(),
            await App("admin").start())


def config_for(mono: App, cat: App, adm: App) -> str:
    return routes_toml({"monolith": mono.port, "catalog": cat.port, "admin": adm.port}, ROUTES)


@run_async()
async def test_precedence_through_the_proxy() -> None:
    apps = await three_apps()
    async with running_proxy(config_for(*apps)) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        expected = {
            "/api/catalog/list": "catalog",
            "/api/catalog/items/7": "monolith",
            "/api/catalog/items/7/reviews": "catalog",
            "/admin": "admin",
            "/admin/x": "monolith",
            "/orders/1": "catalog",
            "/elsewhere": "monolith",
        }
        for path, upstream in expected.items():
            async with session.get(base + path) as response:
                assert response.status == 200
                assert (await response.json())["upstream"] == upstream, path
    for app in apps:
        await app.stop()


@run_async()
async def test_path_bypass_spellings_route_as_their_normalised_path() -> None:
    apps = await three_apps()
    async with running_proxy(config_for(*apps)) as proxy:
        cases = {
            b"/orders/../admin": ("admin", "/admin"),
            b"/%2e%2e/admin": ("admin", "/admin"),
            b"/orders/%2E%2E/admin": ("admin", "/admin"),
            b"//admin": ("admin", "/admin"),
            b"/./admin": ("admin", "/admin"),
            b"/%61dmin": ("admin", "/admin"),
            b"/api//catalog/x": ("catalog", "/api/catalog/x"),
            b"/api/catalog/../../admin": ("admin", "/admin"),
            b"/ORDERS/1": ("monolith", "/ORDERS/1"),
            b"/Admin": ("monolith", "/Admin"),
        }
        for target, (upstream, path) in cases.items():
            raw = await raw_exchange(
                proxy.listen_port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            body = json.loads(raw.split(b"\r\n\r\n", 1)[1])
            assert (body["upstream"], body["path"]) == (upstream, path), target
        for bad in (b"/%zz", b"/orders%2f..%2fadmin", b"/a%2F%2Fadmin"):  # the last two:
            # an encoded slash stays encoded upstream, so it may not hide a traversal
            raw = await raw_exchange(proxy.listen_port, b"GET " + bad + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status_of(raw) == 400, bad
    for app in apps:
        await app.stop()


@run_async()
async def test_forwarding_headers_and_hop_by_hop_removal() -> None:
    apps = await three_apps()
    mono, cat, _ = apps
    async with running_proxy(config_for(*apps)) as proxy:
        request = (
            b"GET /orders/1 HTTP/1.1\r\nHost: shop.example\r\nX-Request-ID: abc-123\r\n"
            b"X-Forwarded-For: 10.0.0.1\r\nVia: 1.0 edge\r\nConnection: keep-alive, X-Secret\r\n"
            b"X-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: x\r\n"
            b"X-Demonolith-Shadow: 1\r\nX-Kept: yes\r\n\r\n"
        )
        raw = await raw_exchange(proxy.listen_port, request, timeout=1.0)
        assert status_of(raw) == 200
        head = raw.split(b"\r\n\r\n")[0].decode().lower()
        assert "x-request-id: abc-123" in head and "via: 1.1 demonolith" in head
        seen = seen_first = cat.seen[-1].headers
        assert seen["X-Request-ID"] == "abc-123"
        assert seen["X-Forwarded-For"] == "10.0.0.1, 127.0.0.1"
        assert seen["X-Forwarded-Host"] == "shop.example"
        assert seen["X-Forwarded-Proto"] == "http"
        assert seen["Via"] == "1.0 edge, 1.1 demonolith"
        assert seen["Host"] == f"127.0.0.1:{cat.port}"  # host_header = "upstream"
        assert seen["X-Kept"] == "yes"
        for gone in ("X-Secret", "Keep-Alive", "TE", "Proxy-Connection", "X-Demonolith-Shadow"):
            assert gone not in seen, gone
        raw = await raw_exchange(
            proxy.listen_port, b"GET /x HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n"
        )
        seen = mono.seen[-1].headers
        assert seen["Host"] == "shop.example"  # kept by default
        # the same request again: now served on the pooled connection (the fast path)
        assert proxy.pools["catalog"].idle, "the first request left a pooled connection"
        again = await raw_exchange(proxy.listen_port, request, timeout=1.0)
        assert status_of(again) == 200 and "x-request-id: abc-123" in again.decode().lower()
        assert sorted(cat.seen[-1].headers.items()) == sorted(seen_first.items())
        assert len(seen["X-Request-ID"]) == 32  # generated
        assert seen["X-Request-ID"].encode() in raw
    for app in apps:
        await app.stop()


@run_async()
async def test_absolute_form_to_other_hosts_and_connect_are_refused() -> None:
    upstream = await RawUpstream(lambda n, data: _answer(ok())).start()
    toml = routes_toml({"monolith": upstream.port}, "")
    async with running_proxy(toml) as proxy:
        port = proxy.listen_port
        refused = [
            b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
            b"GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
            b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET ftp://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        ]
        for request in refused:
            raw = await raw_exchange(port, request)
            assert status_of(raw) in (400, 403, 405), request
            assert b'"request_id"' in raw
        raw = await raw_exchange(
            port, b"GET http://127.0.0.1:%d/ok HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                  b"Connection: close\r\n\r\n" % (port, port))
        assert status_of(raw) == 200
        assert len(upstream.requests) == 1 and upstream.requests[0].startswith(b"GET /ok HTTP/1.1")
    await upstream.stop()


async def _answer(data: bytes) -> bytes:
    return data


SMUGGLING = [
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n",
    b"POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\nHost: x\n\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
]


@run_async()
async def test_smuggling_shaped_requests_never_reach_the_upstream() -> None:
    app = await App("monolith").start()  # reads every body completely, as a real server does
    async with running_proxy(routes_toml({"monolith": app.port}, "")) as proxy:
        for request in SMUGGLING:
            raw = await raw_exchange(proxy.listen_port, request, timeout=2.0)
            assert status_of(raw) == 400, request
            assert raw.count(b"HTTP/1.1 ") == 1, request  # nothing smuggled behind it
        assert app.bodies == []  # no smuggling-shaped request ever completed upstream
        assert all(r.path != "/smuggled" for r in app.seen)
        # a chunked body is re-framed (buffered: with its length), never with conflicting lengths
        raw = await raw_exchange(
            proxy.listen_port,
            b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            b"5;ext=1\r\nhello\r\n0\r\n\r\n")
        assert status_of(raw) == 200
    assert app.bodies == [b"hello"]
    seen = app.seen[-1].headers
    assert seen["Content-Length"] == "5" and "Transfer-Encoding" not in seen  # buffered whole
    await app.stop()


@run_async()
async def test_limits_and_slow_clients() -> None:
    upstream = await App("monolith").start()
    limits = """
    [limits]
    max_headers = 10
    max_header_bytes = 2048
    max_request_line = 256
    max_body_bytes = 1000
    header_timeout = 0.3
    """
    async with running_proxy(routes_toml({"monolith": upstream.port}, limits)) as proxy:
        port = proxy.listen_port
        many = b"".join(b"X-%d: v\r\n" % i for i in range(20))
        assert status_of(await raw_exchange(port, b"GET / HTTP/1.1\r\n" + many + b"\r\n")) == 431
        big = b"X-Big: " + b"v" * 4000 + b"\r\n"
        assert status_of(await raw_exchange(port, b"GET / HTTP/1.1\r\n" + big + b"\r\n")) == 431
        long_url = b"GET /" + b"a" * 400 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        assert status_of(await raw_exchange(port, long_url)) == 414
        body = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"x" * 5000
        assert status_of(await raw_exchange(port, body)) == 413
        chunked = (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   + b"400\r\n" + b"x" * 1024 + b"\r\n") * 2
        assert status_of(await raw_exchange(port, chunked)) == 413
        slow = await raw_exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n", timeout=3.0)
        assert status_of(slow) == 408
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), 3.0) == b""  # idle connection closed
        writer.close()
        await writer.wait_closed()
    assert upstream.bodies == []
    await upstream.stop()


@run_async()
async def test_keep_alive_pipelining_and_chunked_responses() -> None:
    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for i in range(5):
            await response.write(b"part%d;" % i)
        await response.write_eof()
        return response

    app = await App("monolith", chunked).start()
    async with running_proxy(routes_toml({"monolith": app.port}, "")) as proxy:
        one = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        raw = await raw_exchange(proxy.listen_port, one * 3, timeout=1.0)
        assert raw.count(b"HTTP/1.1 200") == 3
        assert raw.count(b"transfer-encoding: chunked".title()) + raw.count(
            b"Transfer-Encoding: chunked") >= 3
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{proxy.listen_port}/s") as response:
                assert await response.read() == b"part0;part1;part2;part3;part4;"
            async with session.head(f"http://127.0.0.1:{proxy.listen_port}/s") as response:
                assert response.status == 200
        old = b"GET /a HTTP/1.0\r\nHost: x\r\n\r\n"
        raw = await raw_exchange(proxy.listen_port, old, timeout=2.0)
        assert raw.endswith(b"part4;") and b"Connection: close" in raw  # close-delimited to 1.0
    await app.stop()


@run_async()
async def test_access_log_and_metrics(tmp_path: Path) -> None:
    apps = await three_apps()
    log = tmp_path / "access.log"
    async with running_proxy(config_for(*apps), access_log=str(log)) as proxy, \
            aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        async with session.post(base + "/api/catalog/x", data=b"12345",
                                headers={"X-Request-ID": "req-1"}) as response:
            assert response.status == 200
        await raw_exchange(proxy.listen_port, b"CONNECT a:1 HTTP/1.1\r\n\r\n")
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
            text = await response.text()
            assert response.headers["Content-Type"].startswith("text/plain")
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/status",
                               headers=AUTH) as response:
            status = await response.json()
    proxy.access_log.flush()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    entry = next(e for e in entries if e.get("request_id") == "req-1")
    assert entry["route"] == "catalog" and entry["upstream"] == "catalog"
    assert entry["status"] == 200 and entry["bytes_in"] == 5 and entry["bytes_out"] > 0
    assert entry["duration_ms"] >= 0 and entry["method"] == "POST"
    assert any(e.get("rejected") == "connect" for e in entries)
    assert 'proxy_requests_total{route="catalog",upstream="catalog",code="200"} 1' in text
    assert 'proxy_request_duration_seconds_bucket{route="catalog",upstream="catalog"' in text
    assert 'proxy_breaker_state{upstream="catalog"} 0' in text
    assert 'proxy_rejected_requests_total{reason="connect"} 1' in text
    assert status["upstreams"]["catalog"]["breaker"] == "closed"
    for app in apps:
        await app.stop()
