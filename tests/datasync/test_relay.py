"""The relay on real SQLite files: in order, idempotent, never echoed back, conflicts kept."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from datasync.capture import install
from datasync.db import Db, open_db
from datasync.errors import SyncError
from datasync.model import CONFLICTS, OUTBOX, STATE
from datasync.relay import prepare_target
from datasync.run import relay_once
from tests.datasync.conftest import DEMONOLITH, OtherRelayMeanwhile, make_db, rows


def write_mix(path: Path, count: int) -> None:
    """``count`` inserts, then an update of every even id and a delete of every fifth."""
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO orders_order VALUES (?, ?, ?)",
                         [(i, i * 10, f"n{i}") for i in range(1, count + 1)])
        conn.execute("UPDATE orders_order SET total = total + 1 WHERE id % 2 = 0")
        conn.execute("DELETE FROM orders_order WHERE id % 5 = 0")
    conn.close()


def scalar(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0] or 0)
    finally:
        conn.close()


def both_captured(dbs: tuple[Path, Path]) -> tuple[Db, Db]:
    monolith, service = (open_db(path) for path in dbs)
    install(monolith, ["orders_order"])
    install(service, ["orders_order"])
    prepare_target(service)
    prepare_target(monolith)
    return monolith, service


def test_relay_applies_in_order_and_its_writes_are_not_captured_back(dbs: tuple[Path, Path]) -> None:
    monolith, service = both_captured(dbs)
    write_mix(dbs[0], 40)
    for _ in range(68 // 7 + 1):  # 68 changes in batches of 7
        relay_once(monolith, service, "monolith->service", limit=7)
    assert rows(dbs[1]) == rows(dbs[0])
    assert len(rows(dbs[1])) == 32
    assert scalar(dbs[1], f"SELECT COUNT(*) FROM {OUTBOX}") == 0  # the service captured nothing
    relay_once(monolith, service, "monolith->service")  # again: nothing to do, nothing changes
    assert scalar(dbs[1], f"SELECT applied FROM {STATE}") == 40 + 20 + 8


def test_the_reverse_direction_follows_the_service_once_it_writes(dbs: tuple[Path, Path]) -> None:
    monolith, service = both_captured(dbs)
    write_mix(dbs[0], 10)
    relay_once(monolith, service, "monolith->service")
    with service:
        service.execute("UPDATE orders_order SET note = 'by service' WHERE id = 3")
        service.execute("INSERT INTO orders_order VALUES (99, 1, 'new')")
    relay_once(service, monolith, "service->monolith")
    assert rows(dbs[0]) == rows(dbs[1])
    assert (99, 1, "new") in rows(dbs[0])
    assert scalar(dbs[0], f"SELECT COUNT(*) FROM {CONFLICTS}") == 0


def test_a_row_written_on_both_sides_is_a_conflict_reported_with_its_key(
    dbs: tuple[Path, Path]
) -> None:
    monolith, service = both_captured(dbs)
    with monolith:
        monolith.execute("INSERT INTO orders_order VALUES (1, 10, 'x'), (2, 20, 'y')")
    relay_once(monolith, service, "monolith->service")
    with service:
        service.execute("UPDATE orders_order SET total = 11 WHERE id = 1")
    with monolith:
        monolith.execute("UPDATE orders_order SET total = 12 WHERE id = 1")
        monolith.execute("UPDATE orders_order SET total = 22 WHERE id = 2")
    assert relay_once(monolith, service, "monolith->service") == 1
    conflicts = service.execute(f"SELECT source, tbl, pk FROM {CONFLICTS}").fetchall()
    assert conflicts == [("monolith", "orders_order", "1")]
    assert scalar(dbs[1], f"SELECT conflicts FROM {STATE}") == 1
    assert rows(dbs[1]) == [(1, 12, "x"), (2, 22, "y")]  # the writer's change applied, not dropped


def test_a_relay_killed_midway_restarts_without_losing_or_doubling_a_change(
    dbs: tuple[Path, Path]
) -> None:
    monolith, service = dbs
    install(open_db(monolith), ["orders_order"])
    write_mix(monolith, 1500)
    total = scalar(monolith, f"SELECT MAX(seq) FROM {OUTBOX}")
    relay = subprocess.Popen([*DEMONOLITH, "sync", "run", str(monolith), str(service),
                              "--batch", "1", "--interval", "0"], start_new_session=True)
    try:
        applied = 0
        for _ in range(6000):
            applied = scalar(service, f"SELECT MAX(seq) FROM {STATE}") if _state_exists(service) else 0
            if applied >= 50:
                break
            time.sleep(0.01)
        os.killpg(relay.pid, signal.SIGKILL)
    finally:
        relay.wait(timeout=60)
    at_kill = scalar(service, f"SELECT seq FROM {STATE}")
    assert 0 < at_kill < total, "the relay must be killed midway"
    done = subprocess.run([*DEMONOLITH, "sync", "run", str(monolith), str(service), "--once"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert rows(service) == rows(monolith)
    assert scalar(service, f"SELECT seq FROM {STATE}") == total
    assert scalar(service, f"SELECT applied FROM {STATE}") == total  # each change exactly once


def _state_exists(path: Path) -> bool:
    return scalar(path, f"SELECT COUNT(*) FROM sqlite_master WHERE name = '{STATE}'") == 1


def test_a_running_relay_retries_a_failing_batch_and_catches_up(tmp_path: Path) -> None:
    monolith = make_db(tmp_path / "monolith.sqlite3")
    service = tmp_path / "service.sqlite3"
    sqlite3.connect(service).close()  # the service's table is not migrated yet: every batch fails
    install(open_db(monolith), ["orders_order"])
    write_mix(monolith, 20)
    relay = subprocess.Popen([*DEMONOLITH, "sync", "run", str(monolith), str(service), "--interval", "0.02"],
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert relay.stderr is not None
        first = relay.stderr.readline()
        assert "relay monolith->service: table orders_order not found on the target" in first, first
        assert "; retrying in " in first, first
        assert relay.poll() is None, "a failed batch must not end the relay"
        make_db(service)
        for _ in range(1000):
            if _state_exists(service) and rows(service) == rows(monolith):
                break
            time.sleep(0.01)
        assert rows(service) == rows(monolith)
        assert scalar(service, f"SELECT failed FROM {STATE}") >= 1
    finally:
        os.killpg(relay.pid, signal.SIGKILL)
        relay.wait(timeout=60)
        if relay.stderr is not None:
            relay.stderr.close()


def test_both_directions_in_one_relay_while_both_sides_write(dbs: tuple[Path, Path]) -> None:
    monolith, service = both_captured(dbs)
    with monolith:
        monolith.execute("INSERT INTO orders_order VALUES (1, 10, 'm'), (2, 20, 'm')")
    with service:
        service.execute("INSERT INTO orders_order VALUES (100, 1, 's')")
    done = subprocess.run([*DEMONOLITH, "sync", "run", *map(str, dbs), "--direction", "both", "--once"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert rows(dbs[0]) == rows(dbs[1]) == [(1, 10, "m"), (2, 20, "m"), (100, 1, "s")]
    status = json.loads(subprocess.run([*DEMONOLITH, "sync", "status", *map(str, dbs), "--direction", "both"],
                                       capture_output=True, text=True, timeout=60, check=True).stdout)
    assert (status["direction"], status["applied"], status["pending"]) == ("both", 3, 0)
    assert [(d["direction"], d["applied"]) for d in status["directions"]] == [
        ("monolith->service", 2), ("service->monolith", 1)]


def test_a_second_relay_on_the_same_outbox_fails_its_batch_instead_of_applying_it_again(
    dbs: tuple[Path, Path]
) -> None:
    """The first relay read changes 1-3; the monolith then updated row 1 again and a second relay
    applied 1-4 meanwhile. The first relay's batch must not apply 1-3 again (row 1 back to its
    older image, the mark back at 3, the counts doubled): it fails, and nothing changes."""
    monolith, service = (open_db(path) for path in dbs)
    install(monolith, ["orders_order"])
    prepare_target(service)
    with monolith:
        monolith.execute("INSERT INTO orders_order VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')")

    def second_relay() -> None:
        with monolith:
            monolith.execute("UPDATE orders_order SET total = 11 WHERE id = 1")
        others = open_db(dbs[0]), open_db(dbs[1])
        relay_once(*others, "monolith->service")
        for db in others:
            db.close()

    with pytest.raises(SyncError, match="another relay"):
        relay_once(monolith, service, "monolith->service", gaps=OtherRelayMeanwhile(second_relay))
    assert rows(dbs[1]) == rows(dbs[0]) == [(1, 11, "a"), (2, 20, "b"), (3, 30, "c")]
    assert (scalar(dbs[1], f"SELECT seq FROM {STATE}"), scalar(dbs[1], f"SELECT applied FROM {STATE}"),
            scalar(dbs[1], f"SELECT failed FROM {STATE}")) == (4, 4, 1)
    relay_once(monolith, service, "monolith->service")  # the first relay goes on from the mark
    assert scalar(dbs[1], f"SELECT applied FROM {STATE}") == 4
