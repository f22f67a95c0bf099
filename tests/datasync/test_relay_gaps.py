"""The relay's wait at a gap in a PostgreSQL outbox, on a real server this module starts: each
interleaving where a change's sequence number is taken before a later one's but its transaction
commits after, forced step by step with transactions held open, into a SQLite monolith (the demo's
sides). Whatever the order of the transaction ids, of the sequence numbers, of the commits and of
the relay's batches (a relay restarted in between included), every committed change is applied
once and the relay is never held for good by a number that cannot come."""

from __future__ import annotations

import itertools
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from datasync.capture import install
from datasync.db import Db, open_db
from datasync.model import STATE
from datasync.relay import Gaps, prepare_target
from datasync.run import relay_once
from datasync.status import read_status
from tests.helpers.postgres import postgres_server

TABLE = "CREATE TABLE till_day (day date PRIMARY KEY, orders integer NOT NULL)"
NAMES = itertools.count()
DIRECTION = "service->monolith"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


class Sides:
    """A PostgreSQL service with capture on ``till_day``, a SQLite monolith with the same table, and
    the relay's connections to both (opened again by :meth:`restart`)."""

    def __init__(self, server: str, folder: Path) -> None:
        name = f"gaps_{next(NAMES)}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        self.url = f"{server}/{name}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(TABLE)
        self.path = folder / "monolith.sqlite3"
        conn3 = sqlite3.connect(self.path)
        with conn3:
            conn3.execute("CREATE TABLE till_day (day text PRIMARY KEY, orders integer NOT NULL)")
        conn3.close()
        self.opened: list[Db] = []
        self.writers: list[psycopg.Connection[tuple[object, ...]]] = []
        self.service, self.monolith = self._open()
        install(self.service, ["till_day"])
        prepare_target(self.monolith)
        self.gaps = Gaps()

    def _open(self) -> tuple[Db, Db]:
        self.opened += [open_db(self.url), open_db(self.path)]
        return self.opened[-2], self.opened[-1]

    def relay(self) -> None:
        """One batch of the running relay (its gaps kept from one batch to the next)."""
        relay_once(self.service, self.monolith, DIRECTION, gaps=self.gaps)

    def restart(self) -> None:
        """The relay process started again: new connections, no gap remembered."""
        self.service, self.monolith = self._open()
        self.gaps = Gaps()

    def writer(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection of the service's own (transactions open until committed)."""
        conn = psycopg.connect(self.url)
        self.writers.append(conn)
        return conn

    def days(self) -> list[str]:
        """The days on the monolith."""
        conn = sqlite3.connect(self.path)
        try:
            return [str(row[0]) for row in conn.execute("SELECT day FROM till_day ORDER BY day")]
        finally:
            conn.close()

    def applied(self) -> int:
        """How many changes the relay applied on the monolith."""
        conn = sqlite3.connect(self.path)
        try:
            row = conn.execute(f"SELECT applied FROM {STATE}").fetchone()
        finally:
            conn.close()
        return 0 if row is None else int(row[0])

    def close(self) -> None:
        """Close every connection opened."""
        for writer in self.writers:
            writer.close()
        for db in self.opened:
            db.close()


@pytest.fixture
def sides(server: str, tmp_path: Path) -> Iterator[Sides]:
    made = Sides(server, tmp_path)
    yield made
    made.close()


Conn = psycopg.Connection[tuple[object, ...]]
FIRST, SECOND, THIRD, FOURTH = "1901-11-13", "1901-11-14", "1901-11-15", "1901-11-16"


def write(conn: Conn, day: str, orders: int = 1) -> None:
    """The till's write, as the service makes it (one upsert by day), left uncommitted."""
    conn.execute("INSERT INTO till_day VALUES (%s, %s) ON CONFLICT (day) DO UPDATE "
                 "SET orders = excluded.orders", (day, orders))


def take_xid(conn: Conn) -> None:
    """Give the open transaction of ``conn`` its id now (as an earlier write of it would)."""
    conn.execute("SELECT pg_current_xact_id()")


def held_gap(sides: Sides, newer_holds_it: bool, savepoint: bool = False) -> tuple[Conn, Conn]:
    """``late`` writes SECOND and stays open (inside a savepoint with ``savepoint``); ``early``
    writes THIRD, taking the next number, and commits. ``newer_holds_it``: ``late`` has the newer
    transaction id (``early`` took its id first), else the older."""
    early, late = sides.writer(), sides.writer()
    take_xid(early if newer_holds_it else late)
    if savepoint:
        late.execute("SAVEPOINT till")
    write(late, SECOND)
    write(early, THIRD)
    early.commit()
    return early, late


def held_for(sides: Sides, batches: int, days: list[str]) -> None:
    """``batches`` batches of the relay change nothing on the monolith: it still holds ``days``."""
    for _ in range(batches):
        sides.relay()
        assert sides.days() == days


def applied_once(sides: Sides, days: list[str], changes: int) -> None:
    """The monolith holds ``days`` after ``changes`` changes applied, and more batches apply none."""
    assert (sides.days(), sides.applied()) == (days, changes)
    held_for(sides, 2, days)
    assert sides.applied() == changes


ORDERS = pytest.mark.parametrize("newer_holds_it", [True, False],
                                 ids=["newer-id-holds-the-gap", "older-id-holds-the-gap"])


@ORDERS
@pytest.mark.parametrize("savepoint", [False, True], ids=["plain", "in-a-savepoint"])
def test_a_change_committed_after_a_higher_number_is_waited_for(sides: Sides, newer_holds_it: bool,
                                                                 savepoint: bool) -> None:
    """The lower number's transaction commits after the higher one's: the relay holds the higher
    change for as many batches as it stays open, then applies both in one batch. With the newer id
    holding the gap, that transaction is at or past the snapshot's xmax (no transaction as new
    has completed), the case an xmax-based wait passed and lost."""
    _, late = held_gap(sides, newer_holds_it, savepoint)
    held_for(sides, 3, [])
    if savepoint:
        late.execute("RELEASE SAVEPOINT till")
    late.commit()
    sides.relay()
    applied_once(sides, [SECOND, THIRD], 2)


@ORDERS
@pytest.mark.parametrize("savepoint", [False, True], ids=["rolled-back", "savepoint-rolled-back"])
def test_a_number_that_never_commits_holds_the_relay_only_while_its_transaction_runs(
        sides: Sides, newer_holds_it: bool, savepoint: bool) -> None:
    """The lower number is rolled back (the whole transaction, or its savepoint while the
    transaction goes on): held while the transaction runs, passed in the batch after it ends."""
    _, late = held_gap(sides, newer_holds_it, savepoint)
    if savepoint:
        late.execute("ROLLBACK TO SAVEPOINT till")
    held_for(sides, 3, [])
    if savepoint:
        late.commit()
    else:
        late.rollback()
    sides.relay()
    applied_once(sides, [THIRD], 1)


@ORDERS
def test_a_relay_started_again_while_a_gap_is_open_waits_at_it(sides: Sides, newer_holds_it: bool) -> None:
    """The relay saw the gap, then its process was started again (no gap remembered, new
    connections): the new relay waits at the gap as the first did."""
    _, late = held_gap(sides, newer_holds_it)
    held_for(sides, 2, [])
    sides.restart()
    held_for(sides, 3, [])
    late.commit()
    sides.relay()
    applied_once(sides, [SECOND, THIRD], 2)


def test_changes_after_an_open_gap_wait_though_an_earlier_gap_was_rolled_back(sides: Sides) -> None:
    """Two gaps: the first number rolled back, the second still open. The change before both is
    applied at once; the rest waits until the open transaction ends, then comes in order."""
    first, rolled, open_one, last = (sides.writer() for _ in range(4))
    take_xid(last)  # the highest number, committed first, has the oldest id
    write(first, FIRST)
    first.commit()
    write(rolled, SECOND)
    write(open_one, THIRD)
    write(last, FOURTH)
    last.commit()
    held_for(sides, 2, [FIRST])
    rolled.rollback()
    held_for(sides, 2, [FIRST])  # the second gap's transaction is older than the wait's own id
    open_one.commit()
    sides.relay()
    applied_once(sides, [FIRST, THIRD, FOURTH], 3)


def till(url: str, number: int, writes: int, done: list[int]) -> None:
    """Till ``number`` of three: ``writes`` writes of days of its own (every fifth a day again),
    some taking their transaction id early, each held open a moment, one in eight rolled back;
    the count of committed writes goes into ``done``."""
    rng = random.Random(number)
    committed = 0
    with psycopg.connect(url) as conn:
        for n in range(writes):
            if rng.random() < 0.5:
                take_xid(conn)
            day = date(1901, 1, 1) + timedelta(days=3 * (n - 3 if n % 5 == 4 else n) + number)
            write(conn, day.isoformat(), n)
            time.sleep(rng.random() * 0.003)
            if rng.random() < 0.125:
                conn.rollback()
            else:
                conn.commit()
                committed += 1
    done.append(committed)


def test_three_tills_writing_while_the_relay_runs_reach_the_monolith_each_once(sides: Sides) -> None:
    """Not one interleaving but many: three tills write concurrently while the relay runs batch
    after batch; at the end the monolith holds the service's rows, each change applied once."""
    done: list[int] = []
    tills = [threading.Thread(target=till, args=(sides.url, number, 60, done)) for number in range(3)]
    for thread in tills:
        thread.start()
    while any(thread.is_alive() for thread in tills):
        sides.relay()
    for _ in range(20):  # each gap left takes a batch to be seen, one more to be passed
        sides.relay()
        if read_status(sides.service, sides.monolith, "service", DIRECTION).pending == 0:
            break
    with psycopg.connect(sides.url) as conn:
        service = [(str(day), orders) for day, orders in
                   conn.execute("SELECT day, orders FROM till_day ORDER BY day").fetchall()]
    conn3 = sqlite3.connect(sides.path)
    try:
        monolith = conn3.execute("SELECT day, orders FROM till_day ORDER BY day").fetchall()
    finally:
        conn3.close()
    assert monolith == service
    assert sides.applied() == sum(done)
