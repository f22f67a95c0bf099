"""The exported nginx config, run by the real nginx on 127.0.0.1, routes like our proxy.

Real upstreams (aiohttp apps answering with their own name) sit behind both the real proxy and
the real nginx running the export; the same request set goes through both, and each request must
reach the same upstream, the one written down here by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.export.nginx import export_nginx
from tests.helpers.ports import free_port_number, refused_port, taken
from tests.strangler_proxy.export.test_nginx import NGINX, needs_nginx
from tests.strangler_proxy.support import App, raw_exchange, run_async, running_proxy

pytestmark = needs_nginx

ROUTES = r"""
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "catalog"

[[routes]]
name = "item"
path_pattern = "/api/items/{id}"
methods = ["GET"]
to = "catalog"

[[routes]]
name = "orders-exact"
path = "/api/orders"
to = "orders"

[[routes]]
name = "shop-host"
host = "shop.example.com"
path_prefix = "/api/"
to = "orders"

[[routes]]
name = "internal-wildcard"
host = "*.internal.test"
path_prefix = "/"
to = "catalog"

[[routes]]
name = "canary-header"
path_prefix = "/api/"
headers = { "x-canary" = "1" }
to = "catalog"

[[routes]]
name = "beta-present"
path = "/beta"
headers = { "x-beta" = "*" }
to = "orders"

[[routes]]
name = "all-on-orders"
path_prefix = "/api/weighted/"
weights = { catalog = 0, orders = 100 }

[[routes]]
name = "sticky"
path_prefix = "/api/sticky/"
weights = { catalog = 50, orders = 50 }
sticky = { cookie = "sid" }

[[routes]]
name = "sticky-b"
path_prefix = "/api/sticky-b/"
weights = { orders = 50, catalog = 50 }
sticky = { cookie = "sid" }

[[routes]]
name = "shadowed"
path_prefix = "/api/shadowed/"
to = "catalog"
mirror = "shadow"

[[routes]]
name = "fragile"
path_prefix = "/api/fragile/"
to = "dead"
fallback = "monolith"

[[routes]]
name = "failing"
path_prefix = "/api/failing/"
to = "failing"
fallback = "monolith"

[[routes]]
name = "failing-shared"
path_prefix = "/api/failing-shared/"
to = "failing"
fallback = "monolith"
fallback_shares_data = true

[[routes]]
name = "regex-event"
path_regex = '^/control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/\Z'
to = "catalog"

[[routes]]
name = "regex-open"
path_regex = '^/tz/'
to = "orders"

[[routes]]
name = "regex-searched"
path_regex = '^/[\s\S]*?about/'
to = "orders"

[[routes]]
name = "regex-quantifier"
path_regex = '^/w/(?P<ns>[a-z0-9]{4})/pay/\Z'
methods = ["GET"]
to = "catalog"

[default]
to = "monolith"
"""

# (method, Host, target, extra headers) -> the upstream both proxies must pick
CASES: list[tuple[str, str, str, dict[str, str], str]] = [
    ("GET", "localhost", "/", {}, "monolith"),
    ("GET", "localhost", "/api/catalog/books", {}, "catalog"),
    ("POST", "localhost", "/api/catalog/books", {}, "catalog"),
    ("GET", "localhost", "/api/catalog", {}, "monolith"),
    ("GET", "localhost", "/API/catalog/books", {}, "monolith"),
    ("GET", "localhost", "/api//catalog/books", {}, "catalog"),
    ("GET", "localhost", "/api/./catalog/books", {}, "catalog"),
    ("GET", "localhost", "/api/x/../catalog/books", {}, "catalog"),
    ("GET", "localhost", "/api/%63atalog/books", {}, "catalog"),
    ("GET", "localhost", "/api/catalog/../orders", {}, "orders"),
    ("GET", "localhost", "/api/items/42", {}, "catalog"),
    ("GET", "localhost", "/api/items/42/reviews", {}, "monolith"),
    ("POST", "localhost", "/api/items/42", {}, "monolith"),
    ("GET", "localhost", "/api/orders", {}, "orders"),
    ("GET", "localhost", "/api/orders/7", {}, "monolith"),
    ("GET", "shop.example.com", "/api/anything", {}, "orders"),
    ("GET", "shop.example.com:8080", "/api/anything", {}, "orders"),
    ("GET", "shop.example.com", "/api/catalog/x", {}, "orders"),
    ("GET", "shop.example.com", "/other", {}, "monolith"),
    ("GET", "a.internal.test", "/anything", {}, "catalog"),
    ("GET", "a.b.internal.test", "/api/orders", {}, "catalog"),
    ("GET", "internal.test", "/anything", {}, "monolith"),
    ("GET", "localhost", "/api/anything", {"X-Canary": "1"}, "catalog"),
    ("GET", "localhost", "/api/anything", {"X-Canary": "2"}, "monolith"),
    ("GET", "localhost", "/api/orders", {"X-Canary": "1"}, "orders"),
    ("GET", "localhost", "/beta", {"X-Beta": "yes"}, "orders"),
    ("GET", "localhost", "/beta", {}, "monolith"),
    ("GET", "localhost", "/api/weighted/a", {}, "orders"),
    ("DELETE", "localhost", "/api/weighted/b", {}, "orders"),
    ("GET", "localhost", "/api/fragile/a", {}, "monolith"),
    ("POST", "localhost", "/api/fragile/a", {}, "monolith"),
    ("GET", "localhost", "/control/event/acme/summit/", {}, "catalog"),  # path_regex: Django's regex routes
    ("GET", "localhost", "/control/event/caf%C3%A9/summit/", {}, "catalog"),
    ("GET", "localhost", "/control/event/acme/summit/x", {}, "monolith"),
    ("GET", "localhost", "/control/event/acme/", {}, "monolith"),
    ("GET", "localhost", "/tz/", {}, "orders"),
    ("GET", "localhost", "/tz/a/b", {}, "orders"),
    ("GET", "localhost", "/tzx", {}, "monolith"),
    ("GET", "localhost", "/x/y/about/", {}, "orders"),
    ("GET", "localhost", "/about", {}, "monolith"),
    ("GET", "localhost", "/w/ab12/pay/", {}, "catalog"),
    ("GET", "localhost", "/w/ab123/pay/", {}, "monolith"),
    ("POST", "localhost", "/w/ab12/pay/", {}, "monolith"),
]


def echo(name: str) -> App:
    """An upstream answering with its name and the forwarding headers it received."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await request.read()
        wanted = ("x-request-id", "x-forwarded-for", "x-forwarded-host", "via", "x-demonolith-shadow")
        headers = {key: request.headers.get(key) for key in wanted}
        return web.json_response({"upstream": name, "headers": headers})

    return App(name, handler)


async def get(port: int, method: str, host: str, target: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """One request with Connection: close; the JSON body, the status and the X-Request-ID."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items())]
    if method in ("POST", "PUT"):
        lines.append("Content-Length: 2")
    body = b"{}" if method in ("POST", "PUT") else b""
    raw = await raw_exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body, timeout=10)
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    request_id = next((line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                       if line.lower().startswith(b"x-request-id:")), None)
    data = json.loads(payload) if status == 200 else {}
    return {"status": status, "request_id": request_id, **data}


@contextlib.asynccontextmanager
async def running_nginx(tmp_path: Path, routes: str) -> AsyncIterator[int]:
    """The real nginx serving the export of ``routes`` on a free port (nginx binds it itself, so
    another port is tried when that one was taken meanwhile)."""
    (tmp_path / "logs").mkdir()
    for attempt in range(5):
        port = free_port_number()
        text = export_nginx(parse_routes(f'[listen]\naddress = "127.0.0.1:{port}"\naccess_log = "off"\n'
                                         + routes, "traffic.toml")).text
        conf = tmp_path / "nginx.conf"
        conf.write_text(text)
        error_log = tmp_path / f"error-{attempt}.log"
        directives = f"daemon off; pid {tmp_path}/nginx.pid; error_log {error_log};"
        process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", directives],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if await _nginx_up(process, port, error_log):
            break
    else:
        raise AssertionError("nginx found no free port in 5 attempts")
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def _nginx_up(process: subprocess.Popen[bytes], port: int, error_log: Path) -> bool:
    """True once nginx accepts on ``port``; False when it exited because the port was taken."""
    for _ in range(100):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            if process.poll() is None:  # ours, not whoever took the port
                return True
        if process.poll() is not None:
            log = error_log.read_text() if error_log.exists() else ""
            assert taken(log), log
            return False
        await asyncio.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port}")


@contextlib.asynccontextmanager
async def upstreams() -> AsyncIterator[tuple[dict[str, App], str]]:
    """The echo upstreams (and a dead port) and the routes file naming them."""
    apps = {name: await echo(name).start() for name in ("monolith", "catalog", "orders", "shadow")}
    apps["failing"] = await App("failing", unavailable).start()
    try:
        lines = [f'[upstreams.{name}]\nurl = "{app.url}"\nretries = 0' for name, app in apps.items()]
        with refused_port() as dead:
            lines.append(f'[upstreams.dead]\nurl = "http://127.0.0.1:{dead}"\nretries = 0')
            yield apps, "\n".join(lines) + "\n" + ROUTES
    finally:
        for app in apps.values():
            await app.stop()


async def unavailable(request: web.Request) -> web.StreamResponse:
    """A service that received the request (and may have run it) and answers 503."""
    await request.read()
    return web.Response(status=503, text="unavailable")


async def fallback_outcomes(apps: dict[str, App], port: int) -> list[tuple[str, str, str]]:
    """``(method, path, who answered)`` for requests to the service that answers 503, and the
    requests the fallback (the monolith) received; both start empty."""
    for app in apps.values():
        app.seen.clear()
    answered = []
    for method, target in (("GET", "/api/failing/a"), ("PUT", "/api/failing/a"),
                           ("DELETE", "/api/failing/a"), ("PUT", "/api/failing-shared/a")):
        result = await get(port, method, "localhost", target, {})
        answered.append((method, target, result.get("upstream", str(result["status"]))))
    assert [r.method for r in apps["failing"].seen] == ["GET", "PUT", "DELETE", "PUT"]
    return answered


@run_async(timeout=50)
async def test_only_safe_requests_that_reached_a_failing_service_go_on_to_the_fallback(
    tmp_path: Path,
) -> None:
    # the monolith is another system of record: a PUT the service may have run must not run there
    # too, unless the route says the two share the data
    expected = [("GET", "/api/failing/a", "monolith"), ("PUT", "/api/failing/a", "503"),
                ("DELETE", "/api/failing/a", "503"), ("PUT", "/api/failing-shared/a", "monolith")]
    async with upstreams() as (apps, routes):
        async with running_proxy(routes) as proxy:
            ours = await fallback_outcomes(apps, proxy.listen_port)
            ours_seen = [(r.method, r.path) for r in apps["monolith"].seen]
        async with running_nginx(tmp_path, routes) as port:
            theirs = await fallback_outcomes(apps, port)
            theirs_seen = [(r.method, r.path) for r in apps["monolith"].seen]
    assert ours == theirs == expected
    assert ours_seen == theirs_seen == [("GET", "/api/failing/a"), ("PUT", "/api/failing-shared/a")]


async def route_all(port: int) -> list[str]:
    results = [await get(port, method, host, target, headers)
               for method, host, target, headers, _ in CASES]
    return [result.get("upstream", str(result["status"])) for result in results]


@run_async(timeout=50)
async def test_nginx_export_routes_a_request_set_like_the_proxy(tmp_path: Path) -> None:
    expected = [case[-1] for case in CASES]
    async with upstreams() as (_, routes):
        async with running_proxy(routes) as proxy:
            ours = await route_all(proxy.listen_port)
        async with running_nginx(tmp_path, routes) as port:
            theirs = await route_all(port)
    mismatches = [(case[:4], o, t) for case, o, t in zip(CASES, ours, theirs, strict=True) if o != t]
    assert not mismatches
    assert ours == expected


@run_async(timeout=50)
async def test_nginx_export_keeps_sticky_users_on_one_side(tmp_path: Path) -> None:
    async with upstreams() as (_, routes), running_nginx(tmp_path, routes) as port:
        sides = {}
        for user in range(20):
            seen = {(await get(port, "GET", "localhost", "/api/sticky/x", {"Cookie": f"sid=u{user}"}))
                    ["upstream"] for _ in range(3)}
            assert len(seen) == 1, f"user u{user} moved between {seen}"
            sides[user] = seen.pop()
    assert set(sides.values()) == {"catalog", "orders"}


async def sides_by_user(port: int, prefix: str) -> list[str]:
    return [(await get(port, "GET", "localhost", f"{prefix}x", {"Cookie": f"sid=u{user}"}))["upstream"]
            for user in range(20)]


@run_async(timeout=50)
async def test_a_sticky_user_sees_one_side_across_routes_in_the_proxy_and_in_nginx(
    tmp_path: Path,
) -> None:
    # two routes with the same weights listed in another order: one side per user for both
    async with upstreams() as (_, routes):
        async with running_proxy(routes) as proxy:
            ours = [await sides_by_user(proxy.listen_port, p) for p in ("/api/sticky/", "/api/sticky-b/")]
        async with running_nginx(tmp_path, routes) as port:
            theirs = [await sides_by_user(port, p) for p in ("/api/sticky/", "/api/sticky-b/")]
    for first, second in (ours, theirs):
        assert first == second
        assert set(first) == {"catalog", "orders"}


async def shadowed(apps: dict[str, App], count: int) -> list[str]:
    """The methods the shadow saw, once it saw ``count`` requests (or after 2 s)."""
    for _ in range(100):
        if len(apps["shadow"].seen) >= count:
            break
        await asyncio.sleep(0.02)
    return [request.method for request in apps["shadow"].seen]


@run_async(timeout=50)
async def test_nginx_export_mirrors_only_safe_methods_with_the_marker(tmp_path: Path) -> None:
    async with upstreams() as (apps, routes), running_nginx(tmp_path, routes) as port:
        answer = await get(port, "GET", "localhost", "/api/shadowed/a", {"X-Request-ID": "abc-123"})
        assert answer["upstream"] == "catalog" and answer["request_id"] == "abc-123"
        assert await shadowed(apps, 1) == ["GET"]
        assert [r.headers.get("x-demonolith-shadow") for r in apps["shadow"].seen] == ["1"]
        for method in ("PUT", "DELETE", "POST"):
            assert (await get(port, method, "localhost", "/api/shadowed/a", {}))["upstream"] == "catalog"
        assert (await get(port, "OPTIONS", "localhost", "/api/shadowed/b", {}))["upstream"] == "catalog"
        # the OPTIONS copy comes after any copy of the writes before it: none of them was copied
        assert await shadowed(apps, 2) == ["GET", "OPTIONS"]


@run_async(timeout=50)
async def test_nginx_export_sets_the_forwarding_headers_like_the_proxy(tmp_path: Path) -> None:
    async with upstreams() as (_, routes):
        async with running_proxy(routes) as proxy:
            ours = await get(proxy.listen_port, "GET", "localhost:1234", "/", {"X-Request-ID": "r-1"})
            ours_new = await get(proxy.listen_port, "GET", "localhost", "/", {"X-Request-ID": "bad id!"})
        async with running_nginx(tmp_path, routes) as port:
            theirs = await get(port, "GET", "localhost:1234", "/", {"X-Request-ID": "r-1"})
            theirs_new = await get(port, "GET", "localhost", "/", {"X-Request-ID": "bad id!"})
    for answer in (ours, theirs):
        assert answer["headers"] == {"x-request-id": "r-1", "x-forwarded-for": "127.0.0.1",
                                     "x-forwarded-host": "localhost:1234", "via": "1.1 demonolith",
                                     "x-demonolith-shadow": None}
        assert answer["request_id"] == "r-1"
    for answer in (ours_new, theirs_new):
        generated = answer["headers"]["x-request-id"]
        assert generated not in (None, "bad id!") and answer["request_id"] == generated

