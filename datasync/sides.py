"""The two sides of a parity check, each a :class:`datasync.db.Db` (SQLite or PostgreSQL), and
the comparison of one table across them.

I/O lives here; :mod:`datasync.parity` computes. A side lists a table's columns and key, counts
and streams its rows ordered by key, and names the keys its outbox captured since a moment or
the other side's relay has not applied yet.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from datasync.db import Db, open_db, quote
from datasync.errors import SyncError
from datasync.model import OUTBOX, STATE
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
from datasync.relay import high_water


class Side:
    """One database holding a copy of the service's tables, known as ``name``."""

    def __init__(self, name: str, db: Db) -> None:
        self.name = name
        self.db = db

    def layout(self, table: str) -> tuple[str, tuple[str, ...]]:
        """(primary-key column, every column) of ``table``; SyncError when absent or keyless."""
        keys, columns = self.db.layout(table)
        if not columns:
            raise SyncError(f"{self.name}: no table {table}")
        if len(keys) != 1:
            raise SyncError(f"{self.name}: table {table} has {len(keys)} primary-key columns; "
                            "parity needs one")
        return keys[0], columns

    def count(self, table: str) -> int:
        """How many rows ``table`` holds."""
        return int(self.db.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0])

    def rows(self, table: str, pk: str, columns: tuple[str, ...]) -> Iterator[Row]:
        """Every row of ``table``: (canonical key, values of ``columns``), in key order."""
        names = "".join(f", {quote(column)}" for column in columns)
        for key, *values in self.db.stream(f"SELECT {quote(pk)}{names} FROM {quote(table)} "
                                           f"ORDER BY {quote(pk)}"):
            yield canonical(key), tuple(values)

    def written_since(self, table: str, since: float) -> frozenset[str]:
        """Keys of ``table`` the outbox captured at or after ``since`` (none without an outbox)."""
        if not self.db.has_table(OUTBOX):
            return frozenset()
        found = self.db.execute(f"SELECT DISTINCT pk FROM {OUTBOX} WHERE tbl = ? AND at >= ?",
                                (table, since)).fetchall()
        return frozenset(str(row[0]) for row in found)

    def unrelayed(self, table: str, other: Side) -> frozenset[str]:
        """Keys of ``table`` whose captured changes the relay into ``other`` has not applied yet
        (after its high-water mark there), whatever their age; none before a relay has run. They
        are on their way, not lost: a relay that falls behind shows as its lag, which holds a
        promotion."""
        if not (self.db.has_table(OUTBOX) and other.db.has_table(STATE)):
            return frozenset()
        found = self.db.execute(f"SELECT DISTINCT pk FROM {OUTBOX} WHERE tbl = ? AND seq > ?",
                                (table, high_water(other.db, self.name))).fetchall()
        return frozenset(str(row[0]) for row in found)


def open_side(name: str, spec: str) -> Side:
    """The side ``name`` (monolith or service) at ``spec``: a PostgreSQL URL or a SQLite path."""
    return Side(name, open_db(spec, name))


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
    left = digests_in(monolith.rows(table, pk, columns), buckets, wanted)
    right = digests_in(service.rows(table, pk, columns), buckets, wanted)
    # the outboxes are read after the rows: a write committed between two reads is then in both
    # (its row and its captured change commit together), never a row without its change
    recent = (monolith.written_since(table, since) | service.written_since(table, since)
              | monolith.unrelayed(table, service) | service.unrelayed(table, monolith))
    return compare(table, columns, counts, buckets, len(wanted), left, right, recent)
