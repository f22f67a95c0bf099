"""Run the proxy until interrupted: what ``demonolith proxy`` and ``python -m strangler_proxy`` call."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from strangler_proxy.accesslog import AccessLog
from strangler_proxy.config import ProxyConfig
from strangler_proxy.errors import ProxyError
from strangler_proxy.proxy import Proxy
from strangler_proxy.routes_file import load_routes

DEFAULT_LISTEN = "127.0.0.1:8000"
DEFAULT_ADMIN = "127.0.0.1:8001"


def resolve_addresses(
    config: ProxyConfig, listen: str | None, admin: str | None
) -> tuple[str, str | None]:
    """Command-line addresses win over the routes file's ``[listen]``, then the defaults."""
    listen_address = listen or config.listen or DEFAULT_LISTEN
    admin_address = admin or config.admin or DEFAULT_ADMIN
    return listen_address, (None if admin_address == "off" else admin_address)


async def serve(
    config: ProxyConfig,
    listen: str,
    admin: str | None,
    access_log: str | None = None,
    ready: Callable[[Proxy], None] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM, then stop cleanly."""
    log = AccessLog(access_log) if access_log is not None else None
    proxy = Proxy(config, access_log=log)
    await proxy.start(listen, admin)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    if ready is not None:
        ready(proxy)
    try:
        await stopping.wait()
    finally:
        await proxy.stop()


def run(
    routes: str | Path,
    listen: str | None = None,
    admin: str | None = None,
    access_log: str | None = None,
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> None:
    """Load ``routes`` and serve; raises ProxyError when the proxy cannot start."""
    config = load_routes(routes)
    listen_address, admin_address = resolve_addresses(config, listen, admin)

    def ready(proxy: Proxy) -> None:
        host = listen_address.rpartition(":")[0]
        where = f"proxy listening on http://{host}:{proxy.listen_port}"
        if admin_address:
            admin_host = admin_address.rpartition(":")[0]
            where += f", metrics on http://{admin_host}:{proxy.admin_port}/metrics"
        announce(where)

    with contextlib.suppress(KeyboardInterrupt):  # signal handlers normally catch it
        asyncio.run(serve(config, listen_address, admin_address, access_log, ready))


def check(routes: str | Path) -> ProxyConfig:
    """Validate a routes file without starting anything (raises RoutesError)."""
    return load_routes(routes)


__all__ = ["ProxyError", "check", "resolve_addresses", "run", "serve"]
