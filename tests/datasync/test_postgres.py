"""Live sync on a real PostgreSQL server this module starts: capture by a PL/pgSQL trigger, the
relay PostgreSQL -> PostgreSQL and SQLite -> PostgreSQL with the column types Django uses, the
relay's writes never captured back, conflicts kept, and the CLI on URLs ending in parity."""

from __future__ import annotations

import itertools
import json
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from datasync.capture import install, uninstall
from datasync.db import Db, open_db
from datasync.errors import SyncError
from datasync.model import CONFLICTS, OUTBOX, STATE
from datasync.relay import Gaps, prepare_target
from datasync.run import relay_once
from tests.datasync.conftest import DEMONOLITH, OtherRelayMeanwhile
from tests.helpers.postgres import postgres_server

TABLE = ("CREATE TABLE shop_order (id bigint PRIMARY KEY, paid boolean NOT NULL, "
         "total numeric(10, 2) NOT NULL, placed timestamptz, extra jsonb, note text)")
NAMES = itertools.count()
Connect = Callable[[str | Path], Db]


@pytest.fixture
def connect() -> Iterator[Callable[[str | Path], Db]]:
    """``open_db`` whose databases are closed at the end of the test."""
    opened: list[Db] = []

    def open_one(spec: str | Path) -> Db:
        opened.append(open_db(spec))
        return opened[-1]
    yield open_one
    for db in opened:
        db.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def database(server: str) -> str:
    """A fresh database holding the empty ``shop_order`` table; its URL."""
    name = f"sync_{next(NAMES)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TABLE)
    return url


def sql(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def test_a_trigger_captures_each_write_once_with_its_row_image(server: str, connect: Connect) -> None:
    url = database(server)
    db = connect(url)
    install(db, ["shop_order"])
    install(db, ["shop_order"])  # idempotent: still one trigger
    sql(url, "INSERT INTO shop_order VALUES (7, true, 12.50, '2026-12-02 18:00+00', '{\"a\": 1}', 'x')")
    sql(url, "UPDATE shop_order SET note = 'y' WHERE id = 7")
    sql(url, "DELETE FROM shop_order WHERE id = 7")
    captured = sql(url, f"SELECT tbl, pk, op, row FROM {OUTBOX} ORDER BY seq")
    assert [row[:3] for row in captured] == [("shop_order", "7", "I"), ("shop_order", "7", "U"),
                                             ("shop_order", "7", "D")]
    image = json.loads(str(captured[1][3]))
    assert (image["paid"], image["total"], image["extra"], image["note"]) == (True, 12.5, {"a": 1}, "y")
    assert captured[2][3] is None
    uninstall(db, ["shop_order"])
    sql(url, "INSERT INTO shop_order VALUES (8, false, 1, NULL, NULL, NULL)")
    assert len(sql(url, f"SELECT seq FROM {OUTBOX}")) == 3


def test_postgresql_to_postgresql_keeps_types_and_is_not_echoed(server: str, connect: Connect) -> None:
    monolith_url, service_url = database(server), database(server)
    monolith, service = connect(monolith_url), connect(service_url)
    for db in (monolith, service):
        install(db, ["shop_order"])
        prepare_target(db)
    sql(monolith_url, "INSERT INTO shop_order VALUES (1, true, 12.50, '2026-12-02 18:00+00', "
                      "'{\"tags\": [1, 2]}', 'a'), (2, false, 3, NULL, NULL, NULL)")
    sql(monolith_url, "UPDATE shop_order SET total = 13.75 WHERE id = 1")
    sql(monolith_url, "DELETE FROM shop_order WHERE id = 2")
    relay_once(monolith, service, "monolith->service")
    query = "SELECT id, paid, total::text, placed::text, extra::text, note FROM shop_order ORDER BY id"
    assert sql(service_url, query) == sql(monolith_url, query)
    assert sql(service_url, f"SELECT COUNT(*) FROM {OUTBOX}") == [(0,)]  # the relay's writes
    sql(service_url, "UPDATE shop_order SET note = 'service' WHERE id = 1")
    sql(monolith_url, "UPDATE shop_order SET note = 'monolith' WHERE id = 1")
    relay_once(service, monolith, "service->monolith")
    assert sql(monolith_url, f"SELECT source, tbl, pk FROM {CONFLICTS}") == [("service", "shop_order", "1")]


def test_a_sqlite_monolith_relays_into_a_postgresql_service(server: str, tmp_path: Path,
                                                           connect: Connect) -> None:
    path = tmp_path / "monolith.sqlite3"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE shop_order (id integer PRIMARY KEY, paid bool NOT NULL, "
                     "total decimal NOT NULL, placed datetime, extra text, note varchar(20))")
    install(connect(path), ["shop_order"])
    with conn:
        conn.execute("INSERT INTO shop_order VALUES (1, 1, '12.50', '2026-12-02 18:00:00', "
                     "'{\"a\": 1}', 'x'), (2, 0, '3', NULL, NULL, NULL)")
    conn.close()
    service_url = database(server)
    service = connect(service_url)
    prepare_target(service)
    relay_once(connect(path), service, "monolith->service")
    assert sql(service_url, "SELECT id, paid, total::text, extra::text FROM shop_order ORDER BY id") == [
        (1, True, "12.50", '{"a": 1}'), (2, False, "3.00", None)]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DEMONOLITH, *args], capture_output=True, text=True, timeout=60, check=False)


def test_the_cli_installs_relays_and_checks_parity_on_urls(server: str) -> None:
    monolith_url, service_url = database(server), database(server)
    done = cli("sync", "install", monolith_url, "--table", "shop_order")
    assert done.returncode == 0 and "capture installed on 1 table(s): shop_order" in done.stdout, done.stderr
    sql(monolith_url, "INSERT INTO shop_order SELECT g, g % 2 = 0, g, now(), NULL, 'n' "
                      "FROM generate_series(1, 300) g")
    assert cli("parity", monolith_url, service_url, "--table", "shop_order", "--window", "0").returncode == 15
    done = cli("sync", "run", monolith_url, service_url, "--once")
    assert done.returncode == 0, done.stderr
    done = cli("parity", monolith_url, service_url, "--table", "shop_order", "--window", "0")
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(cli("sync", "status", monolith_url, service_url).stdout)
    assert (status["applied"], status["pending"]) == (300, 0)


def test_a_change_committed_after_a_later_one_was_relayed_is_not_skipped(server: str,
                                                                        connect: Connect) -> None:
    monolith_url, service_url = database(server), database(server)
    monolith, service = connect(monolith_url), connect(service_url)
    install(monolith, ["shop_order"])
    prepare_target(service)
    with psycopg.connect(monolith_url) as slow:  # one transaction held open while another commits
        slow.execute("INSERT INTO shop_order VALUES (1, true, 1, NULL, NULL, 'first seq, late commit')")
        sql(monolith_url, "INSERT INTO shop_order VALUES (2, true, 2, NULL, NULL, 'second seq')")
        relay_once(monolith, service, "monolith->service")
        slow.commit()
    relay_once(monolith, service, "monolith->service")
    assert sql(service_url, "SELECT id FROM shop_order ORDER BY id") == [(1,), (2,)]


def test_a_gap_is_held_while_its_transaction_is_open_and_passed_once_it_rolled_back(
        server: str, connect: Connect) -> None:
    """The running relay's gaps: a later change waits behind a number an open transaction holds
    (for as many batches as it stays open); once that transaction rolled back, the gap is passed
    and the later change relayed — the relay is never stuck behind a number that cannot come."""
    monolith_url, service_url = database(server), database(server)
    monolith, service = connect(monolith_url), connect(service_url)
    install(monolith, ["shop_order"])
    prepare_target(service)
    gaps = Gaps()
    with psycopg.connect(monolith_url) as slow:
        slow.execute("INSERT INTO shop_order VALUES (1, true, 1, NULL, NULL, 'rolled back')")
        sql(monolith_url, "INSERT INTO shop_order VALUES (2, true, 2, NULL, NULL, 'kept')")
        for _ in range(3):
            relay_once(monolith, service, "monolith->service", gaps=gaps)
            assert sql(service_url, "SELECT id FROM shop_order") == []
        slow.rollback()
    relay_once(monolith, service, "monolith->service", gaps=gaps)
    assert sql(service_url, "SELECT id FROM shop_order ORDER BY id") == [(2,)]


def test_a_second_relay_into_postgresql_fails_its_batch_instead_of_applying_it_again(
        server: str, connect: Connect) -> None:
    """As on SQLite (tests/datasync/test_relay.py): a relay whose changes another relay applied
    while it held them moves no mark back and applies nothing again."""
    monolith_url, service_url = database(server), database(server)
    monolith, service = connect(monolith_url), connect(service_url)
    install(monolith, ["shop_order"])
    prepare_target(service)
    sql(monolith_url, "INSERT INTO shop_order VALUES (1, true, 1, NULL, NULL, 'a'), "
                      "(2, true, 2, NULL, NULL, 'b')")

    def second_relay() -> None:
        sql(monolith_url, "UPDATE shop_order SET note = 'newer' WHERE id = 1")
        relay_once(connect(monolith_url), connect(service_url), "monolith->service")

    with pytest.raises(SyncError, match="another relay"):
        relay_once(monolith, service, "monolith->service", gaps=OtherRelayMeanwhile(second_relay))
    query = "SELECT id, note FROM shop_order ORDER BY id"
    assert sql(service_url, query) == sql(monolith_url, query) == [(1, "newer"), (2, "b")]
    assert sql(service_url, f"SELECT seq, applied, failed FROM {STATE}") == [(3, 3, 1)]


def test_uuid_keys_keep_one_row_across_sqlite_and_postgresql(server: str, tmp_path: Path,
                                                             connect: Connect) -> None:
    """Django's UUIDField is ``char(32)`` (hex) on SQLite and ``uuid`` (printed with dashes) on
    PostgreSQL: both ways, an update changes the one row (not a second beside it), a delete removes
    it, a row written on both sides is a conflict (found by the key in the target's form), and a
    UUID column that is not the key follows."""
    first, second, owner = (str(uuid.UUID(int=n)) for n in (1, 2, 3))
    path = tmp_path / "monolith.sqlite3"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE token (id char(32) NOT NULL PRIMARY KEY, owner char(32), n integer)")
        conn.executemany("INSERT INTO token VALUES (?, ?, 1)",
                         [(uuid.UUID(first).hex, uuid.UUID(owner).hex), (uuid.UUID(second).hex, None)])
    conn.close()
    service_url = database(server)
    sql(service_url, "CREATE TABLE token (id uuid PRIMARY KEY, owner uuid, n integer)")
    sql(service_url, f"INSERT INTO token VALUES ('{first}', '{owner}', 1), ('{second}', NULL, 1)")
    monolith, service = connect(path), connect(service_url)
    for db in (monolith, service):
        install(db, ["token"])
        prepare_target(db)

    def relay() -> None:
        relay_once(monolith, service, "monolith->service")
        relay_once(service, monolith, "service->monolith")

    sql(service_url, f"UPDATE token SET n = 2 WHERE id = '{first}'")
    with monolith:
        monolith.execute("UPDATE token SET n = 3 WHERE id = ?", (uuid.UUID(second).hex,))
    relay()
    rows = "SELECT id, owner, n FROM token ORDER BY id"
    assert monolith.execute(rows).fetchall() == [(uuid.UUID(first).hex, uuid.UUID(owner).hex, 2),
                                                (uuid.UUID(second).hex, None, 3)]
    assert sql(service_url, rows) == [(uuid.UUID(first), uuid.UUID(owner), 2), (uuid.UUID(second), None, 3)]
    sql(service_url, f"UPDATE token SET n = 4 WHERE id = '{second}'")  # both sides write one row
    with monolith:
        monolith.execute("UPDATE token SET n = 5 WHERE id = ?", (uuid.UUID(second).hex,))
    relay()
    assert sql(service_url, f"SELECT source, pk FROM {CONFLICTS}") == [("monolith", uuid.UUID(second).hex)]
    sql(service_url, f"DELETE FROM token WHERE id = '{first}'")
    with monolith:
        monolith.execute("DELETE FROM token WHERE id = ?", (uuid.UUID(second).hex,))
    relay()
    assert monolith.execute(rows).fetchall() == [] and sql(service_url, rows) == []
