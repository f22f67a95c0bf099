"""The two sides of a parity check: a SQLite file or a PostgreSQL URL, read row by row.

I/O lives here; :mod:`datasync.parity` computes. A side lists a table's columns and key, counts
and streams its rows ordered by key, and names the keys its outbox captured since a moment.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from datasync.capture import quote
from datasync.errors import SyncError
from datasync.model import OUTBOX
from datasync.parity import (
    Row,
    TableParity,
    bucket_count,
    canonical,
    checksums,
    compare,
    differing,
    digests_in,
)


class Side(Protocol):
    """One database holding a copy of the service's tables."""

    name: str

    def layout(self, table: str) -> tuple[str, tuple[str, ...]]:
        """(primary-key column, every column) of ``table``; SyncError when absent or keyless."""

    def count(self, table: str) -> int:
        """How many rows ``table`` holds."""

    def rows(self, table: str, pk: str, columns: tuple[str, ...]) -> Iterator[Row]:
        """Every row of ``table``: (key as text, values of ``columns``), in key order."""

    def written_since(self, table: str, since: float) -> frozenset[str]:
        """Keys of ``table`` the outbox captured at or after ``since`` (none without an outbox)."""


class SqliteSide:
    """A SQLite database file."""

    def __init__(self, name: str, path: Path) -> None:
        if not path.is_file():
            raise SyncError(f"{path}: no such database")
        self.name = name
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)

    def layout(self, table: str) -> tuple[str, tuple[str, ...]]:
        info = self.conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
        keys = [row[1] for row in info if row[5]]
        return _one_key(self.name, table, keys, tuple(row[1] for row in info))

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0])

    def rows(self, table: str, pk: str, columns: tuple[str, ...]) -> Iterator[Row]:
        names = ", ".join(quote(column) for column in columns)
        cursor = self.conn.execute(f"SELECT {quote(pk)}, {names} FROM {quote(table)} "
                                   f"ORDER BY {quote(pk)}")
        for key, *values in cursor:
            yield canonical(key), tuple(values)

    def written_since(self, table: str, since: float) -> frozenset[str]:
        try:
            found = self.conn.execute(f"SELECT DISTINCT pk FROM {OUTBOX} WHERE tbl = ? AND at >= ?",
                                      (table, since)).fetchall()
        except sqlite3.OperationalError:  # no outbox: capture was never installed here
            return frozenset()
        return frozenset(str(row[0]) for row in found)


class PostgresSide:
    """A PostgreSQL database, by its ``postgresql://`` URL (read through psycopg)."""

    def __init__(self, name: str, url: str) -> None:
        import psycopg

        self.name = name
        try:
            self.conn: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise SyncError(f"{name}: cannot connect to {url}: {exc}".strip()) from exc

    def layout(self, table: str) -> tuple[str, tuple[str, ...]]:
        columns = tuple(row[0] for row in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s ORDER BY ordinal_position", (table,)))
        keys = [row[0] for row in self.conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = to_regclass(%s)",
            (quote(table),))] if columns else []
        return _one_key(self.name, table, keys, columns)

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0])

    def rows(self, table: str, pk: str, columns: tuple[str, ...]) -> Iterator[Row]:
        names = ", ".join(quote(column) for column in columns)
        with self.conn.transaction(), self.conn.cursor(name="demonolith_parity") as cursor:
            cursor.execute(f"SELECT {quote(pk)}, {names} FROM {quote(table)} ORDER BY {quote(pk)}")
            for key, *values in cursor:
                yield canonical(key), tuple(values)

    def written_since(self, table: str, since: float) -> frozenset[str]:
        if self.conn.execute("SELECT to_regclass(%s)", (OUTBOX,)).fetchone()[0] is None:
            return frozenset()
        found = self.conn.execute(f"SELECT DISTINCT pk FROM {OUTBOX} WHERE tbl = %s AND at >= %s",
                                  (table, since))
        return frozenset(str(row[0]) for row in found)


def _one_key(side: str, table: str, keys: list[str],
             columns: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    if not columns:
        raise SyncError(f"{side}: no table {table}")
    if len(keys) != 1:
        raise SyncError(f"{side}: table {table} has {len(keys)} primary-key columns; parity needs one")
    return keys[0], columns


def open_side(name: str, spec: str) -> Side:
    """The side ``name`` (monolith or service) at ``spec``: a PostgreSQL URL or a SQLite path."""
    if spec.startswith(("postgresql://", "postgres://")):
        return PostgresSide(name, spec)
    return SqliteSide(name, Path(spec))


def table_parity(monolith: Side, service: Side, table: str, chunk: int,
                 window: float, now: float | None = None) -> TableParity:
    """Compare ``table`` on both sides: checksums by bucket, then the rows of differing buckets."""
    pk, left_columns = monolith.layout(table)
    service_pk, right_columns = service.layout(table)
    if service_pk != pk:
        raise SyncError(f"table {table}: key {pk} on the monolith, {service_pk} on the service")
    columns = tuple(sorted((set(left_columns) & set(right_columns)) - {pk}))
    counts = (monolith.count(table), service.count(table))
    buckets = bucket_count(max(counts), chunk)
    wanted = differing(checksums(monolith.rows(table, pk, columns), buckets),
                       checksums(service.rows(table, pk, columns), buckets))
    if not wanted:
        return compare(table, columns, counts, buckets, 0, {}, {}, frozenset())
    since = (time.time() if now is None else now) - window
    recent = monolith.written_since(table, since) | service.written_since(table, since)
    return compare(table, columns, counts, buckets, len(wanted),
                   digests_in(monolith.rows(table, pk, columns), buckets, wanted),
                   digests_in(service.rows(table, pk, columns), buckets, wanted), recent)
