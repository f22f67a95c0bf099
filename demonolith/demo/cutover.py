"""The cut-over with writes: what the proxy decides by itself, and the drills that test it.

* the canary's share is raised by the proxy (the routes file's ``promotion`` table, gated on the
  relay's ``/status``), the stage ends when the promotion completes or rolls back;
* a planted regression: the service made slow (its process group stopped for 900 ms out of every
  second, about 0.45 s added to its median: several times what a loaded machine adds to the
  monolith's, which answers beside it in the same period) while a promotion runs, until the proxy
  rolls it back and says why;
* the service killed mid-load and started again on the same port.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from demonolith.demo.control import ProxyControl
from demonolith.demo.processes import Managed, Supervisor
from demonolith.demo.traffic import Outcome

PROMOTION_TIMEOUT = 180.0
ENDED = frozenset({"complete", "rolled_back", "stopped"})


@dataclass(frozen=True)
class Decision:
    """One decision the proxy's promotion loop took."""

    action: str
    weight: int
    reason: str
    times: int = 1

    def line(self) -> str:
        """As the demo prints it."""
        repeat = f" ({self.times} in a row)" if self.times > 1 else ""
        return f"{self.action} -> {self.weight} %{repeat}: {self.reason}"


@dataclass(frozen=True)
class PromotionRun:
    """How an automatic canary ended: its final state and weight, and its decisions."""

    route: str
    state: str
    weight: int
    decisions: tuple[Decision, ...]

    @property
    def rollback_reason(self) -> str:
        """The reason of the last rollback ("" when it did not roll back)."""
        return next((d.reason for d in reversed(self.decisions) if d.action == "rollback"), "")


def promotion_run(route: str, body: dict[str, object],
                  earlier: frozenset[tuple[str, str]] = frozenset()) -> PromotionRun:
    """Read ``GET /api/routes/NAME/promotion``'s answer, without the decisions in ``earlier``."""
    decisions = tuple(Decision(str(d.get("action", "")), int(str(d.get("weight", 0))),
                               str(d.get("reason", "")), int(str(d.get("times", 1))))
                      for d in _decisions(body) if (str(d.get("at")), str(d.get("action"))) not in earlier)
    return PromotionRun(route, str(body.get("state", "")), int(str(body.get("weight", 0) or 0)), decisions)


def _decisions(body: dict[str, object]) -> list[dict[str, object]]:
    raw = body.get("decisions")
    return [d for d in (raw if isinstance(raw, list) else []) if isinstance(d, dict)]


def _stamps(body: dict[str, object]) -> frozenset[tuple[str, str]]:
    return frozenset((str(d.get("at")), str(d.get("action"))) for d in _decisions(body))


class PromotionWatch:
    """A stage's ``during`` hook: wait until every route's promotion ends, then stop the traffic.

    ``on_running`` is called once every route's promotion runs (a drill starts then)."""

    def __init__(self, control: ProxyControl, routes: tuple[str, ...], stop: threading.Event,
                 on_running: Callable[[], None] | None = None) -> None:
        self.control, self.routes, self.stop, self.on_running = control, routes, stop, on_running
        self.results = tuple(PromotionRun(route, "", 0, ()) for route in routes)

    def __call__(self, sink: list[Outcome]) -> None:
        """Poll the promotions every 0.25 s (at most PROMOTION_TIMEOUT) until all ended; only the
        decisions taken meanwhile are kept."""
        deadline, started = time.monotonic() + PROMOTION_TIMEOUT, False
        earlier = {r: _stamps(self.control.promotion(r)) for r in self.routes}
        try:
            while time.monotonic() < deadline:
                self.results = tuple(promotion_run(r, self.control.promotion(r), earlier[r])
                                     for r in self.routes)
                if not started and all(r.state == "running" for r in self.results):
                    started = True
                    if self.on_running is not None:
                        self.on_running()
                if started and all(r.state in ENDED for r in self.results):
                    return
                time.sleep(0.25)
        finally:
            self.stop.set()


class Throttle:
    """Make a process slow: SIGSTOP its group for ``paused`` of every ``period`` seconds."""

    def __init__(self, process: Managed, paused: float = 0.9, period: float = 1.0) -> None:
        self.process, self.paused, self.period = process, paused, period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-throttle", daemon=True)

    def start(self) -> None:
        """Begin slowing the process down."""
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            _signal(self.process.pid, signal.SIGSTOP)
            time.sleep(self.paused)
            _signal(self.process.pid, signal.SIGCONT)
            self._stop.wait(self.period - self.paused)
        _signal(self.process.pid, signal.SIGCONT)

    def end(self) -> None:
        """Stop slowing it down (the process runs on normally)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        _signal(self.process.pid, signal.SIGCONT)


def _signal(pgid: int, signum: signal.Signals) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        return


def kill_after(supervisor: Supervisor, service: Callable[[], Managed],
               after: int) -> Callable[[list[Outcome]], None]:
    """A ``during`` hook: SIGKILL the service once ``after`` requests were answered."""
    def watch(sink: list[Outcome]) -> None:
        deadline = time.monotonic() + 60
        while len(sink) < after and time.monotonic() < deadline:
            time.sleep(0.02)
        supervisor.kill(service())
    return watch
