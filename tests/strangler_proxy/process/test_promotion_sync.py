"""The automatic canary reads the sync relay's ``GET /status``: with datasync's real server over two
SQLite databases it holds while the lag exceeds ``max_lag_seconds``, promotes once the relay caught
up, and holds again, saying why, when the status cannot be read; conflicts that grow (served by a
stand-in relay on a real socket) roll the canary back when ``rollback_on_sync_errors`` is set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from datasync.capture import install
from datasync.db import open_db
from datasync.parity_watch import ParitySetup, ParityWatch
from datasync.relay import prepare_target
from datasync.run import relay_once, serve_status
from strangler_proxy.config.state import find_route
from tests.datasync.conftest import make_db
from tests.strangler_proxy.live_support import promoting_proxy
from tests.strangler_proxy.process.test_promotion_loop import (
    routes_file,
    traffic,
    until,
    until_state,
)
from tests.strangler_proxy.support import App, run_async


def holds_for(reason_start: str, count: int) -> Callable[[dict[str, Any]], bool]:
    """Whether at least ``count`` decisions held for a reason starting ``reason_start``."""
    return lambda shown: sum(d["times"] for d in shown["decisions"] if d["action"] == "hold"
                             and d["reason"].startswith(reason_start)) >= count


@run_async(timeout=90, loops=("asyncio",))
async def test_promotion_holds_on_sync_lag_and_on_an_unreachable_status(tmp_path: Path) -> None:
    monolith_db, service_db = make_db(tmp_path / "monolith.sqlite3"), make_db(tmp_path / "s.sqlite3")
    source, target = open_db(monolith_db), open_db(service_db)
    install(source, ["orders_order"])
    prepare_target(target)
    with source:
        for key in range(3):
            source.execute("INSERT INTO orders_order VALUES (?, 1, NULL)", (key,))
    urls: list[str] = []
    server = serve_status(("127.0.0.1", 0), (monolith_db, service_db), "monolith->service",
                          urls.append)
    monolith, canary = await App("monolith").start(), await App("catalog").start()
    policy = f'sync_status_url = "{urls[0]}"\nmax_lag_seconds = 0.2'
    routes = routes_file(tmp_path, monolith.port, canary.port, policy=policy)
    statuses: list[int] = []
    try:
        async with promoting_proxy(routes) as (proxy, live, loop), traffic(
                proxy.listen_port, statuses):
            lagging = await until(loop, holds_for("sync lag ", 3))
            lagging_route = find_route(live.config, "catalog")
            relay_once(source, target, "monolith->service")
            caught_up = await until(loop, lambda shown: shown["weight"] == 50)
            server.shutdown()  # blocks the event loop until closed: no decision meanwhile
            server.server_close()
            unreachable = await until(loop, holds_for(
                f"sync status unreachable: GET {urls[0]}: ", 3))
    finally:
        server.server_close()
        source.close()
        target.close()
        for app in (monolith, canary):
            await app.stop()
    assert lagging["weight"] == 25 and lagging["sync"]["lag_seconds"] > 0.2
    assert lagging_route is not None and dict(lagging_route.weights) == {"monolith": 75,
                                                                        "catalog": 25}
    assert caught_up["sync"] == {"lag_seconds": 0.0, "failed": 0, "conflicts": 0, "parity_drift": None}
    assert unreachable["weight"] == 50 and unreachable["state"] == "running"
    kinds = [(d["action"], d["weight"]) for d in unreachable["decisions"] if d["action"] != "hold"]
    assert kinds == [("promote", 50)]


@run_async(timeout=60, loops=("asyncio",))
async def test_sync_conflicts_growing_roll_the_canary_back_when_configured(tmp_path: Path) -> None:
    status = {"applied": 10, "conflicts": 1, "direction": "service->monolith", "failed": 0,
              "lag_seconds": 0.0, "pending": 0}

    async def relay_status(request: web.Request) -> web.StreamResponse:
        return web.json_response(status)  # a relay's GET /status, as the contract says

    relay = await App("relay", relay_status).start()
    monolith, canary = await App("monolith").start(), await App("catalog").start()
    policy = f'sync_status_url = "{relay.url}/status"\nrollback_on_sync_errors = true'
    routes = routes_file(tmp_path, monolith.port, canary.port, policy=policy)
    statuses: list[int] = []
    async with promoting_proxy(routes) as (proxy, live, loop), traffic(
            proxy.listen_port, statuses):
        await until(loop, lambda shown: shown["weight"] == 50)
        status["conflicts"] = 3
        shown = await until_state(loop, {"rolled_back", "complete"})
        route = find_route(live.config, "catalog")
    for app in (relay, monolith, canary):
        await app.stop()
    kinds = [(d["action"], d["weight"]) for d in shown["decisions"] if d["action"] != "hold"]
    assert kinds == [("promote", 50), ("rollback", 0)], shown
    assert shown["decisions"][-1]["reason"] == "sync conflicts grew from 1 to 3"
    assert route is not None and dict(route.weights) == {"monolith": 100, "catalog": 0}


@run_async(timeout=90, loops=("asyncio",))
async def test_drift_found_by_the_relay_s_parity_watch_rolls_the_canary_back(tmp_path: Path) -> None:
    monolith_db, service_db = make_db(tmp_path / "monolith.sqlite3"), make_db(tmp_path / "s.sqlite3")
    for path in (monolith_db, service_db):
        with open_db(path) as db:
            for key in range(20):
                db.execute("INSERT INTO orders_order VALUES (?, 1, NULL)", (key,))
    install(open_db(monolith_db), ["orders_order"])
    watch = ParityWatch(ParitySetup(monolith_db, service_db, ("orders_order",), every=0.2, window=5.0),
                        lambda line: None)
    watch.start()
    urls: list[str] = []
    server = serve_status(("127.0.0.1", 0), (monolith_db, service_db), "monolith->service",
                          urls.append, parity=watch.latest)
    monolith, canary = await App("monolith").start(), await App("catalog").start()
    routes = routes_file(tmp_path, monolith.port, canary.port, policy=f'sync_status_url = "{urls[0]}"')
    statuses: list[int] = []
    try:
        async with promoting_proxy(routes) as (proxy, live, loop), traffic(
                proxy.listen_port, statuses):
            promoted = await until(loop, lambda shown: shown["weight"] == 50)
            with open_db(service_db) as db:  # a row lost on the service's side, never captured
                db.execute("DELETE FROM orders_order WHERE id = 7")
            shown = await until_state(loop, {"rolled_back", "complete"})
            route = find_route(live.config, "catalog")
    finally:
        server.shutdown()
        server.server_close()
        for app in (monolith, canary):
            await app.stop()
    assert promoted["sync"]["parity_drift"] == 0
    kinds = [(d["action"], d["weight"]) for d in shown["decisions"] if d["action"] != "hold"]
    assert kinds == [("promote", 50), ("rollback", 0)], shown
    assert shown["decisions"][-1]["reason"] == (
        "parity: 1 key(s) differ between the monolith's and the service's tables outside the sync window")
    assert route is not None and dict(route.weights) == {"monolith": 100, "catalog": 0}
