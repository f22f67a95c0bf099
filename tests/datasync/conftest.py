"""Two real SQLite databases, the monolith's and the service's, with one service-owned table; a
relay's read interleaved with another relay's batch."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from datasync.db import Db
from datasync.model import Change
from datasync.relay import Gaps

SCHEMA = "CREATE TABLE orders_order (id INTEGER PRIMARY KEY, total INTEGER NOT NULL, note TEXT)"
DEMONOLITH = [sys.executable, "-m", "demonolith"]


def make_db(path: Path) -> Path:
    """A database at ``path`` holding the empty ``orders_order`` table."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(SCHEMA)
    conn.close()
    return path


def rows(path: Path) -> list[tuple[object, ...]]:
    """Every row of ``orders_order`` at ``path``, by id."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, total, note FROM orders_order ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def dbs(tmp_path: Path) -> tuple[Path, Path]:
    """(monolith.sqlite3, service.sqlite3), both with the table, neither with capture yet."""
    return make_db(tmp_path / "monolith.sqlite3"), make_db(tmp_path / "service.sqlite3")


class OtherRelayMeanwhile(Gaps):
    """The changes a relay read, then another relay (its own connections) running a whole batch
    before this one applies them: two ``sync run`` on the same outbox at once."""

    def __init__(self, other: Callable[[], None]) -> None:
        super().__init__()
        self.other = other

    def ready(self, source: Db, after: int, limit: int) -> list[Change]:
        changes = super().ready(source, after, limit)
        self.other()
        return changes
