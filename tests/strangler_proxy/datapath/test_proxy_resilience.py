"""Retries, timeouts, circuit breaker with fallback, health checks, an upstream killed under load."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import textwrap
from collections import Counter

import aiohttp

from tests.helpers.ports import listening_socket, port_of
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


async def close_connection(n: int, data: bytes) -> bytes | None:
    return None  # read the request, answer nothing, close


async def hang(n: int, data: bytes) -> bytes | None:
    await asyncio.sleep(30)
    return None


def request(method: bytes, path: bytes = b"/x", body: bytes = b"") -> bytes:
    length = b"Content-Length: %d\r\n" % len(body) if body or method in (b"POST", b"PUT") else b""
    return (method + b" " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + length
            + b"\r\n" + body)


@run_async(60)
async def test_retries_only_for_idempotent_methods() -> None:
    flaky = await RawUpstream(close_connection).start()
    body = f"""
    [upstreams.flaky]
    url = "http://127.0.0.1:{flaky.port}"
    retries = 2
    [upstreams.flaky.breaker]
    failures = 100
    [default]
    to = "flaky"
    """
    async with running_proxy(routes_toml({}, body)) as proxy:
        for method, expected_tries in ((b"GET", 3), (b"HEAD", 3), (b"PUT", 3), (b"DELETE", 3),
                                       (b"OPTIONS", 3), (b"POST", 1), (b"PATCH", 1)):
            before = len(flaky.requests)
            raw = await raw_exchange(proxy.listen_port, request(method, body=b"data"))
            assert status_of(raw) == 502, method
            assert len(flaky.requests) - before == expected_tries, method
            if method != b"HEAD":
                error = json.loads(raw.split(b"\r\n\r\n", 1)[1])
                assert error["status"] == 502 and error["request_id"]
        assert proxy.metrics.retries.values[("flaky",)] == 10
    await flaky.stop()


@run_async(60)
async def test_read_timeout_gives_504_and_connect_refused_gives_502(dead_port: int) -> None:
    slow = await RawUpstream(hang).start()
    body = f"""
    [upstreams.slow]
    url = "http://127.0.0.1:{slow.port}"
    read_timeout = 0.3
    retries = 0
    [upstreams.gone]
    url = "http://127.0.0.1:{dead_port}"
    connect_timeout = 0.5
    [[routes]]
    path_prefix = "/gone/"
    to = "gone"
    [default]
    to = "slow"
    """
    async with running_proxy(routes_toml({}, body)) as proxy:
        loop = asyncio.get_running_loop()
        started = loop.time()
        raw = await raw_exchange(proxy.listen_port, request(b"GET"))
        assert status_of(raw) == 504 and 0.25 < loop.time() - started < 2.0
        assert b'"gateway_timeout"' in raw
        raw = await raw_exchange(proxy.listen_port, request(b"GET", b"/gone/1"))
        assert status_of(raw) == 502 and b"connect" in raw
    await slow.stop()


@run_async(60)
async def test_breaker_opens_falls_back_half_opens_and_closes() -> None:
    healthy = asyncio.Event()

    async def service(n: int, data: bytes) -> bytes | None:
        if healthy.is_set():
            return ok(b"service")
        return b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown"

    svc = await RawUpstream(service).start()
    mono = await RawUpstream(lambda n, d: _value(ok(b"monolith"))).start()
    body = f"""
    [upstreams.svc]
    url = "http://127.0.0.1:{svc.port}"
    retries = 0
    [upstreams.svc.breaker]
    failures = 3
    open_seconds = 0.5
    [upstreams.monolith]
    url = "http://127.0.0.1:{mono.port}"
    [[routes]]
    path_prefix = "/api/"
    to = "svc"
    fallback = "monolith"
    """
    async with running_proxy(routes_toml({}, body)) as proxy:
        pool = proxy.pools["svc"]
        answers = []
        for _ in range(6):
            raw = await raw_exchange(proxy.listen_port, request(b"GET", b"/api/x"))
            answers.append(raw.rsplit(b"\r\n", 1)[-1])
        assert answers == [b"monolith"] * 6  # 503s fell back; then the open breaker skips svc
        assert len(svc.requests) == 3 and pool.breaker.state == "open"
        raw = await raw_exchange(proxy.listen_port, request(b"POST", b"/api/x", b"1"))
        assert raw.endswith(b"monolith")  # never sent to svc: safe to fall back even for POST
        assert len(svc.requests) == 3
        await asyncio.sleep(0.6)
        assert pool.breaker.state == "half_open"
        raw = await raw_exchange(proxy.listen_port, request(b"GET", b"/api/x"))
        assert raw.endswith(b"monolith") and pool.breaker.state == "open"  # failed trial
        healthy.set()
        await asyncio.sleep(0.6)
        raw = await raw_exchange(proxy.listen_port, request(b"GET", b"/api/x"))
        assert raw.endswith(b"service") and pool.breaker.state == "closed"
        assert [t[1] for t in pool.breaker.transitions] == [
            "open", "half_open", "open", "half_open", "closed"]
        async with aiohttp.ClientSession() as session, \
                session.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
            text = await response.text()
        assert 'proxy_fallbacks_total{route="routes[0]",to="monolith"}' in text
    await svc.stop()
    await mono.stop()


async def _value(data: bytes) -> bytes:
    return data


@run_async(60)
async def test_post_is_not_replayed_after_it_was_sent() -> None:
    svc = await RawUpstream(close_connection).start()
    mono = await RawUpstream(lambda n, d: _value(ok(b"monolith"))).start()
    body = f"""
    [upstreams.svc]
    url = "http://127.0.0.1:{svc.port}"
    [upstreams.monolith]
    url = "http://127.0.0.1:{mono.port}"
    [[routes]]
    path_prefix = "/api/"
    to = "svc"
    fallback = "monolith"
    """
    async with running_proxy(routes_toml({}, body)) as proxy:
        raw = await raw_exchange(proxy.listen_port, request(b"POST", b"/api/x", b"pay"))
        assert status_of(raw) == 502 and mono.requests == []  # may have been processed: no replay
        raw = await raw_exchange(proxy.listen_port, request(b"PUT", b"/api/x", b"put"))
        assert raw.endswith(b"monolith") and mono.requests[0].endswith(b"put")
    await svc.stop()
    await mono.stop()


@run_async(60)
async def test_active_health_check_marks_upstream_down_and_up() -> None:
    svc = await App("svc").start()
    mono = await App("monolith").start()
    body = f"""
    [upstreams.svc]
    url = "http://127.0.0.1:{svc.port}"
    [upstreams.svc.health]
    path = "/healthz"
    interval = 0.1
    timeout = 0.5
    unhealthy_after = 2
    [upstreams.monolith]
    url = "http://127.0.0.1:{mono.port}"
    [[routes]]
    path_prefix = "/api/"
    to = "svc"
    fallback = "monolith"
    """
    port = svc.port
    async with running_proxy(routes_toml({}, body)) as proxy:
        await asyncio.sleep(0.3)
        assert proxy.pools["svc"].healthy
        await svc.stop()
        for _ in range(50):
            if not proxy.pools["svc"].healthy:
                break
            await asyncio.sleep(0.05)
        assert not proxy.pools["svc"].healthy
        raw = await raw_exchange(proxy.listen_port, request(b"GET", b"/api/x"))
        assert b'"upstream": "monolith"' in raw
        await svc.start(port)
        for _ in range(50):
            if proxy.pools["svc"].healthy:
                break
            await asyncio.sleep(0.05)
        assert proxy.pools["svc"].healthy
        assert any(r.path == "/healthz" for r in svc.seen)
    await svc.stop()
    await mono.stop()


UPSTREAM_SCRIPT = textwrap.dedent("""
    import socket, sys
    from aiohttp import web
    async def handle(request):
        return web.Response(text="service")
    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    sock = socket.socket(fileno=int(sys.argv[1]))  # the test's listening socket, handed over
    web.run_app(app, sock=sock, print=lambda *a: print("up", flush=True))
""")


@run_async(90)
async def test_upstream_killed_under_load_every_request_answered() -> None:
    with listening_socket() as sock:
        port = port_of(sock)
        process = subprocess.Popen([sys.executable, "-c", UPSTREAM_SCRIPT, str(sock.fileno())],
                                   stdout=subprocess.PIPE, pass_fds=[sock.fileno()])
    mono = await App("monolith").start()
    body = f"""
    [upstreams.svc]
    url = "http://127.0.0.1:{port}"
    connect_timeout = 0.5
    [upstreams.monolith]
    url = "http://127.0.0.1:{mono.port}"
    [[routes]]
    path_prefix = "/api/"
    to = "svc"
    fallback = "monolith"
    """
    try:
        assert process.stdout is not None
        await asyncio.get_running_loop().run_in_executor(None, process.stdout.readline)
        async with running_proxy(routes_toml({}, body)) as proxy, \
                aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{proxy.listen_port}/api/item"
            outcomes: Counter[str] = Counter()
            sem = asyncio.Semaphore(20)
            total = 3000

            async def one(i: int) -> None:
                async with sem:
                    if i == total // 3:
                        process.send_signal(signal.SIGKILL)
                    try:
                        async with session.get(url) as response:
                            text = await response.text()
                            outcomes[f"{response.status} {text[:20]}"] += 1
                    except aiohttp.ClientError as exc:
                        outcomes[f"error {type(exc).__name__}"] += 1

            await asyncio.gather(*(one(i) for i in range(total)))
        assert sum(outcomes.values()) == total
        errors = {k: v for k, v in outcomes.items() if not k.startswith("200")}
        assert errors == {}, outcomes
        assert outcomes["200 service"] > 0
        assert any(k.startswith('200 {"upstream": "mono') for k in outcomes), outcomes
    finally:
        process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
        await mono.stop()
