"""Hot reload in-process: validate first, keep the old routes on a bad file, lose no request."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from aiohttp import web

from strangler_proxy.config.state import state_path_for
from tests.strangler_proxy.live_support import live_proxy
from tests.strangler_proxy.support import AUTH, App, routes_toml, run_async

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "{target}"

[default]
to = "monolith"
"""


def routes_text(monolith: App, catalog: App, target: str, read_timeout: float = 30.0) -> str:
    text = routes_toml({"monolith": monolith.port, "catalog": catalog.port},
                       ROUTES.format(target=target))
    return text.replace(f'url = "{catalog.url}"',
                        f'url = "{catalog.url}"\nread_timeout = {read_timeout}')


async def served_by(session: aiohttp.ClientSession, port: int) -> str:
    async with session.get(f"http://127.0.0.1:{port}/api/catalog/x") as response:
        assert response.status == 200
        return str((await response.json())["upstream"])


def metric(text: str, name: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return float(line.split()[-1])


@run_async()
async def test_bad_file_keeps_the_old_routes_and_says_why(tmp_path: Path) -> None:
    monolith, catalog = await App("monolith").start(), await App("catalog").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_text(monolith, catalog, "catalog"))
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession() as session:
        outcomes = []
        for bad in ("[[routes]\n", routes_text(monolith, catalog, "nowhere")):
            routes.write_text(bad)
            status = await live.reload("test")
            outcomes.append((status.ok, status.error))
            assert await served_by(session, proxy.listen_port) == "catalog"
        failed_metrics = proxy.metrics.render()
        async with session.post(f"http://127.0.0.1:{proxy.admin_port}/api/reload",
                                headers=AUTH) as response:
            api_refused = response.status
        state_path_for(routes).write_text("{broken")
        routes.write_text(routes_text(monolith, catalog, "monolith"))
        state_failure = await live.reload("test")
        assert await served_by(session, proxy.listen_port) == "catalog"
        state_path_for(routes).unlink()
        assert (await live.reload("test")).ok
        assert await served_by(session, proxy.listen_port) == "monolith"
        good_metrics = proxy.metrics.render()
    assert [ok for ok, _ in outcomes] == [False, False]
    assert "invalid TOML" in str(outcomes[0][1]) and "routes[0].to" in str(outcomes[1][1])
    assert api_refused == 422
    assert not state_failure.ok and "invalid state file" in str(state_failure.error)
    assert metric(failed_metrics, 'demonolith_proxy_reload_failures_total{file="routes"}') == 2
    assert metric(failed_metrics, "demonolith_proxy_last_reload_success") == 0
    assert metric(good_metrics, 'demonolith_proxy_reload_failures_total{file="routes"}') == 3
    assert metric(good_metrics, 'demonolith_proxy_reload_failures_total{file="state"}') == 1
    assert metric(good_metrics, "demonolith_proxy_last_reload_success") == 1
    await monolith.stop()
    await catalog.stop()


@run_async()
async def test_file_change_is_picked_up_by_the_watcher(tmp_path: Path) -> None:
    monolith, catalog = await App("monolith").start(), await App("catalog").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_text(monolith, catalog, "monolith"))
    async with live_proxy(routes, watch=0.05) as (proxy, live), aiohttp.ClientSession() as session:
        assert await served_by(session, proxy.listen_port) == "monolith"
        routes.write_text(routes_text(monolith, catalog, "catalog"))
        for _ in range(100):
            if await served_by(session, proxy.listen_port) == "catalog":
                break
            await asyncio.sleep(0.02)
        assert live.status.reason == "file changed"
        routes.write_text("not toml [")
        await asyncio.sleep(0.3)  # refused once, not retried every poll for the same content
        assert await served_by(session, proxy.listen_port) == "catalog"
        failures = proxy.metrics.render()
    assert reload_failures(failures) == 1
    await monolith.stop()
    await catalog.stop()


def reload_failures(metrics: str) -> float:
    return metric(metrics, 'demonolith_proxy_reload_failures_total{file="routes"}')


@run_async(timeout=60)
async def test_reloads_under_load_lose_no_request(tmp_path: Path) -> None:
    monolith, catalog = await App("monolith").start(), await App("catalog").start()
    routes = tmp_path / "routes.toml"
    versions = [routes_text(monolith, catalog, "catalog", 30.0),
                routes_text(monolith, catalog, "monolith", 29.0)]  # new pool for "catalog"
    routes.write_text(versions[0])
    statuses: list[int] = []
    seen: set[str] = set()
    stop = asyncio.Event()
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession() as session:

        async def client(keep_alive: bool) -> None:
            headers = {} if keep_alive else {"Connection": "close"}
            while not stop.is_set():
                async with session.get(f"http://127.0.0.1:{proxy.listen_port}/api/catalog/x",
                                       headers=headers) as response:
                    body = await response.read()
                    statuses.append(response.status)
                    answered = json.loads(body)
                    seen.add(answered.get("upstream") or f"{response.status}: {answered}")

        load = [asyncio.create_task(client(index % 2 == 0)) for index in range(16)]
        reloads = 0
        while reloads < 20 or len(statuses) < 600:  # bounded by the test's deadline
            await asyncio.sleep(0.03)
            routes.write_text(versions[reloads % 2])
            assert (await live.reload("test")).ok
            reloads += 1
        stop.set()
        await asyncio.gather(*load)
    assert set(statuses) == {200}
    assert seen == {"monolith", "catalog"}
    await monolith.stop()
    await catalog.stop()


@run_async(timeout=60)
async def test_a_request_in_flight_on_a_retired_pool_still_times_out(tmp_path: Path) -> None:
    hung = asyncio.Event()

    async def hang(request: web.Request) -> web.StreamResponse:
        hung.set()
        await asyncio.sleep(30)
        return web.json_response({})

    monolith, catalog = await App("monolith").start(), await App("catalog", hang).start()
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_text(monolith, catalog, "catalog", 0.3).replace(
        "read_timeout = 0.3", "read_timeout = 0.3\nretries = 0"))
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession() as session:
        loop = asyncio.get_running_loop()
        started = loop.time()
        pending = asyncio.create_task(session.get(f"http://127.0.0.1:{proxy.listen_port}/api/catalog/x",
                                                  timeout=aiohttp.ClientTimeout(total=5)))
        await hung.wait()
        routes.write_text(routes_text(monolith, catalog, "monolith", 0.4))  # the pool is retired
        assert (await live.reload("test")).ok
        async with await pending as response:
            status = response.status
        took = loop.time() - started
    assert status == 504 and took < 2.0, (status, took)
    await monolith.stop()
    await catalog.stop()
