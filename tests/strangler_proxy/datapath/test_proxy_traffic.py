"""Canary split and stickiness, and shadow traffic with comparison, through the real proxy."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import aiohttp
from aiohttp import web

from tests.strangler_proxy.support import App, routes_toml, run_async, running_proxy

CANARY = """
[[routes]]
name = "canary"
path_prefix = "/api/"
weights = { catalog = 10, monolith = 90 }

[[routes]]
name = "sticky-cookie"
path_prefix = "/cookie/"
weights = { catalog = 50, monolith = 50 }
sticky = { cookie = "sessionid" }

[[routes]]
name = "sticky-header"
path_prefix = "/header/"
weights = { catalog = 50, monolith = 50 }
sticky = { header = "X-User-Id" }
"""


async def fetch_upstream(session: aiohttp.ClientSession, url: str, **kwargs: object) -> str:
    async with session.get(url, **kwargs) as response:  # type: ignore[arg-type]
        assert response.status == 200
        return str((await response.json())["upstream"])


@run_async(60)
async def test_canary_split_within_tolerance_and_sticky_users() -> None:
    mono, cat = await App("monolith").start(), await App("catalog").start()
    toml = routes_toml({"monolith": mono.port, "catalog": cat.port}, CANARY)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        n = 3000
        sem = asyncio.Semaphore(25)

        async def one(i: int) -> str:
            async with sem:
                return await fetch_upstream(session, f"{base}/api/item/{i}")

        counts = Counter(await asyncio.gather(*(one(i) for i in range(n))))
        # binomial(3000, 0.1): mean 300, sd 16.4; allow 5 sd
        assert abs(counts["catalog"] - 300) < 82, counts
        assert counts["catalog"] + counts["monolith"] == n

        for user in range(20):
            sides = {
                await fetch_upstream(session, f"{base}/cookie/x",
                                     headers={"Cookie": f"a=1; sessionid=user{user}"})
                for _ in range(5)
            }
            assert len(sides) == 1
            sides = {
                await fetch_upstream(session, f"{base}/header/x",
                                     headers={"X-User-Id": f"user{user}"})
                for _ in range(5)
            }
            assert len(sides) == 1
        users = Counter([
            await fetch_upstream(session, f"{base}/cookie/x",
                                 headers={"Cookie": f"sessionid=u{i}"})
            for i in range(200)
        ])
        assert users["catalog"] > 50 and users["monolith"] > 50  # users are split, not all one side
    await mono.stop()
    await cat.stop()


SHADOW = """
[[routes]]
name = "products"
path_prefix = "/products/"
to = "monolith"
mirror = { upstream = "catalog", ignore = ["served_by"], learn_noise = true }

[[routes]]
name = "orders"
path_prefix = "/orders/"
to = "monolith"
mirror = "catalog"
"""


def shop(name: str, price: dict[str, int]) -> App:
    counter = itertools.count()

    async def handler(request: web.Request) -> web.StreamResponse:
        await request.read()
        shadow = request.headers.get("X-Demonolith-Shadow")
        item = request.path.rsplit("/", 1)[-1]
        return web.json_response({
            "id": item, "price": price.get(item, 10), "served_by": name,
            "generated_at": next(counter),  # noise: differs on every call, even on one side
            "shadow_marker": shadow,
        })

    return App(name, handler)


@run_async(60)
async def test_shadow_finds_planted_difference_and_ignores_noise() -> None:
    mono = await shop("monolith", {}).start()
    cat = await shop("catalog", {"7": 11}).start()  # planted: item 7 costs 11 in the new service
    toml = routes_toml({"monolith": mono.port, "catalog": cat.port}, SHADOW)
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        for item in ("1", "2", "7", "3"):
            async with session.get(f"{base}/products/{item}") as response:
                body = await response.json()
                assert body["served_by"] == "monolith" and body["shadow_marker"] is None
        async with session.post(f"{base}/products/9", data=b"x") as response:
            assert response.status == 200  # POST is not mirrored (idempotent only)
        for _ in range(100):
            if sum(v for (r, res), v in proxy.metrics.shadow.values.items()
                   if r == "products" and res in ("match", "diff")) >= 4:
                break
            await asyncio.sleep(0.05)
        results = {res: v for (r, res), v in proxy.metrics.shadow.values.items() if r == "products"}
        assert results.get("diff") == 1, results
        assert results.get("match") == 3, results
        assert results.get("skipped") == 1  # the POST
        diffs = [d for d in proxy.shadow.recent if d["route"] == "products"]
        assert len(diffs) == 1 and diffs[0]["differences"] == ["$.price"]
        assert "$.generated_at" in proxy.shadow.noise.rules("products")
        shadow_hits = [r for r in cat.seen if r.headers.get("X-Demonolith-Shadow") == "1"]
        assert len(shadow_hits) == 4 and all(r.method == "GET" for r in cat.seen)

        # without noise learning the ever-changing field is reported
        async with session.get(f"{base}/orders/1") as response:
            assert response.status == 200
        for _ in range(100):
            if any(d["route"] == "orders" for d in proxy.shadow.recent):
                break
            await asyncio.sleep(0.05)
        orders = [d for d in proxy.shadow.recent if d["route"] == "orders"]
        assert "$.generated_at" in orders[0]["differences"]
        async with session.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
            text = await response.text()
        assert 'proxy_shadow_comparisons_total{route="products",result="diff"} 1' in text
    await mono.stop()
    await cat.stop()


@run_async(60)
async def test_shadow_never_delays_the_client_and_drops_when_full() -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.json_response({})

    mono, cat = await App("monolith").start(), await App("catalog", slow).start()
    toml = routes_toml(
        {"monolith": mono.port, "catalog": cat.port},
        SHADOW + "\n[listen]\nshadow_queue = 2\nshadow_workers = 1\n",
    )
    async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{proxy.listen_port}"
        loop = asyncio.get_running_loop()
        started = loop.time()
        for i in range(10):
            async with session.get(f"{base}/orders/{i}") as response:
                assert response.status == 200
        assert loop.time() - started < 1.5  # the 2-second shadow never held a client
        dropped = proxy.metrics.shadow.values.get(("orders", "dropped"), 0)
        assert dropped >= 6  # 1 in the worker + 2 queued; the rest dropped, counted
    await mono.stop()
    await cat.stop()
