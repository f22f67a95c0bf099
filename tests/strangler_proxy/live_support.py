"""Support for the part-2 tests: the proxy with live routes in-process, and as a real process.

In-process: :func:`live_proxy` runs the real Proxy, LiveRoutes and admin API on free ports.
As processes: :func:`start_backend` (a threaded HTTP server answering with its path, slowly for
``/slow``, in 20 ms for ``/steady``), :func:`start_proxy` (``python -m strangler_proxy`` with the
ports it announced; a context manager ending it).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strangler_proxy.admin.api import api_handlers
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.state import state_path_for
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.process.lifecycle import apply_to
from strangler_proxy.process.promotion import PromotionLoop, ReadSync, fetch_sync_status
from tests.strangler_proxy.support import ADMIN_TOKEN

# Two upstreams on one backend port; the route named "catalog" starts on the monolith.
CATALOG_ON_MONOLITH = """
[upstreams.monolith]
url = "http://127.0.0.1:{port}"
[upstreams.catalog]
url = "http://127.0.0.1:{port}"

[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "monolith"

[default]
to = "monolith"
"""

def promoted_catalog(port: int, promotion: str) -> str:
    """A routes file: the "catalog" route on both upstreams of one backend port, weighted 75/25,
    with the ``[routes.promotion]`` table's ``promotion`` lines."""
    return f"""
[upstreams.monolith]
url = "http://127.0.0.1:{port}"
[upstreams.catalog]
url = "http://127.0.0.1:{port}"

[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
weights = {{ monolith = 75, catalog = 25 }}
[routes.promotion]
{promotion.strip()}

[default]
to = "monolith"
"""


BACKEND = r"""
import http.server, json, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_GET(self):
        if self.path.endswith("/slow"):
            print("slow request arrived", flush=True)  # read by wait_for_slow_request
            time.sleep(float(sys.argv[1]))
        elif self.path.endswith("/steady"):
            time.sleep(0.02)  # a service's time to answer, beside which a machine's jitter is small
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@contextlib.asynccontextmanager
async def live_proxy(routes: Path, watch: float | None = None) -> AsyncIterator[tuple[Proxy, LiveRoutes]]:
    """The proxy serving ``routes`` with its state file, admin API and (optionally) the watcher."""
    live = LiveRoutes(routes, state_path_for(routes), owner=True)
    proxy = Proxy(live.config, AccessLog("off"), admin_tokens=(("test", ADMIN_TOKEN),))
    live.attach(apply_to([proxy]), proxy.metrics)

    async def upstreams() -> dict[str, Any]:
        return {"upstreams": proxy.status()["upstreams"]}

    async def reset_breaker(name: str) -> bool:
        return proxy.reset_breaker(name)

    proxy.admin_routes.update(api_handlers(live, upstreams, reset_breaker))
    await proxy.start("127.0.0.1:0", "127.0.0.1:0")
    watcher = asyncio.create_task(live.watch(watch)) if watch else None
    try:
        yield proxy, live
    finally:
        if watcher is not None:
            watcher.cancel()
        await proxy.stop()


@contextlib.asynccontextmanager
async def promoting_proxy(
    routes: Path, tick: float = 0.05, read_sync: ReadSync = fetch_sync_status,
) -> AsyncIterator[tuple[Proxy, LiveRoutes, PromotionLoop]]:
    """The proxy, its live routes and admin API with the automatic canary running (a round every
    ``tick`` seconds at most), wired as ``serve_live`` wires them."""
    live = LiveRoutes(routes, state_path_for(routes), owner=True)
    proxy = Proxy(live.config, AccessLog("off"), admin_tokens=(("test", ADMIN_TOKEN),))
    live.attach(apply_to([proxy]), proxy.metrics)

    async def samples() -> dict[tuple[str, str], list[tuple[float, float, bool]]]:
        return proxy.samples.take()

    async def upstreams() -> dict[str, Any]:
        return {"upstreams": proxy.status()["upstreams"]}

    promotions = PromotionLoop(live, samples, proxy.metrics, read_sync, tick)
    proxy.admin_routes.update(api_handlers(live, upstreams, None, promotions))
    await proxy.start("127.0.0.1:0", "127.0.0.1:0")
    task = asyncio.create_task(promotions.run())
    try:
        yield proxy, live, promotions
    finally:
        task.cancel()
        await proxy.stop()


def start_backend(slow_seconds: float = 2.0) -> tuple[subprocess.Popen[str], int]:
    """A backend process on a free port; ``/…/slow`` answers after ``slow_seconds``."""
    process = subprocess.Popen([sys.executable, "-c", BACKEND, str(slow_seconds)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, int(process.stdout.readline())


@dataclass
class ProxyProcess:
    """A running ``python -m strangler_proxy`` and what it wrote on stderr."""

    process: subprocess.Popen[str]
    port: int
    admin: int
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def events(self, name: str) -> list[dict[str, Any]]:
        """The JSON log events called ``name`` it logged so far."""
        found = []
        for line in list(self.lines):
            start = line.find("{")
            if start >= 0 and f'"event": "{name}"' in line:
                found.append(json.loads(line[start:]))
        return found

    def wait(self, timeout: float = 20.0) -> int:
        """Its exit status, once it exited (its stderr read to the end and closed)."""
        status = self.process.wait(timeout)
        if self.reader is not None:
            self.reader.join(timeout)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return status

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, then its exit status (killed if it has not exited within ``timeout``)."""
        self.process.terminate()
        try:
            return self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.ended()
            raise

    def ended(self) -> None:
        """Kill it unless it has exited already, and reap it (what a test leaves behind)."""
        if self.process.poll() is None:
            self.process.kill()
        self.wait()

    def __enter__(self) -> ProxyProcess:
        """The process, ended when the block is left, whatever it raised."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended()


def start_proxy(routes: Path, *args: str, timeout: float = 20.0) -> ProxyProcess:
    """Start the proxy on free ports (``--listen``/``--admin`` 127.0.0.1:0 unless given)."""
    extra = list(args)
    if "--listen" not in extra:
        extra += ["--listen", "127.0.0.1:0"]
    if "--admin" not in extra:
        extra += ["--admin", "127.0.0.1:0"]
    command = [sys.executable, "-m", "strangler_proxy", "--routes", str(routes), *extra]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "proxy listening on" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(timeout) or process.poll() is not None:
        process.kill()
        ProxyProcess(process, 0, 0, lines, reader).wait()
        raise AssertionError("proxy did not start: " + "".join(lines))
    line = next(line for line in lines if "proxy listening on" in line)
    ports = [int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", line)]
    return ProxyProcess(process, ports[0], ports[1], lines, reader)


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET on a new connection: status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def admin_json(port: int, method: str, path: str, body: Any = None,
               token: str | None = ADMIN_TOKEN) -> tuple[int, Any]:
    """One admin API call: status and parsed JSON."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        data = None if body is None else json.dumps(body)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@dataclass
class Backend:
    """A running backend process and its port."""

    process: subprocess.Popen[str]
    port: int

    def wait_for_slow_request(self, timeout: float = 20.0) -> None:
        """Block until a ``/…/slow`` request reached the backend (it says so on stdout)."""
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], timeout)
        if not ready or stdout.readline().strip() != "slow request arrived":
            raise AssertionError(f"no slow request reached the backend within {timeout}s")


@contextlib.contextmanager
def slow_backend(slow_seconds: float) -> Iterator[Backend]:
    """A backend process for the block that reports when a slow request arrives."""
    process, port = start_backend(slow_seconds)
    try:
        yield Backend(process, port)
    finally:
        process.kill()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@contextlib.contextmanager
def backend(slow_seconds: float = 2.0) -> Iterator[int]:
    """A backend process for the block; yields its port."""
    process, port = start_backend(slow_seconds)
    try:
        yield port
    finally:
        process.kill()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def wait_until(check: Any, timeout: float = 10.0) -> None:
    """Poll ``check()`` until it is true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
