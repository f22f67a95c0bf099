"""Write batching: held until the end of the loop turn, in order, never lost to a close."""

from __future__ import annotations

import asyncio

from strangler_proxy.datapath.cork import WriteCork
from tests.strangler_proxy.support import run_async


class Recorder:
    """A transport that records writes (``fail``: its write raises)."""

    def __init__(self, fail: bool = False) -> None:
        self.written: list[bytes] = []
        self.closing = False
        self.aborted = False
        self.fail = fail

    def write(self, data: bytes) -> None:
        if self.fail:
            raise RuntimeError("broken transport")
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def abort(self) -> None:
        self.aborted = self.closing = True


@run_async(5)
async def test_writes_leave_together_on_the_next_turn_in_order() -> None:
    cork = WriteCork(asyncio.get_running_loop())
    first, second = Recorder(), Recorder()
    cork.write(first, b"a")  # type: ignore[arg-type]
    cork.write(second, b"x")  # type: ignore[arg-type]
    cork.write(first, b"b")  # type: ignore[arg-type]
    assert first.written == [] and second.written == []
    await asyncio.sleep(0)
    assert first.written == [b"a", b"b"] and second.written == [b"x"]
    cork.write(first, b"c")  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert first.written == [b"a", b"b", b"c"]


@run_async(5)
async def test_an_explicit_flush_writes_at_once_and_a_closed_transport_gets_nothing() -> None:
    cork = WriteCork(asyncio.get_running_loop())
    live, closed = Recorder(), Recorder()
    cork.write(live, b"response")  # type: ignore[arg-type]
    cork.write(closed, b"late")  # type: ignore[arg-type]
    closed.closing = True
    cork.flush()  # what a close does first
    assert live.written == [b"response"] and closed.written == []
    await asyncio.sleep(0)  # the scheduled flush finds nothing left
    assert live.written == [b"response"]


@run_async(5)
async def test_a_failing_transport_is_aborted_and_the_others_still_get_their_bytes() -> None:
    cork = WriteCork(asyncio.get_running_loop())
    broken, fine = Recorder(fail=True), Recorder()
    cork.write(broken, b"x")  # type: ignore[arg-type]
    cork.write(fine, b"y")  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert broken.aborted and fine.written == [b"y"]
