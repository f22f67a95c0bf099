"""Per-route rate limits (token bucket, 429 + Retry-After) and fault injection, through the real
proxy on 127.0.0.1; plus the pure bucket and draw functions."""

from __future__ import annotations

import asyncio
import math
import random
import time

import aiohttp
import pytest

from strangler_proxy.config.model import Faults, RateLimit
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.policy.faults import draw
from strangler_proxy.policy.ratelimit import RateLimiter, retry_after
from tests.strangler_proxy.support import App, routes_toml, run_async, running_proxy

GRANULARITY = 0.005  # seconds a timer may end early on uvloop (libuv's ms clock)


def counter_value(text: str, series: str) -> float:
    """The value of one series in a Prometheus text rendering (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_bucket_allows_burst_then_rate_and_says_how_long_to_wait() -> None:
    limiter = RateLimiter(RateLimit(rate=2.0, burst=3))
    assert [limiter.wait("", 100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("", 100.0) == pytest.approx(0.5)
    assert limiter.wait("", 100.5) == 0.0  # one token came back
    assert limiter.wait("", 100.5) == pytest.approx(0.5)
    assert retry_after(0.01) == 1 and retry_after(2.2) == 3


def test_buckets_per_key_are_bounded() -> None:
    limiter = RateLimiter(RateLimit(rate=1.0, burst=1, per="client_ip", max_keys=2))
    for key in ("a", "b", "c"):
        assert limiter.wait(key, 0.0) == 0.0
    assert set(limiter.buckets) == {"b", "c"}


def test_fault_draws_follow_the_configured_shares() -> None:
    rand = random.Random(7).random
    faults = Faults(delay=0.1, delay_percent=20, abort_status=502, abort_percent=10)
    draws = [draw(faults, rand) for _ in range(20_000)]
    delayed = sum(1 for d in draws if d.delay == 0.1) / len(draws)
    aborted = sum(1 for d in draws if d.abort == 502) / len(draws)
    assert delayed == pytest.approx(0.20, abs=0.015) and aborted == pytest.approx(0.10, abs=0.015)
    assert not draw(Faults(), rand).any


ROUTES = """
[[routes]]
name = "limited"
path_prefix = "/limited/"
to = "app"
rate_limit = {{ rate = {rate}, burst = {burst} }}

[[routes]]
name = "keyed"
path_prefix = "/keyed/"
to = "app"
rate_limit = {{ rate = 0.5, burst = 2, per = "header", header = "X-Api-Key" }}

[default]
to = "app"
"""


@run_async(timeout=30)
async def test_rate_limit_allows_the_configured_rate_and_answers_429_with_retry_after() -> None:
    """Bounds that hold however loaded the machine is: the bucket was created between the first
    send and the first answer, so at most ``burst + rate * (last answer - first send)`` pass, and
    it was empty when the last refused request arrived, so at least ``burst + rate * (its send -
    first answer) - 1`` passed. Four clients keep it saturated, so the two bounds are close."""
    app = await App("app").start()
    # The burst is large against rate x any stall of a loaded machine: the bounds below assume
    # the bucket never sat full (tokens capped at ``burst``) while the clients were stalled.
    rate, burst = 20.0, 30
    try:
        toml = routes_toml({"app": app.port}, ROUTES.format(rate=rate, burst=burst))
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{proxy.listen_port}"
            results: list[tuple[float, float, int]] = []
            refused: list[tuple[dict[str, str], dict[str, object]]] = []
            begin = time.monotonic()

            async def client() -> None:
                while time.monotonic() - begin < 1.5:
                    sent = time.monotonic()
                    async with session.get(f"{base}/limited/x") as response:
                        if response.status == 429:
                            refused.append((dict(response.headers), await response.json()))
                        results.append((sent, time.monotonic(), response.status))

            await asyncio.gather(*(client() for _ in range(4)))
            allowed = sum(1 for *_, status in results if status == 200)
            first_send = min(sent for sent, _, _ in results)
            first_answer = min(answer for _, answer, _ in results)
            last_answer = max(answer for _, answer, _ in results)
            last_refused = max(sent for sent, _, status in results if status == 429)
            assert allowed <= burst + rate * (last_answer - first_send) + 1
            assert allowed >= burst + rate * (last_refused - first_answer) - 1
            assert len(app.seen) == allowed and {s for *_, s in results} == {200, 429}
            headers, body = refused[0]
            assert headers["Retry-After"] == "1"
            assert body["status"] == 429 and body["request_id"] == headers["X-Request-ID"]
            assert body["error"] == "too_many_requests"
            async with session.get(f"{base}/other") as response:  # routes without a limit
                assert response.status == 200
            metrics = proxy.metrics.render()
            assert counter_value(metrics, 'proxy_rate_limited_total{route="limited"}') == len(refused)
            assert counter_value(
                metrics, 'proxy_requests_total{route="limited",upstream="-",code="429"}'
            ) == len(refused)
    finally:
        await app.stop()


@run_async(timeout=30)
async def test_rate_limit_per_header_value_and_retry_after_from_the_bucket() -> None:
    app = await App("app").start()
    try:
        toml = routes_toml({"app": app.port}, ROUTES.format(rate=1, burst=1))
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{proxy.listen_port}/keyed/x"

            async def status(key: str) -> tuple[int, str | None]:
                async with session.get(url, headers={"X-Api-Key": key}) as response:
                    return response.status, response.headers.get("Retry-After")

            assert [await status("a") for _ in range(3)] == [(200, None), (200, None), (429, "2")]
            assert [await status("b") for _ in range(3)] == [(200, None), (200, None), (429, "2")]
    finally:
        await app.stop()


FAULTS = """
[[routes]]
name = "drill"
path_prefix = "/drill/"
to = "app"
faults = { abort_percent = 30, abort_status = 503 }

[[routes]]
name = "slow"
path_prefix = "/slow/"
to = "app"
faults = { delay = 0.5, delay_percent = 50 }

[default]
to = "app"
"""


@run_async(timeout=90)
async def test_fault_injection_aborts_and_delays_the_configured_share() -> None:
    """Counts, not clocks, carry the proof: the aborted share is within 4 sd of 30 % of n and
    never reached the upstream; the delay counter is within 4 sd of 50 %; every delayed request
    took at least the delay (a lower bound, so load cannot break it); and the others did not
    wait it: the median of the undelayed group is under the delay."""
    app = await App("app").start()
    try:
        toml = routes_toml({"app": app.port}, FAULTS)
        async with running_proxy(toml) as proxy, aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{proxy.listen_port}"
            total = 600
            aborted = 0
            for _ in range(total):
                async with session.get(f"{base}/drill/x") as response:
                    if response.status == 503:
                        assert response.headers["X-Demonolith-Fault"] == "abort"
                        assert (await response.json())["request_id"]
                        aborted += 1
                    else:
                        assert response.status == 200
            sd = math.sqrt(total * 0.3 * 0.7)
            assert abs(aborted - total * 0.3) <= 4 * sd, aborted
            assert len(app.seen) == total - aborted  # an aborted request never reaches upstream

            gate = asyncio.Semaphore(50)

            async def timed() -> float:
                async with gate:
                    began = time.monotonic()
                    async with session.get(f"{base}/slow/x") as response:
                        assert response.status == 200
                        await response.read()
                    return time.monotonic() - began

            n = 300
            durations = sorted(await asyncio.gather(*(timed() for _ in range(n))))
            metrics = proxy.metrics.render()
            delayed = int(counter_value(
                metrics, 'proxy_faults_injected_total{route="slow",kind="delay"}'))
            assert abs(delayed - n * 0.5) <= 4 * math.sqrt(n * 0.25), delayed
            # every delayed request took the delay; uvloop's timers run on libuv's millisecond
            # clock, cached per loop turn, so a 0.5 s timer may end a fraction of a ms early
            assert durations[-delayed] >= 0.5 - GRANULARITY
            # the others did not wait it: the middle one of the fast group is well under the
            # delay (a median, not a tail, so a loaded machine's slow stragglers cannot break it)
            assert durations[(n - delayed) // 2] < 0.5 - GRANULARITY, durations[(n - delayed) // 2]
            assert counter_value(
                metrics, 'proxy_faults_injected_total{route="drill",kind="abort"}') == aborted
    finally:
        await app.stop()


RELOADED = """
[[routes]]
name = "limited"
path_prefix = "/limited/"
to = "{target}"
rate_limit = {{ rate = 0.001, burst = {burst} }}

[default]
to = "app"
"""


@run_async(timeout=30)
async def test_buckets_survive_a_reload_that_keeps_the_limit_and_reset_when_it_changes() -> None:
    """Proxy.apply_config (hot reload, admin change) keeps a route's token bucket while its
    rate_limit is unchanged, even when its target moves; a changed limit starts a fresh bucket,
    and the limiter of a route that disappeared is dropped."""
    app, other = await App("app").start(), await App("other").start()
    ports: dict[str, int | str] = {"app": app.port, "other": other.port}
    try:
        async with running_proxy(routes_toml(ports, RELOADED.format(target="app", burst=2))) as proxy, \
                aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{proxy.listen_port}/limited/x"

            async def statuses(count: int) -> list[int]:
                found = []
                for _ in range(count):
                    async with session.get(url) as response:
                        found.append(response.status)
                return found

            assert await statuses(3) == [200, 200, 429]
            proxy.apply_config(parse_routes(routes_toml(ports, RELOADED.format(target="other",
                                                                                burst=2))))
            assert await statuses(1) == [429]  # same limit: the emptied bucket was kept
            proxy.apply_config(parse_routes(routes_toml(ports, RELOADED.format(target="other",
                                                                                burst=3))))
            assert await statuses(4) == [200, 200, 200, 429]  # a new limit: a fresh bucket
            proxy.apply_config(parse_routes(routes_toml(ports, "[default]\nto = \"app\"\n")))
            assert proxy.guards.limits.limiters == {}
            assert await statuses(3) == [200, 200, 200]  # the route, and its limit, are gone
            assert len(other.seen) == 3
    finally:
        await app.stop()
        await other.stop()
