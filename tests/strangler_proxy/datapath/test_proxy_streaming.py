"""Streaming both ways with bounded memory (proxy in a subprocess, peak RSS read from /proc),
and WebSocket pass-through."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import WSMsgType, web

from tests.helpers.ports import announced_ports
from tests.strangler_proxy.support import App, routes_toml, run_async, running_proxy

MB = 1 << 20


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


async def wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"nothing listens on {port}")


async def receive_and_hash(request: web.Request) -> web.StreamResponse:
    if request.method == "GET":
        size = int(request.query["size"])
        response = web.StreamResponse()
        response.content_length = size
        await response.prepare(request)
        block = b"d" * MB
        for _ in range(size // MB):
            await response.write(block)
        await response.write_eof()
        return response
    digest, total = hashlib.sha256(), 0
    async for chunk in request.content.iter_chunked(256 * 1024):
        digest.update(chunk)
        total += len(chunk)
    return web.json_response({"size": total, "sha256": digest.hexdigest()})


async def upload(size: int, digest: hashlib._Hash) -> AsyncIterator[bytes]:
    block = bytes(range(256)) * 4096  # 1 MB
    for _ in range(size // MB):
        digest.update(block)
        yield block


@run_async(120)
async def test_200mb_upload_and_100mb_download_with_bounded_proxy_memory(tmp_path: Path) -> None:
    app = await App("monolith", receive_and_hash).start()
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_toml({"monolith": app.port}, ""))
    proxy = subprocess.Popen(
        [sys.executable, "-m", "strangler_proxy", "--routes", str(routes), "--listen",
         "127.0.0.1:0", "--admin", "off", "--access-log", "off"],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proxy.stderr is not None  # the first line says which port the OS chose
        port, _ = announced_ports(await asyncio.to_thread(proxy.stderr.readline))
        await wait_for_port(port)
        baseline = peak_rss_mb(proxy.pid)
        async with aiohttp.ClientSession() as session:
            sent = hashlib.sha256()
            size = 200 * MB
            async with session.post(f"http://127.0.0.1:{port}/upload",
                                    data=upload(size, sent)) as response:  # chunked
                result = await response.json()
            assert result == {"size": size, "sha256": sent.hexdigest()}
            received = 0
            async with session.get(f"http://127.0.0.1:{port}/download?size={100 * MB}") as response:
                async for chunk in response.content.iter_chunked(MB):
                    received += len(chunk)
                    await asyncio.sleep(0)
            assert received == 100 * MB
        peak = peak_rss_mb(proxy.pid)
        assert peak - baseline < 40, (baseline, peak)  # streamed, never buffered
    finally:
        proxy.terminate()
        proxy.communicate(timeout=10)  # reaps it and closes the stderr pipe
        await app.stop()


async def echo(request: web.Request) -> web.StreamResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == WSMsgType.TEXT:
            await ws.send_str("echo:" + message.data)
        elif message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data[::-1])
    return ws


@run_async(30)
async def test_websocket_echo_passes_through() -> None:
    app = await App("monolith", echo).start()
    async with running_proxy(routes_toml({"monolith": app.port}, "")) as proxy, \
            aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{proxy.listen_port}/ws") as ws:
            for i in range(20):
                await ws.send_str(f"hello {i}")
                assert (await ws.receive_str()) == f"echo:hello {i}"
            await ws.send_bytes(b"\x00\x01\x02" * 10000)
            assert (await ws.receive_bytes()) == (b"\x00\x01\x02" * 10000)[::-1]
        async with session.get(f"http://127.0.0.1:{proxy.listen_port}/plain") as response:
            assert response.status in (200, 400, 426)  # not an upgrade: a normal request
    seen = app.seen[0].headers
    assert seen["Upgrade"].lower() == "websocket" and "X-Request-ID" in seen
    await app.stop()
