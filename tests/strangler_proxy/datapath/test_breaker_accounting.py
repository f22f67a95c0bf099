"""The breaker counts what the upstream did, never what the client did, and every trial slot of
half-open is given back (issue #19, item 3)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

from tests.strangler_proxy.support import RawUpstream, ok, routes_toml, run_async, running_proxy


async def hang(n: int, data: bytes) -> bytes | None:
    await asyncio.sleep(30)
    return None


async def leave_after(port: int, seconds: float, path: bytes = b"/") -> None:
    """Send a GET and disconnect before any answer (a load balancer with a shorter timeout)."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(seconds)
    writer.close()


@run_async(60)
async def test_clients_leaving_a_hanging_service_still_open_the_breaker() -> None:
    service = await RawUpstream(hang).start()
    body = f"""
    [upstreams.service]
    url = "http://127.0.0.1:{service.port}"
    read_timeout = 0.5
    [upstreams.service.breaker]
    failures = 2
    open_seconds = 30
    [default]
    to = "service"
    """
    try:
        async with running_proxy(routes_toml({}, body)) as proxy:
            breaker = proxy.pools["service"].breaker
            for _ in range(2):
                await leave_after(proxy.listen_port, 0.1)
            for _ in range(30):  # the service never answers within its read timeout
                if breaker.state == "open":
                    break
                await asyncio.sleep(0.05)
            assert breaker.state == "open"
            assert proxy.metrics.upstream_errors.values[("service", "timeout")] == 2
    finally:
        await service.stop()


@run_async(60)
async def test_a_client_leaving_an_answering_service_counts_its_answer() -> None:
    async def slow_ok(n: int, data: bytes) -> bytes | None:
        await asyncio.sleep(0.3)
        return ok()

    service = await RawUpstream(slow_ok).start()
    body = f"""
    [upstreams.service]
    url = "http://127.0.0.1:{service.port}"
    [upstreams.service.breaker]
    failures = 1
    open_seconds = 0.2
    [default]
    to = "service"
    """
    try:
        async with running_proxy(routes_toml({}, body)) as proxy:
            breaker = proxy.pools["service"].breaker
            breaker.record(False)  # open
            await asyncio.sleep(0.25)
            assert breaker.state == "half_open"
            await leave_after(proxy.listen_port, 0.05)  # the trial's client leaves
            await asyncio.sleep(0.6)
            assert breaker.state == "closed"  # the service answered the trial in time
    finally:
        await service.stop()


@contextlib.contextmanager
def connect_hangs() -> Iterator[int]:
    """A port whose accept queue is full: a new connection's handshake never completes."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        try:
            yield port
        finally:
            for filler in fillers:
                filler.close()


@run_async(60)
async def test_a_trial_whose_client_leaves_mid_connect_gives_its_slot_back() -> None:
    with connect_hangs() as port:
        body = f"""
        [upstreams.service]
        url = "http://127.0.0.1:{port}"
        connect_timeout = 10
        [upstreams.service.breaker]
        failures = 1
        open_seconds = 0.2
        [default]
        to = "service"
        """
        async with running_proxy(routes_toml({}, body)) as proxy:
            breaker = proxy.pools["service"].breaker
            breaker.record(False)
            await asyncio.sleep(0.25)
            assert breaker.state == "half_open"
            await leave_after(proxy.listen_port, 0.3)  # the proxy is still connecting
            await asyncio.sleep(0.1)
            assert breaker.state == "half_open"
            assert breaker.allow(), "the trial slot was kept by a request that is gone"
