"""The proxy in front of the real sample monolith (Django ``runserver`` on a temp SQLite file):
routes to a dead extracted service fall back to the monolith, and shadow compares Django to itself."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.strangler_proxy.support import free_port, routes_toml, run_async, running_proxy

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ROOT / "sample_monolith" / "manage.py"


async def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            assert process.poll() is None, "runserver exited"
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the sample monolith did not start")


@run_async(120)
async def test_proxy_in_front_of_the_sample_monolith(tmp_path: Path) -> None:
    env = {**os.environ, "SHOP_DB_PATH": str(tmp_path / "shop.sqlite3"), "SHOP_DEBUG": "0"}
    subprocess.run([sys.executable, str(MANAGE), "migrate", "-v0"], env=env, check=True,
                   timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(MANAGE), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    body = f"""
    [upstreams.catalog]
    url = "http://127.0.0.1:{free_port()}"
    connect_timeout = 0.5
    [[routes]]
    name = "catalog"
    path_prefix = "/api/catalog/"
    to = "catalog"
    fallback = "monolith"
    [[routes]]
    name = "health"
    path = "/healthz/"
    to = "monolith"
    mirror = "twin"
    """
    try:
        await wait_until_up(f"http://127.0.0.1:{port}/healthz/", server)
        toml = routes_toml({"monolith": port, "twin": port}, body)
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{proxy.listen_port}"
            async with session.get(base + "/api/catalog/products/") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("application/json")
                await response.json()
            async with session.get(base + "/api/catalog/../catalog/categories/") as response:
                assert response.status == 200
            async with session.get(base + "/healthz/") as response:
                assert response.status == 200
            for _ in range(100):
                if proxy.metrics.shadow.values.get(("health", "match")):
                    break
                await asyncio.sleep(0.05)
            assert proxy.metrics.shadow.values.get(("health", "match")) == 1
            assert proxy.metrics.fallbacks.values[("catalog", "monolith")] == 2
    finally:
        server.terminate()
        server.wait(10)
