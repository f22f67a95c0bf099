"""The automatic canary's state in the state file: real upstreams and client traffic on 127.0.0.1.

While the state file cannot be written (its path taken by a directory), a decision that moves the
weights is not applied and is tried again at the next interval, and a hold's record is tried again
every round (a held canary of a long interval has no decision soon to write it); once the file can
be written the promotion goes on, and the file holds its state and decisions, which a new proxy
over the same files continues from."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import pytest

from strangler_proxy.config.state import Who, find_route, state_path_for
from tests.strangler_proxy.live_support import promoted_catalog, promoting_proxy
from tests.strangler_proxy.process.test_promotion_loop import (
    GOOD_RATIO,
    moves,
    routes_file,
    steady,
    traffic,
    until,
    until_state,
)
from tests.strangler_proxy.support import AUTH, App, run_async


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, object]]:
    """The promotion loop's JSON log events called ``name``."""
    found = []
    for record in caplog.records:
        message = record.getMessage()
        if record.name == "strangler_proxy.promotion" and f'"event": "{name}"' in message:
            found.append(json.loads(message))
    return found


@run_async(timeout=90, loops=("asyncio",))
async def test_decisions_wait_for_a_writable_state_file_and_a_restart_continues_from_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="strangler_proxy.promotion")
    monolith, canary = await steady("monolith").start(), await steady("catalog").start()
    routes = routes_file(tmp_path, monolith.port, canary.port, ratio=GOOD_RATIO)
    state = state_path_for(routes)
    statuses: list[int] = []
    async with promoting_proxy(routes) as (proxy, live, loop):
        state.mkdir()  # the state file cannot be written while a directory has its path
        await until(loop, lambda shown: bool(shown["decisions"]))  # a hold: not enough traffic
        unsaved_hold = set(loop.unsaved)
        async with traffic(proxy.listen_port, statuses):
            # traffic enough to promote, and two intervals refused by the state file
            await until(loop, lambda _: len(events(caplog, "promotion_apply_failed")) >= 2)
            blocked_weights = dict(find_route(live.config, "catalog").weights)  # type: ignore[union-attr]
            failed_applies = len(events(caplog, "promotion_apply_failed"))
            state.rmdir()
            shown = await until_state(loop, {"complete", "rolled_back"})
    kept = json.loads(state.read_text())
    async with promoting_proxy(routes) as (_, _, again):
        restarted = again.status("catalog")
    for app in (monolith, canary):
        await app.stop()

    assert unsaved_hold == {"catalog"}
    assert events(caplog, "promotion_state_write_failed")[0]["route"] == "catalog"
    assert blocked_weights == {"monolith": 75, "catalog": 25}, "applied without the state file"
    assert failed_applies >= 2, "tried again at the next interval"
    assert moves(shown) == [("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert loop.unsaved == set()
    (record,) = kept["promotions"]
    assert (record["route"], record["state"], record["weight"]) == ("catalog", "complete", 100)
    assert [d["action"] for d in record["decisions"]] == [d["action"] for d in shown["decisions"]]
    assert restarted is not None
    assert (restarted["state"], restarted["weight"]) == ("complete", 100)
    assert restarted["decisions"] == shown["decisions"]


@run_async(timeout=60, loops=("asyncio",))
async def test_a_hold_the_state_file_refused_is_written_at_a_later_round(tmp_path: Path) -> None:
    monolith = await App("monolith").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(promoted_catalog(monolith.port, 'steps = [25, 50, 100]\nevery = "1h"'))
    state = state_path_for(routes)
    async with promoting_proxy(routes) as (_, _, loop):
        state.mkdir()
        held = await loop.command("catalog", "hold", Who("test", "-", None))
        unsaved = set(loop.unsaved)
        await asyncio.sleep(0.3)
        state.rmdir()
        for _ in range(100):
            if not loop.unsaved:
                break
            await asyncio.sleep(0.05)
        kept = json.loads(state.read_text())["promotions"]
    async with promoting_proxy(routes) as (_, _, again):
        restarted = again.status("catalog")
    await monolith.stop()

    assert held["state"] == "held" and unsaved == {"catalog"}
    assert [(k["state"], k["weight"], len(k["decisions"])) for k in kept] == [("held", 25, 1)]
    assert restarted is not None and restarted["state"] == "held"


@run_async(timeout=60, loops=("asyncio",))
async def test_a_kept_promotion_state_does_not_make_a_read_digest_stale(tmp_path: Path) -> None:
    monolith = await App("monolith").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(promoted_catalog(monolith.port, 'steps = [25, 50, 100]\nevery = "1h"'))
    async with promoting_proxy(routes) as (proxy, _, loop), aiohttp.ClientSession(
            headers=AUTH) as session:
        admin = f"http://127.0.0.1:{proxy.admin_port}/api/routes"
        async with session.get(admin) as answer:
            digest = (await answer.json())["reload"]["digest"]
        await loop.command("catalog", "hold", Who("test", "-", None))  # written to the state file
        batch = {"changes": [{"route": "default", "to": "monolith"}], "expect_digest": digest}
        async with session.patch(admin, json=batch) as answer:
            after_hold = answer.status
        async with session.patch(admin, json=batch) as answer:
            after_change = answer.status
        kept = json.loads(state_path_for(routes).read_text())["promotions"]
    await monolith.stop()
    assert [k["state"] for k in kept] == ["held"]
    assert after_hold == 200, "the hold's write is not a change of the routes"
    assert after_change == 409, "a change of the routes still is"
