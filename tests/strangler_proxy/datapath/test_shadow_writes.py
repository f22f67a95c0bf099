"""Shadowed writes through the real proxy: the signed marker, ``shadow_writes``, write comparison.

The mirror is a real server on 127.0.0.1 that checks the marker with the service side's check
(:func:`strangler_proxy.policy.shadow_marker.marker_refusal`), as a generated service does.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.datapath.shadow_marking import load_keys
from strangler_proxy.errors import ProxyError, RoutesError
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.policy.shadow_marker import marker_refusal
from tests.strangler_proxy.live_support import live_proxy
from tests.strangler_proxy.support import AUTH, App, routes_toml, run_async, running_proxy

KEY = b"catalog-shadow-key-0123456789abcdef"
ROUTES = """
[[routes]]
name = "reads"
path_prefix = "/reads/"
to = "monolith"
mirror = "catalog"

[[routes]]
name = "writes"
path_prefix = "/writes/"
to = "monolith"
mirror = "catalog"
shadow_writes = true
"""


def keyed(ports: dict[str, int | str], key_file: Path, body: str = ROUTES) -> str:
    """The routes file with a shadow key for the catalog upstream."""
    text = routes_toml(ports, body)
    return text.replace(f'url = "http://127.0.0.1:{ports["catalog"]}"',
                        f'url = "http://127.0.0.1:{ports["catalog"]}"\n'
                        f'shadow_secret_file = "{key_file}"')


def checking_service(name: str, confirm: bool = True, price: int = 10,
                     reports: dict[str, str] | None = None) -> App:
    """A mirror that refuses a bad marker with 403 and confirms the rollback of a good one (with
    the ``reports`` headers of what it held back, as a generated service answers)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        marker = request.headers.get("X-Demonolith-Shadow", "")
        refusal = marker_refusal(marker, KEY, now=time.time(), service=name,
                                 method=request.method, path=request.path.encode())
        if refusal:
            return web.json_response({"error": refusal}, status=403)
        headers = {"X-Demonolith-Shadow": "rolled-back", **(reports or {})} if confirm else {}
        return web.json_response({"price": price, "size": len(body)}, headers=headers)

    return App(name, handler)


def monolith() -> App:
    """The primary: the same answers as the service, and what it saw."""

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        return web.json_response({"price": 10, "size": len(body)})

    return App("monolith", handler)


async def settled(proxy: Proxy, route: str, count: int) -> dict[str, float]:
    """The shadow outcomes of ``route`` once ``count`` comparisons (match, diff, error) are in."""
    for _ in range(200):
        results = {res: v for (r, res), v in proxy.metrics.shadow.values.items() if r == route}
        if sum(v for res, v in results.items() if res in ("match", "diff", "error")) >= count:
            return results
        await asyncio.sleep(0.02)
    raise AssertionError(f"the shadow comparisons of {route} did not arrive: {results}")


async def send(session: aiohttp.ClientSession, method: str, url: str, **extra: Any) -> int:
    """One request through the proxy; its status."""
    async with session.request(method, url, **extra) as response:
        await response.read()
        return response.status


@run_async(60)
async def test_writes_are_shadowed_only_with_shadow_writes_and_always_signed(tmp_path: Path) -> None:
    key_file = tmp_path / "catalog.key"
    key_file.write_bytes(KEY + b"\n")
    mono, cat = await monolith().start(), await checking_service("catalog").start()
    toml = keyed({"monolith": mono.port, "catalog": cat.port}, key_file)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        forged = {"X-Demonolith-Shadow": "s1.9999999999." + "0" * 32 + "." + "0" * 64}
        assert await send(session, "GET", f"{base}/reads/1", headers=forged) == 200
        assert await send(session, "POST", f"{base}/reads/2", data=b"x") == 200
        assert await send(session, "GET", f"{base}/writes/1") == 200
        assert await send(session, "POST", f"{base}/writes/2", data=b"abc") == 200
        assert await send(session, "PUT", f"{base}/writes/3", data=b"abcd") == 200
        assert await send(session, "DELETE", f"{base}/writes/4%2Fx") == 200
        reads, writes = await settled(proxy, "reads", 1), await settled(proxy, "writes", 4)
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
            text = await response.text()
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/status", headers=AUTH) as response:
            status = await response.json()
    await mono.stop()
    await cat.stop()
    assert reads == {"match": 1, "skipped": 1}, "without shadow_writes the POST is not copied"
    assert writes == {"match": 4}, "every copy passed the service's marker check (no 403)"
    copies = sorted((r.method, r.path) for r in cat.seen)
    assert copies == [("DELETE", "/writes/4/x"), ("GET", "/reads/1"), ("GET", "/writes/1"),
                      ("POST", "/writes/2"), ("PUT", "/writes/3")]
    assert all(r.headers["X-Demonolith-Shadow"].startswith("s1.") for r in cat.seen)
    assert all("X-Demonolith-Shadow" not in r.headers for r in mono.seen), "a client's is removed"
    assert 'proxy_shadow_writes_total{route="writes",result="match"} 3' in text
    assert status["shadow_writes"] == {"writes": {"match": 3}}


@run_async(60)
async def test_a_write_whose_rollback_is_not_confirmed_or_whose_answer_differs_is_reported(
        tmp_path: Path) -> None:
    key_file = tmp_path / "catalog.key"
    key_file.write_bytes(KEY)
    mono = await monolith().start()
    silent = await checking_service("catalog", confirm=False).start()
    toml = keyed({"monolith": mono.port, "catalog": silent.port}, key_file)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        assert await send(session, "POST", f"{base}/writes/1", data=b"x") == 200
        await settled(proxy, "writes", 1)
        unconfirmed = dict(proxy.shadow.writes.values)
        recent = list(proxy.shadow.recent)
    await silent.stop()
    differing = await checking_service("catalog", price=11).start()
    toml = keyed({"monolith": mono.port, "catalog": differing.port}, key_file)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        assert await send(session, "PATCH", f"{base}/writes/1", data=b"x") == 200
        await settled(proxy, "writes", 1)
        diff = dict(proxy.shadow.writes.values)
        diffs = [d for d in proxy.shadow.recent if d["event"] == "shadow_diff"]
    await differing.stop()
    await mono.stop()
    assert unconfirmed == {("writes", "unconfirmed"): 1}
    assert [e["event"] for e in recent] == ["shadow_write_unconfirmed"]
    assert recent[0]["method"] == "POST" and recent[0]["comparison"] == "match"
    assert diff == {("writes", "diff"): 1}
    assert diffs[0]["differences"] == ["$.price"] and diffs[0]["method"] == "PATCH"


def test_shadow_writes_needs_a_mirror_with_a_key() -> None:
    base = '[upstreams.monolith]\nurl = "http://127.0.0.1:1"\n[upstreams.svc]\nurl = "http://127.0.0.1:2"\n'
    with pytest.raises(RoutesError, match=r"routes\[0\]\.shadow_writes: needs a mirror"):
        parse_routes(base + '[[routes]]\npath = "/a"\nto = "svc"\nshadow_writes = true\n')
    with pytest.raises(RoutesError, match=r"needs upstreams\.svc\.shadow_secret_env or"):
        parse_routes(base + '[[routes]]\npath = "/a"\nto = "monolith"\nmirror = "svc"\n'
                     "shadow_writes = true\n")


def test_keys_come_from_the_environment_and_a_missing_one_stops_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    toml = ('[upstreams.monolith]\nurl = "http://127.0.0.1:1"\n[upstreams.svc]\n'
            'url = "http://127.0.0.1:2"\nshadow_secret_env = "TEST_SVC_SHADOW_KEY"\n'
            '[[routes]]\npath = "/a"\nto = "monolith"\nmirror = "svc"\nshadow_writes = true\n')
    config = parse_routes(toml, "test.toml")
    monkeypatch.setenv("TEST_SVC_SHADOW_KEY", "from-the-environment")
    assert load_keys(config).secrets == {"svc": b"from-the-environment"}
    monkeypatch.delenv("TEST_SVC_SHADOW_KEY")
    keys = load_keys(config)
    assert keys.secrets == {} and keys.problems == (
        "upstreams.svc: the shadow secret is empty or missing (environment variable"
        " TEST_SVC_SHADOW_KEY)",)

    async def build() -> None:
        Proxy(config, AccessLog("off"))

    with pytest.raises(ProxyError, match=r"shadow: upstreams\.svc: the shadow secret is empty"):
        asyncio.run(build())


@run_async(60)
async def test_after_a_reload_without_the_key_writes_are_skipped_not_sent_unsigned(
        tmp_path: Path) -> None:
    key_file = tmp_path / "catalog.key"
    key_file.write_bytes(KEY)
    mono, cat = await monolith().start(), await checking_service("catalog").start()
    toml = keyed({"monolith": mono.port, "catalog": cat.port}, key_file)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        key_file.unlink()
        proxy.apply_config(parse_routes(toml, "test.toml"))
        assert await send(session, "POST", f"{base}/writes/1", data=b"x") == 200
        assert await send(session, "GET", f"{base}/writes/2") == 200
        results = await settled(proxy, "writes", 1)
    await mono.stop()
    await cat.stop()
    assert results == {"skipped": 1, "diff": 1}, "the GET went unsigned and was refused"
    assert [(r.method, r.headers["X-Demonolith-Shadow"]) for r in cat.seen] == [("GET", "1")]


@run_async(60)
async def test_the_admin_api_shows_and_changes_shadow_writes(tmp_path: Path) -> None:
    key_file = tmp_path / "catalog.key"
    key_file.write_bytes(KEY)
    mono, cat = await monolith().start(), await checking_service("catalog").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(keyed({"monolith": mono.port, "catalog": cat.port}, key_file)
                      .replace('name = "writes"\npath_prefix = "/writes/"\nto = "monolith"\n'
                               'mirror = "catalog"', 'name = "writes"\npath_prefix = "/writes/"\n'
                               'to = "catalog"').replace("shadow_writes = true\n", ""))
    async with live_proxy(routes) as (proxy, _), aiohttp.ClientSession(headers=AUTH) as session:
        base, admin = (f"http://127.0.0.1:{port}/" for port in (proxy.listen_port, proxy.admin_port))
        async with session.get(admin + "api/routes/reads") as answer:
            shown = await answer.json()
        async with session.patch(admin + "api/routes/reads", json={"shadow_writes": True}) as answer:
            on = (answer.status, (await answer.json())["route"]["shadow_writes"])
        assert await send(session, "POST", base + "reads/on", data=b"x") == 200
        await settled(proxy, "reads", 1)
        async with session.patch(admin + "api/routes/reads", json={"shadow_writes": False}) as answer:
            off = (answer.status, (await answer.json())["route"]["shadow_writes"])
        assert await send(session, "POST", base + "reads/off", data=b"x") == 200
        refused = []
        for name, value in (("writes", True), ("reads", "yes")):
            async with session.patch(admin + f"api/routes/{name}",
                                     json={"shadow_writes": value}) as answer:
                refused.append((answer.status, (await answer.json())["error"]))
        await asyncio.sleep(0.2)
    await mono.stop()
    await cat.stop()
    assert shown["shadow_writes"] is False
    assert on == (200, True) and off == (200, False)
    assert [(r.method, r.path) for r in cat.seen] == [("POST", "/reads/on")], "only while on"
    assert cat.seen[0].headers["X-Demonolith-Shadow"].startswith("s1.")
    assert refused == [(400, "shadow_writes: route writes has no mirror"),
                       (400, "shadow_writes: expected true or false, got 'yes'")]


@run_async(60)
async def test_what_the_service_held_back_or_could_not_is_counted_and_logged(
        tmp_path: Path) -> None:
    key_file = tmp_path / "catalog.key"
    key_file.write_bytes(KEY)
    reports = {"X-Demonolith-Shadow-Suppressed": "cache=0, client=2, mail=1",
               "X-Demonolith-Shadow-Unsuppressed": "connections=1, file_writes=0"}
    mono, cat = await monolith().start(), await checking_service("catalog", reports=reports).start()
    async with running_proxy(keyed({"monolith": mono.port, "catalog": cat.port}, key_file)) as (
            proxy), aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        for number in range(2):
            assert await send(session, "POST", f"{base}/writes/{number}", data=b"x") == 200
        writes = await settled(proxy, "writes", 2)
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
            text = await response.text()
        recent = [entry for entry in proxy.shadow.recent if entry["event"] == "shadow_unsuppressed"]
    await mono.stop()
    await cat.stop()
    assert writes == {"match": 2}, "the reports are not compared"
    for effect, held, count in (("client", "suppressed", 4), ("mail", "suppressed", 2),
                                ("connections", "unsuppressed", 2)):
        assert (f'proxy_shadow_effects_total{{route="writes",effect="{effect}",held="{held}"}}'
                f" {count}") in text
    assert 'effect="cache"' not in text and 'effect="file_writes"' not in text
    assert [entry["effects"] for entry in recent] == [{"connections": 1}] * 2
