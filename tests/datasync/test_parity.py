"""``demonolith parity``: counts, bucket checksums and drift by key between two real databases,
SQLite (and PostgreSQL on a server this module starts), tolerant of keys inside the sync window."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync.capture import install
from datasync.db import open_db
from datasync.model import OUTBOX
from datasync.parity import bucket_of, canonical, checksums, differing
from datasync.relay import prepare_target
from datasync.run import relay_once
from tests.datasync.conftest import DEMONOLITH
from tests.helpers.postgres import postgres_server


def fill(path: Path, count: int) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO orders_order VALUES (?, ?, ?)",
                         [(key, key * 3, f"note {key}") for key in range(1, count + 1)])
    conn.close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DEMONOLITH, "parity", *args], capture_output=True, text=True, timeout=60,
                          check=False)


def report(*args: str) -> tuple[int, dict[str, object]]:
    done = run(*args, "--table", "orders_order", "--format", "json")
    assert done.stderr == "", done.stderr
    tables = json.loads(done.stdout)["tables"]
    return done.returncode, tables[0]


def test_equal_copies_hold_and_exit_0(dbs: tuple[Path, Path]) -> None:
    for path in dbs:
        fill(path, 2500)
    done = run(*map(str, dbs), "--table", "orders_order", "--chunk", "1000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2500 row(s) on the monolith, 2500 on the service, 0 of 3 bucket(s) differ: ok" in done.stdout


def test_drift_is_named_by_key_and_kind_and_exits_15(dbs: tuple[Path, Path]) -> None:
    monolith, service = dbs
    fill(monolith, 3000)
    fill(service, 3000)
    conn = sqlite3.connect(service)
    with conn:
        conn.execute("DELETE FROM orders_order WHERE id = 17")
        conn.execute("UPDATE orders_order SET note = 'edited' WHERE id IN (5, 2999)")
        conn.execute("INSERT INTO orders_order VALUES (9000, 1, NULL)")
    code, table = report(str(monolith), str(service), "--chunk", "500")
    assert code == 15
    assert (table["missing_in_service"], table["missing_in_monolith"], table["changed"]) == (
        ["17"], ["9000"], ["5", "2999"])
    assert (table["monolith_rows"], table["service_rows"], table["drift"]) == (3000, 3000, 4)
    assert 1 <= int(table["differing_buckets"]) <= 4 < int(table["buckets"])  # type: ignore[call-overload]


def test_a_null_against_an_empty_note_is_drift(dbs: tuple[Path, Path]) -> None:
    for path, note in zip(dbs, (None, ""), strict=True):
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("INSERT INTO orders_order VALUES (1, 1, ?)", (note,))
    assert report(*map(str, dbs))[1]["changed"] == ["1"]


def test_keys_written_inside_the_sync_window_are_in_flight_not_drift(dbs: tuple[Path, Path]) -> None:
    monolith, service = dbs
    install(open_db(monolith), ["orders_order"])
    fill(monolith, 10)
    source, target = open_db(monolith), open_db(service)
    prepare_target(target)
    relay_once(source, target, "monolith->service")
    with source:
        source.execute("UPDATE orders_order SET total = 0 WHERE id = 4")  # captured, not relayed yet
    code, table = report(str(monolith), str(service), "--window", "60")
    assert (code, table["in_window"], table["changed"]) == (0, ["4"], [])
    relay_once(source, target, "monolith->service")
    assert report(str(monolith), str(service), "--window", "0")[1]["drift"] == 0
    with target:
        target.execute("DELETE FROM orders_order WHERE id = 4")  # lost after the relay applied it
    code, table = report(str(monolith), str(service), "--window", "0")
    assert (code, table["in_window"], table["missing_in_service"]) == (15, [], ["4"])


def test_changes_the_relay_has_not_applied_are_in_flight_whatever_their_age(dbs: tuple[Path, Path]) -> None:
    """At `sync run` start, writes captured long before (the shadow-writes stage) wait in the
    outbox: on their way, not lost, however old; once the relay passed them they count again."""
    monolith, service = dbs
    install(open_db(monolith), ["orders_order"])
    fill(monolith, 10)
    source, target = open_db(monolith), open_db(service)
    with source:
        source.execute(f"UPDATE {OUTBOX} SET at = 0")  # captured an age ago
    code, table = report(str(monolith), str(service), "--window", "5")
    assert (code, table["missing_in_service"]) == (15, [str(k) for k in range(1, 11)])  # no relay yet
    prepare_target(target)
    code, table = report(str(monolith), str(service), "--window", "5")
    assert (code, len(table["in_window"]), table["drift"]) == (0, 10, 0)  # the relay will apply them
    relay_once(source, target, "monolith->service", limit=6)
    with target:
        target.execute("DELETE FROM orders_order WHERE id = 6")  # the last applied, then lost
    code, table = report(str(monolith), str(service), "--window", "5")
    still_queued = [str(key) for key in range(7, 11)]
    assert (code, table["missing_in_service"], table["in_window"]) == (15, ["6"], still_queued)


def test_a_missing_table_is_one_line_and_exit_14(dbs: tuple[Path, Path]) -> None:
    done = run(*map(str, dbs), "--table", "orders_missing")
    assert done.returncode == 14
    assert done.stderr.strip() == "demonolith: error: monolith: no table orders_missing"


def test_the_same_datum_from_sqlite_or_postgresql_is_the_same_text() -> None:
    moment = dt.datetime(2026, 12, 2, 18, 30, 5, 120000, tzinfo=dt.UTC)
    assert canonical(moment) == canonical("2026-12-02 18:30:05.120000")
    key = uuid.UUID("12345678123456781234567812345678")
    assert canonical(key) == canonical("12345678123456781234567812345678")
    assert canonical(decimal.Decimal("12.50")) == canonical("12.5")
    assert canonical(True) == canonical(1) and canonical(None) != canonical("None")


def test_one_changed_row_disturbs_only_its_own_bucket() -> None:
    rows = [(str(key), (key, "x")) for key in range(1, 5001)]
    changed = [*rows[:99], ("100", (100, "y")), *rows[100:]]
    assert differing(checksums(rows, 7), checksums(list(reversed(changed)), 7)) == {bucket_of("100", 7)}


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def test_a_postgresql_service_against_a_sqlite_monolith(dbs: tuple[Path, Path], postgres: str) -> None:
    import psycopg

    monolith, _ = dbs
    fill(monolith, 50)
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE parity_service")
    url = f"{postgres}/parity_service"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders_order (id bigint PRIMARY KEY, total integer NOT NULL, note text)")
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO orders_order VALUES (%s, %s, %s)",
                               [(key, key * 3, f"note {key}") for key in range(1, 51) if key != 33])
        conn.execute("UPDATE orders_order SET total = -1 WHERE id = 7")
    code, table = report(str(monolith), url)
    assert code == 15
    assert (table["missing_in_service"], table["changed"], table["service_rows"]) == (["33"], ["7"], 49)


def test_a_write_landing_while_the_rows_are_read_is_in_flight_not_drift(dbs: tuple[Path, Path]) -> None:
    """A write committed on the service after the checksums were read (a canary's POST) is read
    with the rows; its captured change must be read after them, or it is taken for drift."""
    from datasync.parity import Row
    from datasync.sides import Side, open_side, table_parity

    monolith, service = dbs
    for path in dbs:
        fill(path, 10)
        install(open_db(path), ["orders_order"])
    with open_db(monolith) as db:
        db.execute("UPDATE orders_order SET total = 0 WHERE id = 4")  # captured, not relayed yet

    class WrittenDuringTheCheck(Side):
        reads = 0

        def rows(self, table: str, pk: str, columns: tuple[str, ...]) -> Iterator[Row]:
            self.reads += 1
            if self.reads == 2:  # the checksums differed (key 4); now, between two reads, a POST commits
                with self.db:
                    self.db.execute("INSERT INTO orders_order VALUES (11, 33, 'new')")
            return super().rows(table, pk, columns)

    left, plain = open_side("monolith", str(monolith)), open_side("service", str(service))
    seen = table_parity(left, WrittenDuringTheCheck("service", plain.db), "orders_order", 1000, 60.0)
    assert (seen.missing_in_monolith, seen.in_window, seen.drift) == ((), ("4", "11"), 0)
