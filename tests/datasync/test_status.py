"""The relay's status: the JSON contract of GET /status and the Prometheus text of /metrics,
served by a real relay process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from datasync.capture import install
from datasync.db import open_db
from datasync.relay import prepare_target
from datasync.status import read_status
from tests.datasync.conftest import DEMONOLITH, rows


@contextmanager
def listening_relay(monolith: Path, service: Path, *options: str) -> Iterator[tuple[IO[str], str]]:
    """A real `sync run --listen` relay for the block: its stderr and its /status URL."""
    relay = subprocess.Popen([*DEMONOLITH, "sync", "run", str(monolith), str(service),
                              "--listen", "127.0.0.1:0", *options], stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    assert relay.stderr is not None
    try:
        yield relay.stderr, relay.stderr.readline().strip().removeprefix("status on ")
    finally:
        os.killpg(relay.pid, signal.SIGTERM)
        relay.wait(timeout=30)
        relay.stderr.close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def test_pending_and_lag_count_the_changes_not_yet_applied(dbs: tuple[Path, Path]) -> None:
    monolith, service = (open_db(path) for path in dbs)
    install(monolith, ["orders_order"])
    prepare_target(service)
    with monolith:
        monolith.execute("INSERT INTO orders_order VALUES (1, 1, NULL), (2, 2, NULL)")
    oldest = float(monolith.execute("SELECT MIN(at) FROM _demonolith_outbox").fetchone()[0])
    status = read_status(monolith, service, "monolith", "monolith->service", now=oldest + 2.5)
    assert (status.pending, status.applied, status.conflicts) == (2, 0, 0)
    assert abs(status.lag_seconds - 2.5) < 1e-3


def test_a_running_relay_serves_status_and_metrics(dbs: tuple[Path, Path]) -> None:
    monolith, service = dbs
    install(open_db(monolith), ["orders_order"])
    conn = sqlite3.connect(monolith)
    with conn:
        conn.executemany("INSERT INTO orders_order VALUES (?, 0, NULL)", [(i,) for i in range(5)])
    with listening_relay(monolith, service) as (_, url):
        status: dict[str, object] = {}
        while status.get("applied") != 5:
            status = json.loads(fetch(url))
        metrics = fetch(url.replace("/status", "/metrics"))
    assert set(status) == {"lag_seconds", "pending", "applied", "failed", "conflicts", "direction",
                           "parity_drift", "parity_checked_at"}
    assert status["parity_drift"] is None and status["parity_checked_at"] is None  # no --parity-every
    assert status["direction"] == "monolith->service" and status["pending"] == 0
    assert isinstance(status["lag_seconds"], float)
    assert 'demonolith_sync_applied_total{direction="monolith->service"} 5' in metrics
    assert "# TYPE demonolith_sync_lag_seconds gauge" in metrics
    assert len(rows(service)) == 5


def test_metrics_of_both_directions_name_each_series_once_with_a_sample_per_direction() -> None:
    from datasync.model import SyncStatus
    from datasync.status import status_prometheus

    text = status_prometheus([SyncStatus(0.5, 2, 7, 0, 1, "monolith->service"),
                              SyncStatus(0.0, 0, 3, 1, 0, "service->monolith")])
    assert text.count("# TYPE demonolith_sync_applied_total counter") == 1
    assert 'demonolith_sync_applied_total{direction="monolith->service"} 7' in text
    assert 'demonolith_sync_applied_total{direction="service->monolith"} 3' in text


def test_a_relay_with_a_parity_watch_reports_drift_on_status_and_stderr(dbs: tuple[Path, Path]) -> None:
    monolith, service = dbs
    for path in dbs:
        conn = sqlite3.connect(path)
        with conn:
            conn.executemany("INSERT INTO orders_order VALUES (?, 0, NULL)", [(i,) for i in range(5)])
        conn.close()
    install(open_db(monolith), ["orders_order"])
    with listening_relay(monolith, service, "--parity-every", "0.2", "--table",
                         "orders_order") as (stderr, url):
        status: dict[str, object] = {}
        for _ in range(200):
            status = json.loads(fetch(url))
            if status["parity_drift"] is not None:
                break
            time.sleep(0.05)
        assert status["parity_drift"] == 0 and isinstance(status["parity_checked_at"], float)
        conn = sqlite3.connect(service)
        with conn:  # the service loses a row the monolith still has: drift outside the window
            conn.execute("DELETE FROM orders_order WHERE id = 3")
        conn.close()
        line = stderr.readline()
        status = json.loads(fetch(url))
        metrics = fetch(url.replace("/status", "/metrics"))
    assert line.strip() == "demonolith: sync: parity: 1 key(s) drift (orders_order 1)"
    assert status["parity_drift"] == 1
    assert "demonolith_sync_parity_drift_keys 1" in metrics
