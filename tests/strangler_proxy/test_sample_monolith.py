"""The proxy in front of the real sample monolith (Django ``runserver`` on a temp SQLite file):
routes to a dead extracted service fall back to the monolith, and shadow compares Django to itself."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.helpers.ports import free_port_number, taken
from tests.strangler_proxy.support import routes_toml, run_async, running_proxy

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ROOT / "sample_monolith" / "manage.py"


async def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    """True once ``url`` answers; False when runserver exited because its port was taken."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                output = log.read_text(errors="replace")
                assert taken(output), f"runserver exited:\n{output}"
                return False
            try:
                async with session.get(url) as response:
                    if response.status < 500 and process.poll() is None:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the sample monolith did not start")


async def start_runserver(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The sample monolith's runserver; it binds a number itself, so a taken port is retried."""
    for _ in range(5):
        port = free_port_number()
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, str(MANAGE), "runserver", "--noreload", f"127.0.0.1:{port}"],
                env=env, stdout=out, stderr=out)
        if await wait_until_up(f"http://127.0.0.1:{port}/healthz/", server, log):
            return server, port
    raise AssertionError("runserver found no free port in 5 attempts")


@run_async(120)
async def test_proxy_in_front_of_the_sample_monolith(tmp_path: Path, dead_port: int) -> None:
    env = {**os.environ, "SHOP_DB_PATH": str(tmp_path / "shop.sqlite3"), "SHOP_DEBUG": "0"}
    subprocess.run([sys.executable, str(MANAGE), "migrate", "-v0"], env=env, check=True,
                   timeout=120)
    server, port = await start_runserver(env, tmp_path / "runserver.log")
    body = f"""
    [upstreams.catalog]
    url = "http://127.0.0.1:{dead_port}"
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
            for _ in range(400):  # the mirrored runserver answers slowly on a loaded machine
                if proxy.metrics.shadow.values.get(("health", "match")):
                    break
                await asyncio.sleep(0.05)
            assert proxy.metrics.shadow.values.get(("health", "match")) == 1
            assert proxy.metrics.fallbacks.values[("catalog", "monolith")] == 2
    finally:
        server.terminate()
        server.wait(10)
