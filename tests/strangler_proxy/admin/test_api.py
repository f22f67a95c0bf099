"""The admin API in-process: tokens, reading routes and upstreams, changing weights under load."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp

from strangler_proxy.config.state import state_path_for
from tests.strangler_proxy.live_support import live_proxy
from tests.strangler_proxy.support import AUTH, App, routes_toml, run_async

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "monolith"
mirror = { upstream = "shadow", percent = 10 }

[[routes]]
path_prefix = "/unnamed/"
to = "monolith"

[default]
to = "monolith"
"""


async def apps() -> tuple[App, App, App]:
    return (await App("monolith").start(), await App("catalog").start(),
            await App("shadow").start())


def write_routes(tmp: Path, monolith: App, catalog: App, shadow: App) -> Path:
    path = tmp / "routes.toml"
    path.write_text(routes_toml({"monolith": monolith.port, "catalog": catalog.port,
                                 "shadow": shadow.port}, ROUTES))
    return path


@run_async()
async def test_api_refuses_missing_and_wrong_tokens_but_serves_metrics(tmp_path: Path) -> None:
    servers = await apps()
    async with live_proxy(write_routes(tmp_path, *servers)) as (proxy, _), \
            aiohttp.ClientSession() as session:
        admin = f"http://127.0.0.1:{proxy.admin_port}"
        for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"},
                        {"Authorization": "Basic dGVzdDp0ZXN0"}):
            for method, path in (("GET", "/api/routes"), ("PATCH", "/api/routes/catalog"),
                                 ("GET", "/status"), ("POST", "/api/reload")):
                async with session.request(method, admin + path, headers=headers,
                                           json={"to": "catalog"}) as response:
                    assert response.status == 401, (method, path, headers)
                    assert response.headers["WWW-Authenticate"].startswith("Bearer")
        async with session.get(admin + "/metrics") as response:
            assert response.status == 200
        async with session.get(admin + "/api/routes/catalog", headers=AUTH) as response:
            route = await response.json()
    assert route["weights"] == {"monolith": 1} and route["override"] is None
    assert route["mirror"] == {"upstream": "shadow", "percent": 10.0}
    assert not state_path_for(tmp_path / "routes.toml").exists()  # nothing was changed
    for app in servers:
        await app.stop()


@run_async()
async def test_api_reads_routes_upstreams_and_refuses_bad_changes(tmp_path: Path) -> None:
    servers = await apps()
    async with live_proxy(write_routes(tmp_path, *servers)) as (proxy, _), \
            aiohttp.ClientSession(headers=AUTH) as session:
        admin = f"http://127.0.0.1:{proxy.admin_port}"
        async with session.get(admin + "/api/routes") as response:
            listing = await response.json()
        async with session.get(admin + "/api/upstreams") as response:
            upstreams = (await response.json())["upstreams"]
        refused = {}
        for name, body in (("catalog", {"weights": {"nowhere": 1}}), ("catalog", {"weights": {}}),
                           ("catalog", {"weights": {"catalog": 0}}), ("catalog", {"to": "x"}),
                           ("catalog", {"mirror_percent": 101}), ("catalog", {"oops": 1}),
                           ("default", {"mirror_percent": 5}), ("nope", {"to": "catalog"}),
                           ("routes[1]", {"to": "catalog"})):
            async with session.patch(f"{admin}/api/routes/{name}", json=body) as response:
                refused[json.dumps([name, body])] = response.status
        async with session.patch(f"{admin}/api/routes/catalog", data=b"{not json") as response:
            assert response.status == 400
    assert [r["name"] for r in listing["routes"]] == ["catalog", "routes[1]"]
    assert listing["default"]["weights"] == {"monolith": 1} and listing["reload"]["ok"]
    assert upstreams["catalog"] == {"healthy": True, "breaker": "closed", "idle_connections": 0}
    statuses = list(refused.values())
    assert statuses == [400, 400, 400, 400, 400, 400, 400, 404, 409], refused
    for app in servers:
        await app.stop()


@run_async(timeout=60)
async def test_weight_change_under_load_takes_effect_without_errors(tmp_path: Path) -> None:
    servers = await apps()
    routes = write_routes(tmp_path, *servers)
    results: list[tuple[str, int, str]] = []  # (when sent, status, upstream)
    changing, changed = asyncio.Event(), asyncio.Event()
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{proxy.listen_port}/api/catalog/item"

        async def client() -> None:
            while len(results) < 3000:
                when = "after" if changed.is_set() else "during" if changing.is_set() else "before"
                async with session.get(url) as response:
                    body = await response.json()
                    results.append((when, response.status, body["upstream"]))

        load = [asyncio.create_task(client()) for _ in range(16)]
        while len(results) < 800:
            await asyncio.sleep(0.01)
        changing.set()
        async with session.patch(
            f"http://127.0.0.1:{proxy.admin_port}/api/routes/catalog",
            json={"weights": {"catalog": 3, "monolith": 1}},
            headers={**AUTH, "X-Admin-User": "alice"},
        ) as response:
            change = await response.json()
            assert response.status == 200, change
        changed.set()
        await asyncio.gather(*load)
        history = live.state.history
    assert all(status == 200 for _, status, _ in results)
    before = [upstream for when, _, upstream in results if when == "before"]
    after = [upstream for when, _, upstream in results if when == "after"]
    assert set(before) == {"monolith"} and len(after) > 1000
    share = after.count("catalog") / len(after)
    assert 0.68 < share < 0.82, share
    assert change["route"]["weights"] == {"monolith": 1, "catalog": 3}  # the route's order kept
    assert change["by"] == {"token": "test", "client": "127.0.0.1", "user": "alice"}
    saved = json.loads(state_path_for(routes).read_text())
    assert saved["overrides"][0]["weights"] == [["monolith", 1], ["catalog", 3]]
    assert saved["overrides"][0]["base"]["weights"] == [["monolith", 1]]
    assert history[-1].who.user == "alice" and history[-1].action == "set"
    for app in servers:
        await app.stop()


@run_async()
async def test_mirror_percent_and_target_change_then_reset(tmp_path: Path) -> None:
    servers = await apps()
    routes = write_routes(tmp_path, *servers)
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession(headers=AUTH) as session:
        admin = f"http://127.0.0.1:{proxy.admin_port}"
        async with session.patch(admin + "/api/routes/catalog",
                                 json={"to": "catalog", "mirror_percent": 0}) as response:
            changed = await response.json()
        async with session.get(f"http://127.0.0.1:{proxy.listen_port}/api/catalog/x") as response:
            served_by = (await response.json())["upstream"]
        async with session.delete(admin + "/api/routes/catalog/override") as response:
            reset = await response.json()
        async with session.get(f"http://127.0.0.1:{proxy.listen_port}/api/catalog/x") as response:
            served_after_reset = (await response.json())["upstream"]
        async with session.get(admin + "/api/changes") as response:
            log = (await response.json())["changes"]
    assert changed["route"]["weights"] == {"catalog": 1}
    assert changed["route"]["mirror"]["percent"] == 0.0 and changed["overridden"]
    assert changed["route"]["override"]["file"]["weights"] == {"monolith": 1}
    assert served_by == "catalog" and served_after_reset == "monolith"
    assert not reset["overridden"] and reset["route"]["override"] is None
    assert [entry["action"] for entry in log] == ["set", "reset"]
    assert live.state.overrides == ()
    for app in servers:
        await app.stop()
