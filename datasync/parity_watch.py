"""Parity checked while the relay runs: a daemon thread compares the service's tables on both
sides every few seconds, and the relay's ``/status`` reports the keys that drift (the canary's
promotion rolls back on drift). Each check opens its own connections (WAL: it reads while the
relay writes); a failed check keeps the last reading and is told to ``on_error``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from datasync.db import database_errors
from datasync.errors import SyncError
from datasync.sides import open_side, table_parity


@dataclass(frozen=True)
class ParityReading:
    """One check: keys drifting outside the window (all tables), per table, and when."""

    drift: int
    tables: tuple[tuple[str, int], ...]
    checked_at: float


@dataclass(frozen=True)
class ParitySetup:
    """What to compare: the two databases, the tables, how often and with what window."""

    monolith: str | Path
    service: str | Path
    tables: tuple[str, ...]
    every: float
    window: float = 5.0
    chunk: int = 1000


def check(setup: ParitySetup) -> ParityReading:
    """Compare every table once."""
    monolith, service = open_side("monolith", str(setup.monolith)), open_side("service", str(setup.service))
    try:
        results = [table_parity(monolith, service, table, setup.chunk, setup.window)
                   for table in setup.tables]
    finally:
        monolith.db.close()
        service.db.close()
    return ParityReading(sum(result.drift for result in results),
                         tuple((result.table, result.drift) for result in results), time.time())


class ParityWatch:
    """Runs :func:`check` every ``setup.every`` seconds in a daemon thread; :meth:`latest` is the
    last reading (None before the first)."""

    def __init__(self, setup: ParitySetup, on_error: Callable[[str], None]) -> None:
        self.setup = setup
        self.on_error = on_error
        self._latest: ParityReading | None = None
        self._lock = threading.Lock()

    def latest(self) -> ParityReading | None:
        """The last reading."""
        with self._lock:
            return self._latest

    def start(self) -> None:
        """Check now and then every ``every`` seconds until the process ends."""
        threading.Thread(target=self._loop, daemon=True, name="parity-watch").start()

    def _loop(self) -> None:
        failures: tuple[type[Exception], ...] = (SyncError, *database_errors())
        while True:
            try:
                reading = check(self.setup)
            except failures as exc:
                self.on_error(f"parity check: {exc}")
            else:
                with self._lock:
                    self._latest = reading
                if reading.drift:
                    drifting = ", ".join(f"{table} {n}" for table, n in reading.tables if n)
                    self.on_error(f"parity: {reading.drift} key(s) drift ({drifting})")
            time.sleep(self.setup.every)
