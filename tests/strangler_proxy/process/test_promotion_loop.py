"""The automatic canary in the running proxy: real upstreams on 127.0.0.1, real client traffic
through the proxy, short intervals. A good canary is promoted step by step to 100 %; a slow one,
one answering errors, or one whose failures a fallback hides is rolled back, with the reason."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from strangler_proxy.config.state import find_route, state_path_for
from strangler_proxy.process.promotion import PromotionLoop
from tests.strangler_proxy.live_support import promoting_proxy
from tests.strangler_proxy.support import AUTH, App, routes_toml, run_async, serving

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
weights = {{ monolith = 75, catalog = 25 }}
{extra}
[routes.promotion]
steps = [25, 50, 100]
every = "250ms"
min_samples = 20
max_latency_ratio = {ratio:g}
{policy}

[default]
to = "monolith"
"""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A good canary's and its primary's time to answer, and how much slower a good canary may look:
# sub-millisecond answers through one event loop shared by the clients, the proxy and both apps
# differ by more than x1.5 from one moment to the next on a loaded machine (the process starved of
# CPU queues requests), and at 100 % the canary is judged against the primary's previous period.
# A slow canary (x100, below) is still rolled back; these only keep the machine's noise out.
SERVICE_SECONDS = 0.02
GOOD_RATIO = 4.0

def routes_file(tmp: Path, monolith: int, canary: int | str, extra: str = "",
                policy: str = "", ratio: float = 1.5) -> Path:
    """The routes file of these tests: the catalog route at 25 % under promotion."""
    path = tmp / "routes.toml"
    path.write_text(routes_toml({"monolith": monolith, "catalog": canary},
                                ROUTES.format(extra=extra, policy=policy, ratio=ratio)))
    return path


def slow(seconds: float) -> Handler:
    """A handler answering after ``seconds``."""
    async def handle(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.json_response({"upstream": request.host})

    return handle


def steady(name: str) -> App:
    """An upstream answering in :data:`SERVICE_SECONDS`."""
    return App(name, slow(SERVICE_SECONDS))


async def failing(request: web.Request) -> web.StreamResponse:
    return web.json_response({"error": "boom"}, status=500)


@dataclass
class Traffic:
    """What the clients of :func:`traffic` did: the answers' statuses, and per client how many
    requests it began and how many were answered (each client sends one at a time)."""

    statuses: list[int]
    begun: list[int]
    answered: list[int]

    async def settled(self, timeout: float = 20.0) -> None:
        """Once every client had the answer to a request it began after this call: whatever the
        proxy routed before the call has been answered by then."""
        marks, deadline = list(self.begun), time.monotonic() + timeout
        while any(done <= mark for done, mark in zip(self.answered, marks, strict=True)):
            assert time.monotonic() < deadline, f"clients stuck: {self.answered} of {self.begun}"
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def traffic(port: int, statuses: list[int]) -> AsyncIterator[Traffic]:
    """Four clients sending GETs through the proxy for the block; ``statuses`` collects answers."""
    flow = Traffic(statuses, [0] * 4, [0] * 4)

    async def client(session: aiohttp.ClientSession, index: int) -> None:
        while True:
            flow.begun[index] += 1
            async with session.get(f"http://127.0.0.1:{port}/api/catalog/items") as response:
                await response.read()
                statuses.append(response.status)
            flow.answered[index] += 1

    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(client(session, index)) for index in range(4)]
        try:
            yield flow
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def until(loop: PromotionLoop, check: Callable[[dict[str, Any]], bool],
                timeout: float = 20.0) -> dict[str, Any]:
    """The route's promotion (as the admin API shows it) once ``check`` holds for it."""
    deadline = time.monotonic() + timeout
    while True:
        shown = loop.status("catalog")
        assert shown is not None
        if check(shown):
            return shown
        assert time.monotonic() < deadline, f"still {shown['state']}: {shown['decisions'][-3:]}"
        await asyncio.sleep(0.02)


async def until_state(loop: PromotionLoop, states: set[str]) -> dict[str, Any]:
    """The route's promotion once its state is one of ``states``."""
    return await until(loop, lambda shown: shown["state"] in states)


def moves(shown: dict[str, Any]) -> list[tuple[str, int]]:
    """The decisions that were not holds: (action, weight)."""
    return [(d["action"], d["weight"]) for d in shown["decisions"] if d["action"] != "hold"]


@run_async(timeout=60)
async def test_a_good_canary_is_promoted_step_by_step_to_100(tmp_path: Path) -> None:
    statuses: list[int] = []
    async with serving(steady("monolith"), steady("catalog")) as (monolith, canary):
        routes = routes_file(tmp_path, monolith.port, canary.port, ratio=GOOD_RATIO)
        async with promoting_proxy(routes) as (proxy, live, loop):
            async with traffic(proxy.listen_port, statuses) as flow:
                shown = await until_state(loop, {"complete", "rolled_back"})
                weights = find_route(live.config, "catalog")
                await flow.settled()  # what was routed to the monolith before has arrived
                served_before = len(monolith.seen)
                for _ in range(5):  # each client sends five more
                    await flow.settled()
                served_after = len(monolith.seen)
            async with aiohttp.ClientSession() as session:
                admin = f"http://127.0.0.1:{proxy.admin_port}"
                async with session.get(admin + "/api/routes/catalog/promotion",
                                       headers=AUTH) as api:
                    via_api = await api.json()
                async with session.get(admin + "/metrics") as response:
                    metrics = await response.text()
    assert moves(shown) == [("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert weights is not None and dict(weights.weights) == {"monolith": 0, "catalog": 100}
    assert served_after == served_before  # at 100 % the monolith gets none of the route
    assert set(statuses) == {200}
    assert via_api["state"] == "complete" and via_api["weight"] == 100
    assert via_api["next_decision_at"] is None
    assert all(d["by"] == "promotion" for d in via_api["decisions"])
    assert 'demonolith_proxy_promotion_weight{route="catalog"} 100' in metrics
    assert 'demonolith_proxy_promotion_decisions_total{route="catalog",action="promote"} 2' in metrics
    assert 'demonolith_proxy_promotion_decisions_total{route="catalog",action="complete"} 1' in metrics
    history = json.loads(state_path_for(routes).read_text())["history"]
    assert [(c["by"]["token"], c["after"]["weights"]) for c in history] == [
        ("promotion", [["monolith", 50], ["catalog", 50]]),
        ("promotion", [["monolith", 0], ["catalog", 100]])]


@run_async(timeout=60)
async def test_a_slow_canary_is_rolled_back_and_says_why(tmp_path: Path) -> None:
    statuses: list[int] = []
    async with serving(App("monolith"), App("catalog", slow(0.1))) as (monolith, canary), \
            promoting_proxy(routes_file(tmp_path, monolith.port, canary.port)) as (
            proxy, live, loop), traffic(proxy.listen_port, statuses) as flow:
        shown = await until_state(loop, {"rolled_back", "complete"})
        route = find_route(live.config, "catalog")
        await flow.settled()  # what was routed to the canary before the rollback has arrived
        seen_by_canary = len(canary.seen)
        for _ in range(5):  # each client sends five more
            await flow.settled()
        after_rollback = len(canary.seen)
    assert moves(shown) == [("rollback", 0)], shown
    reason = shown["decisions"][-1]["reason"]
    assert reason.startswith("canary latency greater: median ") and "Mann-Whitney U=" in reason
    assert route is not None and dict(route.weights) == {"monolith": 100, "catalog": 0}
    assert after_rollback == seen_by_canary  # no more traffic to the canary
    assert shown["next_decision_at"] is None


@run_async(timeout=60, loops=("asyncio",))
async def test_a_canary_answering_errors_is_rolled_back(tmp_path: Path) -> None:
    statuses: list[int] = []
    async with serving(App("monolith"), App("catalog", failing)) as (monolith, canary), \
            promoting_proxy(routes_file(tmp_path, monolith.port, canary.port)) as (
            proxy, _live, loop), traffic(proxy.listen_port, statuses):
        shown = await until_state(loop, {"rolled_back", "complete"})
    assert moves(shown) == [("rollback", 0)], shown
    assert shown["decisions"][-1]["reason"].startswith("canary error rate 100.00% vs primary 0.00%")
    assert 500 in statuses


@run_async(timeout=60, loops=("asyncio",))
async def test_canary_failures_a_fallback_hides_still_roll_it_back(tmp_path: Path,
                                                                   dead_port: int) -> None:
    statuses: list[int] = []
    async with serving(App("monolith")) as (monolith,):
        routes = routes_file(tmp_path, monolith.port, dead_port, extra='fallback = "monolith"')
        async with promoting_proxy(routes) as (proxy, _live, loop), traffic(
                proxy.listen_port, statuses):
            shown = await until_state(loop, {"rolled_back", "complete"})
    assert set(statuses) == {200}  # the client never saw the canary fail
    assert moves(shown) == [("rollback", 0)], shown
    assert shown["decisions"][-1]["reason"].startswith("canary error rate 100.00%")


@run_async(timeout=60, loops=("asyncio",))
async def test_a_held_canary_is_not_promoted_until_stepped_by_hand(tmp_path: Path) -> None:
    statuses: list[int] = []
    async with serving(steady("monolith"), steady("catalog")) as (monolith, canary), \
            promoting_proxy(routes_file(tmp_path, monolith.port, canary.port, ratio=GOOD_RATIO)) as (
            proxy, live, loop), aiohttp.ClientSession(headers=AUTH) as session:
        admin = f"http://127.0.0.1:{proxy.admin_port}"
        refused = {}
        for body in ({"action": "jump"}, {"action": "step", "now": True}, "not json"):
            data = body if isinstance(body, str) else json.dumps(body)
            async with session.post(admin + "/api/routes/catalog/promotion", data=data) as answer:
                refused[data] = (answer.status, (await answer.json())["error"])
        async with session.get(admin + "/api/routes/default/promotion") as answer:
            no_table = answer.status
        async with session.post(admin + "/api/routes/catalog/promotion",
                                json={"action": "hold"}) as answer:
            held = await answer.json()
        async with traffic(proxy.listen_port, statuses):
            waited = await until(loop, lambda shown: any(
                d["reason"].startswith("held by hand; would promote to 50")
                and d["times"] >= 3 for d in shown["decisions"]))
            route_while_held = find_route(live.config, "catalog")
            async with session.post(admin + "/api/routes/catalog/promotion",
                                    json={"action": "step"}) as answer:
                stepped = await answer.json()
            shown = await until_state(loop, {"complete", "rolled_back"})
    assert refused == {
        '{"action": "jump"}': (400, "unknown action 'jump' (one of step, hold, rollback)"),
        '{"action": "step", "now": true}': (400, 'expected {"action": "step" | "hold" | "rollback"}'
                                                   ' or {"action": "start", "promotion": {...},'
                                                   ' "canary": NAME}'),
        "not json": (400, "the body is not JSON")}
    assert no_table == 404
    assert (held["state"], held["weight"], held["decisions"][-1]["by"]) == ("held", 25, "test")
    assert waited["state"] == "held" and waited["weight"] == 25
    assert route_while_held is not None and dict(route_while_held.weights)["catalog"] == 25
    assert (stepped["state"], stepped["weight"]) == ("running", 50)
    assert moves(shown) == [("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert [d["by"] for d in shown["decisions"] if d["action"] == "promote"] == ["test", "promotion"]
