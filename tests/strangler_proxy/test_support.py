"""The test harness itself: a test whose assertion fails before it stops its servers leaves none
running (run_async stops them before its event loop closes)."""

from __future__ import annotations

import socket

import pytest

from tests.strangler_proxy.support import RUNNING, App, RawUpstream, ok, run_async


def refused(port: int) -> bool:
    """Whether 127.0.0.1:``port`` refuses a connection now."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_servers_a_failed_test_left_running_are_stopped() -> None:
    ports: list[int] = []

    @run_async(timeout=10)
    async def failing() -> None:
        app, raw = await App("left").start(), await RawUpstream(lambda n, data: _ok()).start()
        ports.extend((app.port, raw.port))
        assert not refused(app.port) and not refused(raw.port)
        raise AssertionError("planted: fails before its stop()")

    with pytest.raises(AssertionError, match="planted"):
        failing()
    assert len(ports) == 2 and all(refused(port) for port in ports)
    assert RUNNING == {}


async def _ok() -> bytes:
    return ok()
