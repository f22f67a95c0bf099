"""One proxy process from start to exit: live routes, admin API, reload signals, graceful drain.

* SIGHUP, a changed routes or state file (polled every second), or ``POST /api/reload`` reload the
  routes; a bad file keeps the old routes (see :mod:`strangler_proxy.config.live`).
* routes with a ``promotion`` table are promoted by a :class:`PromotionLoop` (see
  :mod:`strangler_proxy.process.promotion`);
* SIGTERM / SIGINT stop accepting connections, let in-flight requests finish for up to
  ``drain_seconds``, then close what is left and return (the process exits 0).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from strangler_proxy.admin.api import api_handlers
from strangler_proxy.config.admin_tokens import Tokens
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.state import state_path_for
from strangler_proxy.datapath.proxy import Proxy
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.observe.samples import Taken
from strangler_proxy.process.promotion import PromotionLoop

logger = logging.getLogger("strangler_proxy")
DEFAULT_DRAIN_SECONDS = 30.0


@dataclass(frozen=True)
class Lifecycle:
    """How a process runs: where it listens, who may administer it, how long it drains."""

    listen: str
    admin: str | None
    access_log: str | None = None
    tokens: Tokens = ()
    drain_seconds: float = DEFAULT_DRAIN_SECONDS
    watch_interval: float = 1.0
    reuse_port: bool = False


class Listening(Protocol):
    """What the start-up announcement needs (a Proxy, or the supervisor's ports)."""

    listen_port: int
    admin_port: int
    scheme: bytes


def stop_signals(stopping: asyncio.Event, reload: Callable[[], None] | None) -> None:
    """SIGTERM / SIGINT set ``stopping``; SIGHUP calls ``reload`` (ignored when None)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    loop.add_signal_handler(signal.SIGHUP, reload or (lambda: None))


async def drain_and_stop(proxy: Proxy, seconds: float) -> None:
    """Graceful shutdown: drain for up to ``seconds``, then stop; logs what was cut."""
    cut = await proxy.drain(seconds)
    logger.warning(json.dumps({"event": "drained", "cut_requests": cut, "deadline_s": seconds}))
    await proxy.stop()


def apply_to(proxy_ref: list[Proxy]) -> Callable[[ProxyConfig], Any]:
    """The ``apply`` of a LiveRoutes feeding the proxy in ``proxy_ref``."""

    async def apply(config: ProxyConfig) -> dict[str, Any]:
        proxy_ref[0].apply_config(config)
        return {}

    return apply


async def serve_live(
    live: LiveRoutes, how: Lifecycle, ready: Callable[[Proxy], None] | None = None
) -> None:
    """Serve ``live``'s routes in this process until SIGTERM / SIGINT, then drain and return."""
    log = AccessLog(how.access_log) if how.access_log is not None else None
    proxy = Proxy(live.config, access_log=log, admin_tokens=how.tokens)
    live.attach(apply_to([proxy]), proxy.metrics)

    async def upstreams() -> dict[str, Any]:
        return {"upstreams": proxy.status()["upstreams"]}

    async def reset_breaker(name: str) -> bool:
        return proxy.reset_breaker(name)

    async def samples() -> Taken:
        return proxy.samples.take()

    promotions = PromotionLoop(live, samples, proxy.metrics)
    proxy.admin_routes.update(api_handlers(live, upstreams, reset_breaker, promotions))
    await proxy.start(how.listen, how.admin, reuse_port=how.reuse_port)
    stopping = asyncio.Event()
    tasks: set[asyncio.Task[Any]] = set()

    def reload() -> None:
        task = asyncio.create_task(live.reload("SIGHUP"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    stop_signals(stopping, reload)
    background = [asyncio.create_task(live.watch(how.watch_interval)),
                  asyncio.create_task(promotions.run())]
    if ready is not None:
        ready(proxy)
    try:
        await stopping.wait()
    finally:
        for task in background:
            task.cancel()
        await drain_and_stop(proxy, how.drain_seconds)


def routes_state_path(routes: str | Path, state_file: str | Path | None) -> Path:
    """The state file: given, or ``ROUTES.state.json`` next to the routes file."""
    return Path(state_file) if state_file else state_path_for(routes)
