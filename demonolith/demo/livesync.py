"""Live sync in the demo: capture on both databases, the relay both ways, its lag, and parity.

Everything goes through the commands a user types: ``demonolith sync install`` on each side (the
monolith's before the data copy, so no write between copy and relay is missed), ``demonolith sync
run --direction both --listen --parity-every`` as a supervised process, ``demonolith parity`` for
the verdict. The lag is the relay's own ``/status`` (age of the oldest change not yet applied),
sampled every 0.1 s while the stages run.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from demonolith.demo.errors import DemoFailure
from demonolith.demo.processes import Managed, Supervisor, run_command

DEMONOLITH = (sys.executable, "-m", "demonolith")
_STATUS_URL = re.compile(r"status on (http://\S+/status)")
PARITY_EVERY = 1.0
PARITY_WINDOW = 5.0


def real_tables(database: Path, names: Sequence[str]) -> tuple[str, ...]:
    """Those of ``names`` that are tables in the SQLite file (a view is not captured)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        found = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    return tuple(sorted(set(names) & found))


def table_flags(tables: Sequence[str]) -> list[str]:
    """``--table T`` for each table."""
    return [flag for table in tables for flag in ("--table", table)]


def install_capture(database: str | Path, tables: Sequence[str], log: Path) -> str:
    """``demonolith sync install DATABASE --table ...``; returns its first line."""
    out = run_command([*DEMONOLITH, "sync", "install", str(database), *table_flags(tables)], log=log)
    return out.strip().splitlines()[0] if out.strip() else ""


def tables_digest(database: str | Path, tables: Sequence[str]) -> str:
    """A SHA-256 over every row of ``tables`` in one database (SQLite or PostgreSQL), in key order
    (12 hex digits; the same rows give the same digest on the same engine)."""
    from datasync.db import open_db

    digest = hashlib.sha256()
    db = open_db(database, "service")
    try:
        for table in tables:
            digest.update(table.encode())
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall():
                digest.update(repr(tuple(row)).encode())
    finally:
        db.close()
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Parity:
    """One run of ``demonolith parity``: its exit code and what it printed."""

    exit_code: int
    output: str

    @property
    def ok(self) -> bool:
        """Exit 0: every table matches on both sides."""
        return self.exit_code == 0


def run_parity(monolith: Path, service: str | Path, tables: Sequence[str], log: Path) -> Parity:
    """``demonolith parity MONOLITH SERVICE --table ... --window 0``: no key is in flight."""
    argv = [*DEMONOLITH, "parity", str(monolith), str(service), *table_flags(tables), "--window", "0"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    with log.open("a", encoding="utf-8") as sink:
        sink.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}\n")
    return Parity(done.returncode, (done.stdout + done.stderr).strip())


class Relay:
    """The running ``demonolith sync run --direction both`` and its status server."""

    def __init__(self, supervisor: Supervisor, monolith: Path, service: str | Path, tables: Sequence[str],
                 log: Path) -> None:
        argv = [*DEMONOLITH, "sync", "run", str(monolith), str(service), "--direction", "both",
                "--listen", "127.0.0.1:0", "--parity-every", f"{PARITY_EVERY:g}",
                "--parity-window", f"{PARITY_WINDOW:g}", *table_flags(tables)]
        self.command = " ".join(["demonolith", *argv[3:]])
        self.process: Managed = supervisor.start("sync", argv, log=log)
        self.status_url = _announced(self.process)
        self.lags: list[float] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="demo-sync-lag", daemon=True)

    def start_sampling(self) -> None:
        """Sample the lag every 0.1 s from now on (once the backlog of the copy is applied)."""
        self._sampler.start()

    def status(self) -> dict[str, object]:
        """The relay's ``/status`` now (both directions combined)."""
        with urllib.request.urlopen(self.status_url, timeout=5) as response:
            body = json.loads(response.read())
        return body if isinstance(body, dict) else {}

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.lags.append(float(str(self.status().get("lag_seconds", 0.0))))
            except (OSError, ValueError):
                continue

    def caught_up(self, timeout: float = 30.0) -> dict[str, object]:
        """Wait until nothing is pending in either direction; the status then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()
            if status.get("pending") == 0:
                return status
            time.sleep(0.1)
        raise DemoFailure(f"the relay still had changes pending after {timeout:.0f}s: {self.status()}")

    def stop_sampling(self) -> None:
        """End the lag sampling."""
        self._stop.set()
        if self._sampler.is_alive():
            self._sampler.join(timeout=2)


def _announced(process: Managed, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = _STATUS_URL.search(process.log.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match[1]
        if not process.running():
            break
        time.sleep(0.05)
    raise DemoFailure(f"the relay announced no status URL ({process.log}):\n{process.log_tail()}")


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
