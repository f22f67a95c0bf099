"""``--workers N``: a supervisor process and N worker processes sharing the port (SO_REUSEPORT).

The supervisor serves no client traffic. It owns the routes: it validates them, watches the
routes and state files, serves the admin API, and writes admin changes to the state file. After
every successful reload or change it tells each worker ``reload`` over the worker's private Unix
socket and waits for the answers, so an admin change returns only once every worker applies it
(the response says how many did). ``/metrics`` asks every worker for a snapshot and merges them
(:mod:`strangler_proxy.observe.aggregate`); the automatic canary runs here, on the samples every
worker hands over. A worker that dies is restarted (at most once a second); it
reads the current files when it starts. SIGTERM is passed on to the workers, which drain; the
supervisor waits for them (``drain_seconds`` + 5 s at most, then SIGKILL) and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strangler_proxy.admin.api import api_handlers
from strangler_proxy.admin.server import AdminRequest, AdminResponse, AdminServer, Handler, json_response
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.datapath.proxy import parse_address
from strangler_proxy.errors import ProxyError
from strangler_proxy.observe.aggregate import merge, render, snapshot
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.observe.samples import Taken, merged, samples_from_json
from strangler_proxy.process.lifecycle import Lifecycle, Listening, stop_signals
from strangler_proxy.process.promotion import PromotionLoop

logger = logging.getLogger("strangler_proxy.workers")
START_SECONDS = 15.0
_BREAKER_RANK = {"closed": 0, "half_open": 1, "open": 2}


@dataclass
class Worker:
    """One worker process and its control socket."""

    index: int
    control: Path
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0


@dataclass
class Bound:
    """The supervisor's ports, for the start-up announcement."""

    listen_port: int
    admin_port: int
    scheme: bytes = b"http"


@dataclass
class WorkerOptions:
    """What every worker is started with."""

    routes: Path
    state_file: Path
    access_log: str | None
    tls: tuple[str | None, str | None] = (None, None)
    loop: str = "auto"


async def ask(control: Path, command: str, timeout: float = 10.0) -> dict[str, Any]:
    """Send one command to a worker and return its JSON answer."""
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_unix_connection(str(control))
        try:
            writer.write(command.encode() + b"\n")
            await writer.drain()
            data: dict[str, Any] = json.loads(await reader.read())
            return data
        finally:
            writer.close()


def fixed_listen(listen: str) -> str:
    """``host:0`` -> ``host:PORT`` with a free port: every worker must bind the same one."""
    host, port = parse_address(listen, "listen")
    if port:
        return listen
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return f"{listen.rpartition(':')[0]}:{sock.getsockname()[1]}"


class WorkerSupervisor:
    """Starts, watches and stops the workers; serves the admin API for all of them."""

    def __init__(self, live: LiveRoutes, how: Lifecycle, count: int, options: WorkerOptions) -> None:
        self.live = live
        self.how = how
        self.options = options
        self.listen = fixed_listen(how.listen)
        self.dir = Path(tempfile.mkdtemp(prefix="demonolith-workers-"))
        self.workers = [Worker(i, self.dir / f"worker-{i}.sock") for i in range(count)]
        self.metrics = PrometheusRegistry()
        self.stopping = asyncio.Event()
        self._admin: AdminServer | None = None
        self.promotions: PromotionLoop | None = None

    # -- processes ---------------------------------------------------------------------------
    def _spawn(self, worker: Worker) -> None:
        options = self.options
        command = [sys.executable, "-m", "strangler_proxy.process.worker", "--routes", str(options.routes),
                   "--state-file", str(options.state_file), "--listen", self.listen,
                   "--control", str(worker.control),
                   "--drain-seconds", str(self.how.drain_seconds), "--loop", options.loop]
        log = options.access_log or self.live.config.access_log
        if log:
            command += ["--access-log", log if log in ("-", "off") else f"{log}.w{worker.index}"]
        cert, key = options.tls
        if cert and key:
            command += ["--tls-cert", cert, "--tls-key", key]
        with contextlib.suppress(FileNotFoundError):
            worker.control.unlink()
        worker.process = subprocess.Popen(command)
        worker.started = time.monotonic()

    async def _until_ready(self, worker: Worker) -> None:
        deadline = time.monotonic() + START_SECONDS
        assert worker.process is not None
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise ProxyError(f"worker {worker.index} could not start "
                                 f"(exit status {worker.process.returncode})")
            with contextlib.suppress(OSError, TimeoutError, ValueError):
                await ask(worker.control, "metrics", timeout=2.0)
                return
            await asyncio.sleep(0.05)
        raise ProxyError(f"worker {worker.index} did not start within {START_SECONDS:.0f} s")

    async def _monitor(self) -> None:
        """Restart workers that died (not while stopping), at most once a second each."""
        while not self.stopping.is_set():
            await asyncio.sleep(0.2)
            for worker in self.workers:
                process = worker.process
                if process is None or process.poll() is None or self.stopping.is_set():
                    continue
                if time.monotonic() - worker.started < 1.0:
                    continue
                logger.warning(json.dumps({"event": "worker_restarted", "worker": worker.index,
                                           "exit_status": process.returncode}))
                self._spawn(worker)

    def alive(self) -> list[Worker]:
        """Workers whose process is running."""
        return [w for w in self.workers if w.process is not None and w.process.poll() is None]

    # -- what the admin API and reloads need --------------------------------------------------
    async def broadcast(self, config: ProxyConfig) -> dict[str, Any]:
        """Tell every worker to reload; report how many applied the supervisor's digest."""
        workers = self.alive()
        answers = await asyncio.gather(*(ask(w.control, "reload") for w in workers),
                                       return_exceptions=True)
        applied, failed = 0, []
        for worker, answer in zip(workers, answers, strict=True):
            if isinstance(answer, dict) and answer.get("ok"):
                applied += 1
            else:
                error = answer.get("error") if isinstance(answer, dict) else repr(answer)
                failed.append({"worker": worker.index, "error": error})
        if failed:
            logger.warning(json.dumps({"event": "workers_not_reloaded", "failed": failed}))
        return {"workers": {"total": len(self.workers), "applied": applied, "failed": failed}}

    async def snapshots(self) -> list[tuple[Worker, dict[str, Any]]]:
        """Each live worker's answer to ``metrics`` (workers that do not answer are skipped)."""
        workers = self.alive()
        answers = await asyncio.gather(*(ask(w.control, "metrics", 5.0) for w in workers),
                                       return_exceptions=True)
        return [(w, a) for w, a in zip(workers, answers, strict=True) if isinstance(a, dict)]

    async def samples(self) -> Taken:
        """The promoted routes' request samples every live worker recorded since the last ask."""
        answers = await asyncio.gather(*(ask(w.control, "samples", 5.0) for w in self.alive()),
                                       return_exceptions=True)
        return merged([samples_from_json(a["samples"]) for a in answers
                       if isinstance(a, dict) and "samples" in a])

    async def upstreams(self) -> dict[str, Any]:
        """Health and breaker state of each upstream, per worker and overall (worst)."""
        found: dict[str, dict[str, Any]] = {}
        for worker, answer in await self.snapshots():
            for name, state in answer["status"]["upstreams"].items():
                entry = found.setdefault(name, {"healthy": True, "breaker": "closed", "workers": {}})
                entry["workers"][str(worker.index)] = state
                entry["healthy"] = entry["healthy"] and state["healthy"]
                if _BREAKER_RANK[state["breaker"]] > _BREAKER_RANK[entry["breaker"]]:
                    entry["breaker"] = state["breaker"]
        return {"upstreams": dict(sorted(found.items()))}

    async def reset_breaker(self, name: str) -> bool:
        """Tell every live worker to close the breaker of upstream ``name``."""
        answers = await asyncio.gather(*(ask(w.control, f"reset-breaker {name}")
                                         for w in self.alive()), return_exceptions=True)
        return any(isinstance(a, dict) and a.get("ok") for a in answers)

    def handlers(self) -> dict[tuple[str, str], Handler]:
        """Admin listener: merged metrics, health, per-worker status, and the admin API."""

        async def metrics(request: AdminRequest) -> AdminResponse:
            answers = await self.snapshots()
            merged = merge([snapshot(self.metrics), *(a["metrics"] for _, a in answers)])
            return AdminResponse(200, render(merged).encode(),
                                 "text/plain; version=0.0.4; charset=utf-8")

        async def healthz(request: AdminRequest) -> AdminResponse:
            return json_response(200, {"status": "draining" if self.stopping.is_set() else "ok",
                                       "workers": len(self.alive())})

        async def status(request: AdminRequest) -> AdminResponse:
            answers = await self.snapshots()
            return json_response(200, {"digest": self.live.status.digest, "workers": [
                {"worker": w.index, "pid": a["pid"], "digest": a["digest"], **a["status"]}
                for w, a in answers]})

        return {("GET", "/metrics"): metrics, ("GET", "/healthz"): healthz,
                ("GET", "/status"): status,
                **api_handlers(self.live, self.upstreams, self.reset_breaker, self.promotions)}

    # -- the whole run ------------------------------------------------------------------------
    async def run(self, ready: Callable[[Listening], None] | None = None) -> None:
        """Start the workers and the admin listener; serve until SIGTERM; stop the workers."""
        self.live.attach(self.broadcast, self.metrics)
        self.promotions = PromotionLoop(self.live, self.samples, self.metrics)
        self.metrics.add_gauge("demonolith_proxy_workers", "Worker processes running.", (),
                               lambda: {(): float(len(self.alive()))})
        try:
            for worker in self.workers:
                self._spawn(worker)
            await asyncio.gather(*(self._until_ready(w) for w in self.workers))
            admin_port = 0
            if self.how.admin:
                host, port = parse_address(self.how.admin, "admin")
                self._admin = AdminServer(self.handlers(), self.how.tokens)
                try:
                    admin_port = await self._admin.start(host, port)
                except OSError as exc:
                    raise ProxyError(f"cannot listen: {exc.strerror or exc}") from exc
            await self._serve(ready, admin_port)
        finally:
            await self._stop()

    async def _serve(self, ready: Callable[[Listening], None] | None, admin_port: int) -> None:
        tasks: set[asyncio.Task[Any]] = set()

        def reload() -> None:
            task = asyncio.create_task(self.live.reload("SIGHUP"))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        stop_signals(self.stopping, reload)
        background = [asyncio.create_task(self.live.watch(self.how.watch_interval)),
                      asyncio.create_task(self._monitor())]
        if self.promotions is not None:
            background.append(asyncio.create_task(self.promotions.run()))
        if ready is not None:
            scheme = b"https" if self.options.tls[0] or self.live.config.tls_cert else b"http"
            ready(Bound(int(self.listen.rpartition(":")[2]), admin_port, scheme))
        try:
            await self.stopping.wait()
        finally:
            for task in background:
                task.cancel()

    async def _stop(self) -> None:
        """SIGTERM every worker, wait for their drain, SIGKILL stragglers, clean up."""
        self.stopping.set()
        for worker in self.alive():
            assert worker.process is not None
            worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.how.drain_seconds + 5.0
        while self.alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for worker in self.alive():
            assert worker.process is not None
            worker.process.kill()
        for worker in self.workers:
            if worker.process is not None:
                worker.process.wait()
        if self._admin is not None:
            await self._admin.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
