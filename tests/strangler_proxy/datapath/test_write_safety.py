"""Writes are never doubled (issue #19, item 2): shadow copies and noise learning are for safe
methods only unless the route opts in; a fallback after the service may have run the request is
for safe methods only, idempotent ones only when the route says both systems share the data."""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web

from tests.strangler_proxy.support import App, raw_exchange, routes_toml, run_async, running_proxy, status_of


def request(method: bytes, path: bytes = b"/api/x", body: bytes = b"") -> bytes:
    length = b"Content-Length: %d\r\n" % len(body) if body or method in (b"POST", b"PUT") else b""
    return (method + b" " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + length
            + b"\r\n" + body)


def methods(app: App) -> Counter[str]:
    return Counter(seen.method for seen in app.seen)


async def settle(*apps: App, expected: int) -> None:
    """Let the shadow workers finish (they run after the client got its answer)."""
    for _ in range(100):
        if sum(len(app.seen) for app in apps) >= expected:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)


@run_async(60)
async def test_shadow_copies_and_noise_learning_only_for_safe_methods() -> None:
    monolith, service = await App("monolith").start(), await App("service").start()
    body = """
    [[routes]]
    name = "api"
    path_prefix = "/api/"
    to = "monolith"
    mirror = { upstream = "service", learn_noise = true }
    [default]
    to = "monolith"
    """
    try:
        toml = routes_toml({"monolith": monolith.port, "service": service.port}, body)
        async with running_proxy(toml) as proxy:
            for method in (b"PUT", b"DELETE", b"POST", b"PATCH", b"GET"):
                raw = await raw_exchange(proxy.listen_port, request(method, body=b"{}"))
                assert status_of(raw) == 200, method
            await settle(monolith, service, expected=7)
        # the primary ran every write once; only the GET was copied and asked again
        assert methods(monolith) == Counter({"PUT": 1, "DELETE": 1, "POST": 1, "PATCH": 1,
                                             "GET": 2})
        assert methods(service) == Counter({"GET": 1})
    finally:
        await monolith.stop()
        await service.stop()


@run_async(60)
async def test_opted_in_unsafe_shadow_never_asks_the_primary_twice() -> None:
    monolith, service = await App("monolith").start(), await App("service").start()
    body = """
    [[routes]]
    name = "api"
    path_prefix = "/api/"
    to = "monolith"
    mirror = { upstream = "service", learn_noise = true, allow_unsafe = true }
    [default]
    to = "monolith"
    """
    try:
        toml = routes_toml({"monolith": monolith.port, "service": service.port}, body)
        async with running_proxy(toml) as proxy:
            for method in (b"PUT", b"DELETE", b"POST"):
                raw = await raw_exchange(proxy.listen_port, request(method, body=b"{}"))
                assert status_of(raw) == 200, method
            await settle(monolith, service, expected=6)
        assert methods(monolith) == Counter({"PUT": 1, "DELETE": 1, "POST": 1})
        assert methods(service) == Counter({"PUT": 1, "DELETE": 1, "POST": 1})
    finally:
        await monolith.stop()
        await service.stop()


async def unavailable(request: web.Request) -> web.StreamResponse:
    await request.read()
    return web.json_response({"error": "overloaded"}, status=503)


def fallback_routes(monolith: App, service: App, shares: str = "") -> str:
    return routes_toml({"monolith": monolith.port, "service": service.port}, f"""
    [upstreams.service.breaker]
    failures = 1000
    [[routes]]
    name = "orders"
    path_prefix = "/api/"
    to = "service"
    fallback = "monolith"
    {shares}
    [default]
    to = "monolith"
    """)


@run_async(60)
async def test_fallback_after_the_service_answered_only_for_safe_methods() -> None:
    monolith, service = await App("monolith").start(), await App("service", unavailable).start()
    try:
        async with running_proxy(fallback_routes(monolith, service)) as proxy:
            answers = {}
            for method in (b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE", b"POST"):
                raw = await raw_exchange(proxy.listen_port, request(method, body=b"{}"))
                answers[method.decode()] = status_of(raw)
        assert answers == {"GET": 200, "HEAD": 200, "OPTIONS": 200,  # the monolith answered
                           "PUT": 503, "DELETE": 503, "POST": 503}  # the service's own answer
        assert methods(monolith) == Counter({"GET": 1, "HEAD": 1, "OPTIONS": 1})
    finally:
        await monolith.stop()
        await service.stop()


@run_async(60)
async def test_fallback_of_idempotent_writes_when_the_route_shares_the_data() -> None:
    monolith, service = await App("monolith").start(), await App("service", unavailable).start()
    try:
        toml = fallback_routes(monolith, service, "fallback_shares_data = true")
        async with running_proxy(toml) as proxy:
            answers = {}
            for method in (b"PUT", b"DELETE", b"POST"):
                raw = await raw_exchange(proxy.listen_port, request(method, body=b"{}"))
                answers[method.decode()] = status_of(raw)
        assert answers == {"PUT": 200, "DELETE": 200, "POST": 503}
        assert methods(monolith) == Counter({"PUT": 1, "DELETE": 1})
    finally:
        await monolith.stop()
        await service.stop()
