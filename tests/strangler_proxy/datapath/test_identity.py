"""Identity forwarding: the monolith session becomes the signed header the extracted services
verify. The proxy's signer is checked against the verifier the extractor generates (the
``service_project/identity.py`` template, rendered here) and against an independent HMAC."""

from __future__ import annotations

import hashlib
import hmac
import time
import types
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import aiohttp
import pytest
from aiohttp import web

from extractor.render import environment, render
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.datapath.identity import sign, user_from_answer
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.errors import ProxyError, RoutesError
from tests.strangler_proxy.support import App, routes_toml, run_async, running_proxy

SECRET = "s3cret-for-tests"
HEADER = "X-Demonolith-Identity"
USERS = {"alice-session": 7, "bob-session": 8}


def generated_identity_module() -> types.ModuleType:
    """The identity module ``demonolith extract`` writes into every service, rendered now."""
    source = render(environment(), "service_project/identity.py.j2", {})
    module = types.ModuleType("generated_identity")
    exec(compile(source, "service_project/identity.py", "exec"), module.__dict__)
    return module


GENERATED = generated_identity_module()


def independent_verify(value: str, secret: str, service: str, method: str, path: bytes) -> int:
    """The header check re-implemented from the documented format (no shared code)."""
    version, user_id, expires, nonce, signature = value.split(".")
    message = f"{version}.{user_id}.{expires}.{nonce}\n{service}\n{method}\n".encode() + path
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    assert version == "v2" and len(nonce) == 32 and hmac.compare_digest(signature, expected)
    assert time.time() < int(expires) <= time.time() + 60
    return int(user_id)


class Nonces:
    """A replay cache for the generated verifier (the service's is the Django cache)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def first_use(self, nonce: str, expires: int) -> bool:
        new = nonce not in self.seen
        self.seen.add(nonce)
        return new


REQUEST = {"service": "orders", "method": "PUT", "path": "/api/orders/1/ü".encode()}


def test_proxy_signature_verifies_with_the_generated_service_code() -> None:
    now = int(time.time())
    nonce = "ab" * 16
    value = sign(42, now + 10, SECRET.encode(), nonce=nonce, **REQUEST)  # type: ignore[arg-type]
    assert value == GENERATED.sign(42, now + 10, SECRET, nonce=nonce, **REQUEST)
    assert independent_verify(value, SECRET, **REQUEST) == 42  # type: ignore[arg-type]
    assert GENERATED.verify(value, SECRET, 60, first_use=Nonces().first_use, **REQUEST) == 42
    for bad in (sign(42, now + 10, b"other", nonce=nonce, **REQUEST),  # type: ignore[arg-type]
                value.replace("v2.42.", "v2.43.", 1),
                sign(42, now - 1, SECRET.encode(), nonce=nonce, **REQUEST),  # type: ignore[arg-type]
                sign(42, now + 3600, SECRET.encode(), nonce=nonce, **REQUEST)):  # type: ignore[arg-type]
        with pytest.raises(GENERATED.InvalidIdentity):
            GENERATED.verify(bad, SECRET, 60, first_use=Nonces().first_use, **REQUEST)


@pytest.mark.parametrize("other", [{"service": "payments"}, {"method": "DELETE"},
                                   {"path": b"/api/orders/2/"}])
def test_identity_header_is_bound_to_its_request_and_used_once(other: dict[str, Any]) -> None:
    from strangler_proxy.config.model import IdentityConfig
    from strangler_proxy.datapath.identity import IdentityResolver

    resolver = IdentityResolver(IdentityConfig(upstream="monolith"), SECRET.encode())
    grant = resolver.grant(42, "PUT", b"/api/orders/1/%C3%BC")
    line = grant("orders")
    assert line != grant("orders")  # a new nonce for every attempt
    value = line.split(b": ", 1)[1].strip().decode()
    nonces = Nonces()
    with pytest.raises(GENERATED.InvalidIdentity):
        GENERATED.verify(value, SECRET, 60, first_use=nonces.first_use, **{**REQUEST, **other})
    assert GENERATED.verify(value, SECRET, 60, first_use=nonces.first_use, **REQUEST) == 42
    with pytest.raises(GENERATED.InvalidIdentity, match="replayed"):
        GENERATED.verify(value, SECRET, 60, first_use=nonces.first_use, **REQUEST)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [(200, b'{"user_id": 5, "username": "u", "is_authenticated": true}', 5),
     (200, b'{"user_id": null, "is_authenticated": false}', None)],
)
def test_whoami_answers(status: int, body: bytes, expected: int | None) -> None:
    assert user_from_answer(status, body) == expected


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, b"{}"), (200, b"<html>"), (200, b"[]"), (200, b'{"is_authenticated": true}'),
     (200, b'{"is_authenticated": true, "user_id": "7"}')],
)
def test_whoami_answers_that_fail_the_lookup(status: int, body: bytes) -> None:
    from strangler_proxy.datapath.identity import IdentityUnavailable

    with pytest.raises(IdentityUnavailable):
        user_from_answer(status, body)


class Monolith(App):
    """A fake monolith: ``GET /internal/whoami/`` resolves the ``sessionid`` cookie."""

    def __init__(self) -> None:
        super().__init__("monolith", self.answer)
        self.whoami_calls = 0
        self.broken = False

    async def answer(self, request: web.Request) -> web.StreamResponse:
        if request.path != "/internal/whoami/":
            return web.json_response({"upstream": "monolith", HEADER: request.headers.get(HEADER)})
        self.whoami_calls += 1
        if self.broken:
            return web.json_response({"error": "down"}, status=500)
        user = USERS.get(request.cookies.get("sessionid", ""))
        return web.json_response({"user_id": user, "username": f"user{user}" if user else None,
                                  "is_authenticated": user is not None})


SERVICE_NONCES = Nonces()


async def service_answer(request: web.Request) -> web.StreamResponse:
    """A fake extracted service called ``orders``: verifies the header with the generated code."""
    values = request.headers.getall(HEADER, [])
    if not values:
        return web.json_response({"user": None, "count": 0})
    try:
        path = unquote_to_bytes(request.raw_path.split("?", 1)[0])
        user = GENERATED.verify(values[0], SECRET, 60, service="orders", method=request.method,
                                path=path, first_use=SERVICE_NONCES.first_use)
    except GENERATED.InvalidIdentity as exc:
        return web.json_response({"error": str(exc)}, status=401)
    return web.json_response({"user": user, "count": len(values)})


def identity_routes(monolith: int, service: int, secret_file: Path, ttl: float = 30.0) -> str:
    body = f"""
[identity]
upstream = "monolith"
path = "/internal/whoami/"
cache_ttl = {ttl}
secret_file = "{secret_file}"

[[routes]]
name = "orders"
path_prefix = "/api/orders/"
to = "orders"
identity = true

[[routes]]
name = "plain"
path_prefix = "/api/plain/"
to = "orders"

[default]
to = "monolith"
"""
    return routes_toml({"monolith": monolith, "orders": service}, body)


async def started(tmp_path: Path) -> tuple[Monolith, App, Path]:
    secret_file = tmp_path / "identity.secret"
    secret_file.write_text(SECRET + "\n")
    monolith = Monolith()
    await monolith.start()
    return monolith, await App("orders", service_answer).start(), secret_file


async def get_json(session: aiohttp.ClientSession, url: str, **headers: str) -> tuple[int, Any]:
    async with session.get(url, headers=headers) as response:
        return response.status, await response.json()


@run_async(timeout=30)
async def test_identity_signed_for_sessions_and_forged_headers_never_pass(tmp_path: Path) -> None:
    monolith, service, secret_file = await started(tmp_path)
    forged = sign(1, int(time.time()) + 10, b"guessed", nonce="00" * 16, **REQUEST)  # type: ignore[arg-type]
    try:
        toml = identity_routes(monolith.port, service.port, secret_file)
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{proxy.listen_port}"
            alice = {"Cookie": "csrftoken=x; sessionid=alice-session", HEADER: forged}
            assert await get_json(session, f"{base}/api/orders/1", **alice) == (
                200, {"user": 7, "count": 1})
            bob = {"Cookie": "sessionid=bob-session"}
            assert await get_json(session, f"{base}/api/orders/1", **bob) == (
                200, {"user": 8, "count": 1})
            for anonymous in ({}, {"Cookie": "sessionid=expired"}, {HEADER: forged}):
                assert await get_json(session, f"{base}/api/orders/1", **anonymous) == (
                    200, {"user": None, "count": 0})
            # on routes without identity, and on the default route, the forged copy is dropped
            assert await get_json(session, f"{base}/api/plain/1", **alice) == (
                200, {"user": None, "count": 0})
            status, body = await get_json(session, f"{base}/other", **{HEADER: forged})
            assert status == 200 and body[HEADER] is None
            assert monolith.whoami_calls == 3  # alice, bob, expired; no cookie: no call
    finally:
        await monolith.stop()
        await service.stop()


@run_async(timeout=30)
async def test_whoami_is_called_once_per_session_within_the_cache_ttl(tmp_path: Path) -> None:
    import asyncio
    import time

    ttl = 3.0  # long beside 30 requests even on a loaded machine (0.5 s was not)
    monolith, service, secret_file = await started(tmp_path)
    try:
        toml = identity_routes(monolith.port, service.port, secret_file, ttl=ttl)
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{proxy.listen_port}/api/orders/1"
            cookie = {"Cookie": "sessionid=alice-session"}
            began = time.monotonic()
            answers = await asyncio.gather(*(get_json(session, url, **cookie) for _ in range(20)))
            cached_by = time.monotonic()  # the entry was made before the first answer
            answers += [await get_json(session, url, **cookie) for _ in range(10)]
            assert answers == [(200, {"user": 7, "count": 1})] * 30
            took = time.monotonic() - began
            assert took < ttl, f"30 requests took {took:.1f} s, the cache's ttl is {ttl} s"
            assert monolith.whoami_calls == 1  # concurrent misses share one call
            await asyncio.sleep(max(0.0, cached_by + ttl + 0.05 - time.monotonic()))
            assert await get_json(session, url, **cookie) == (200, {"user": 7, "count": 1})
            assert monolith.whoami_calls == 2  # the entry expired
            metrics = proxy.metrics.render()
            assert 'proxy_identity_lookups_total{result="cached"}' in metrics
    finally:
        await monolith.stop()
        await service.stop()


@run_async(timeout=30)
async def test_identity_endpoint_down_answers_503_and_never_forwards(tmp_path: Path) -> None:
    monolith, service, secret_file = await started(tmp_path)
    monolith.broken = True
    try:
        toml = identity_routes(monolith.port, service.port, secret_file)
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{proxy.listen_port}"
            cookie = {"Cookie": "sessionid=alice-session", "X-Request-ID": "rid-1"}
            status, body = await get_json(session, f"{base}/api/orders/1", **cookie)
            assert status == 503 and body["request_id"] == "rid-1"
            assert "identity" in body["message"]
            await monolith.stop()  # unreachable, not just failing
            status, _ = await get_json(session, f"{base}/api/orders/1", **cookie)
            assert status == 503
            assert not service.seen
            assert 'proxy_identity_lookups_total{result="error"} 2' in proxy.metrics.render()
    finally:
        await service.stop()


def test_secret_from_environment_missing_secret_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dead_port: int
) -> None:
    toml = identity_routes(dead_port, dead_port, tmp_path / "missing").replace(
        f'secret_file = "{tmp_path / "missing"}"\n', 'secret_env = "DM_TEST_IDENTITY_SECRET"\n')
    config = parse_routes(toml)
    monkeypatch.delenv("DM_TEST_IDENTITY_SECRET", raising=False)

    @run_async(timeout=10)
    async def build() -> None:
        Proxy(config)

    with pytest.raises(ProxyError, match="DM_TEST_IDENTITY_SECRET") as failure:
        build()
    monkeypatch.setenv("DM_TEST_IDENTITY_SECRET", SECRET)
    build()
    assert SECRET not in str(failure.value)


def test_routes_file_refuses_an_inline_secret_without_echoing_it() -> None:
    toml = routes_toml({"monolith": 1}, '[identity]\nsecret = "hunter2"\n')
    with pytest.raises(RoutesError) as failure:
        parse_routes(toml)
    assert "identity.secret" in str(failure.value) and "hunter2" not in str(failure.value)
    with pytest.raises(RoutesError, match="needs an \\[identity\\] table"):
        parse_routes(routes_toml({"monolith": 1}, '[default]\nto = "monolith"\nidentity = true\n'))


@pytest.mark.parametrize("cookie", [
    "sessionid=forged; sessionid=alice-session",  # Django keeps the last one
    " sessionid = alice-session ;csrftoken=x",
    'sessionid="alice-session"',
    "csrftoken=x",
    "sessionid",
    "sessionid=",
    "a=1; sessionid=alice-session; b",
])
def test_session_cookie_is_the_one_django_reads(cookie: str) -> None:
    from django.http.cookie import parse_cookie

    from strangler_proxy.config.model import IdentityConfig
    from strangler_proxy.datapath.identity import IdentityResolver

    resolver = IdentityResolver(IdentityConfig(upstream="monolith"), b"secret")
    assert resolver.session(cookie.encode()) == (parse_cookie(cookie).get("sessionid") or None)


@run_async(timeout=30)
async def test_underscore_variants_of_internal_headers_never_cross() -> None:
    from tests.strangler_proxy.support import raw_exchange, status_of

    upstream = await App("monolith").start()
    try:
        async with running_proxy(routes_toml({"monolith": upstream.port}, """
        [default]
        to = "monolith"
        """)) as proxy:
            raw = await raw_exchange(proxy.listen_port, (
                b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"X_Demonolith_Identity: v1.1.9999999999.forged\r\nX_Demonolith_Shadow: 1\r\n"
                b"x_forwarded_for: 10.0.0.1\r\nX-Custom_Kept: yes\r\n\r\n"))
            assert status_of(raw) == 200
        names = {name.lower() for name in upstream.seen[0].headers}
        assert not names & {"x_demonolith_identity", "x_demonolith_shadow", "x_forwarded_for"}
        assert "x-custom_kept" in names  # only the proxy's own headers are dropped
    finally:
        await upstream.stop()
