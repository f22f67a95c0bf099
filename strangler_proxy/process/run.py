"""Run the proxy until interrupted: what ``demonolith proxy`` and ``python -m strangler_proxy`` call."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

from strangler_proxy.admin.auth import all_tokens, check_admin_exposure
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import DEFAULT_LISTEN, ProxyConfig
from strangler_proxy.config.routes_file import load_routes
from strangler_proxy.datapath.proxy import parse_address
from strangler_proxy.datapath.tls import with_tls
from strangler_proxy.errors import ProxyError
from strangler_proxy.process.event_loop import loop_factory, run_on
from strangler_proxy.process.lifecycle import (
    DEFAULT_DRAIN_SECONDS,
    Lifecycle,
    Listening,
    routes_state_path,
    serve_live,
)
from strangler_proxy.process.supervisor import WorkerOptions, WorkerSupervisor

DEFAULT_ADMIN = "127.0.0.1:8001"


def resolve_addresses(
    config: ProxyConfig, listen: str | None, admin: str | None
) -> tuple[str, str | None]:
    """Command-line addresses win over the routes file's ``[listen]``, then the defaults."""
    listen_address = listen or config.listen or DEFAULT_LISTEN
    admin_address = admin or config.admin or DEFAULT_ADMIN
    return listen_address, (None if admin_address == "off" else admin_address)


def announcer(
    listen: str, admin: str | None, workers: int, announce: Callable[[str], None]
) -> Callable[[Listening], None]:
    """What to say once listening: the ports actually bound (useful with port 0)."""

    def ready(bound: Listening) -> None:
        host = listen.rpartition(":")[0]
        where = f"proxy listening on {bound.scheme.decode()}://{host}:{bound.listen_port}"
        if workers > 1:
            where += f" ({workers} workers)"
        if admin:
            admin_host = admin.rpartition(":")[0]
            where += f", metrics on http://{admin_host}:{bound.admin_port}/metrics"
        announce(f"{where} (event loop: {type(asyncio.get_running_loop()).__module__.split('.')[0]})")

    return ready


def run(
    routes: str | Path,
    listen: str | None = None,
    admin: str | None = None,
    access_log: str | None = None,
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    tls_cert: str | None = None,
    tls_key: str | None = None,
    *,
    admin_token: str | None = None,
    state_file: str | Path | None = None,
    drain_seconds: float = DEFAULT_DRAIN_SECONDS,
    workers: int = 1,
    loop: str = "auto",
) -> None:
    """Load ``routes`` (and its state file) and serve; raises ProxyError when it cannot start.

    ``tls_cert`` / ``tls_key`` (both or neither) win over the routes file's ``[listen]`` ones.
    ``workers`` > 1 runs a supervisor and that many worker processes (see
    :mod:`strangler_proxy.process.supervisor`). The admin listener refuses to start outside loopback
    without an admin token. ``loop``: auto (uvloop when installed), asyncio or uvloop.
    """
    _check_start(workers, loop)
    live = LiveRoutes(routes, routes_state_path(routes, state_file), owner=True,
                      adjust=lambda config: with_tls(config, tls_cert, tls_key))
    config = live.config
    listen_address, admin_address = resolve_addresses(config, listen, admin)
    tokens = all_tokens((), admin_token)
    if admin_address:
        check_admin_exposure(parse_address(admin_address, "admin")[0],
                             (*config.admin_tokens, *tokens))
    how = Lifecycle(listen_address, admin_address, access_log, tokens, drain_seconds)
    ready = announcer(listen_address, admin_address, workers, announce)
    with contextlib.suppress(KeyboardInterrupt):  # signal handlers normally catch it
        if workers == 1:
            run_on(loop, serve_live(live, how, ready))
        else:
            options = WorkerOptions(Path(routes), live.state_path, access_log, (tls_cert, tls_key),
                                    loop)
            all_of = Lifecycle(listen_address, admin_address, access_log,
                               (*config.admin_tokens, *tokens), drain_seconds)
            run_on(loop, WorkerSupervisor(live, all_of, workers, options).run(ready))


def _check_start(workers: int, loop: str) -> None:
    """Refuse bad process options before anything starts (not as a worker's crash)."""
    loop_factory(loop)
    if workers < 1:
        raise ProxyError(f"--workers: expected at least 1, got {workers}")


def check(routes: str | Path) -> ProxyConfig:
    """Validate a routes file without starting anything (raises RoutesError)."""
    return load_routes(routes)


__all__ = ["ProxyError", "check", "resolve_addresses", "run"]
