"""Change capture on SQLite: triggers append each INSERT/UPDATE/DELETE of a table to the outbox.

The SQL is built by pure functions; :func:`install` and :func:`uninstall` run it, idempotently.
A trigger records nothing while the relay's flag row exists (:data:`datasync.model.RELAY_FLAG`),
which the relay sets inside its own transaction, so the relay's writes are never captured back.
"""

from __future__ import annotations

import sqlite3

from datasync.errors import SyncError
from datasync.model import OUTBOX, RELAY_FLAG, SyncTable

NOW = "((julianday('now') - 2440587.5) * 86400.0)"
OPS = (("insert", "I", "NEW"), ("update", "U", "NEW"), ("delete", "D", "OLD"))


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def outbox_sql() -> list[str]:
    """The outbox and the relay flag tables."""
    return [
        f"CREATE TABLE IF NOT EXISTS {OUTBOX} (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "tbl TEXT NOT NULL, pk TEXT NOT NULL, op TEXT NOT NULL, row TEXT, at REAL NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {RELAY_FLAG} (id INTEGER PRIMARY KEY)",
    ]


def trigger_name(table: str, event: str) -> str:
    """The name of the capture trigger of ``table`` for ``event``."""
    return f"_demonolith_capture_{table}_{event}"


def _row_image(table: SyncTable, record: str) -> str:
    pairs = ", ".join(f"'{column}', {record}.{quote(column)}" for column in table.columns)
    return f"json_object({pairs})"


def trigger_sql(table: SyncTable) -> list[str]:
    """The three capture triggers of ``table``."""
    statements = []
    for event, op, record in OPS:
        image = "NULL" if op == "D" else _row_image(table, record)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {quote(trigger_name(table.name, event))} "
            f"AFTER {event.upper()} ON {quote(table.name)} "
            f"WHEN NOT EXISTS (SELECT 1 FROM {RELAY_FLAG}) BEGIN "
            f"INSERT INTO {OUTBOX} (tbl, pk, op, row, at) VALUES ('{table.name}', "
            f"CAST({record}.{quote(table.pk)} AS TEXT), '{op}', {image}, {NOW}); END")
    return statements


def read_table(conn: sqlite3.Connection, name: str) -> SyncTable:
    """``name``'s columns and primary key, read from the database."""
    rows = conn.execute(f"PRAGMA table_info({quote(name)})").fetchall()
    if not rows:
        raise SyncError(f"table {name} not found in the database")
    pks = [row[1] for row in sorted(rows, key=lambda row: row[5]) if row[5]]
    if len(pks) != 1:
        raise SyncError(f"table {name}: live sync needs a one-column primary key, it has {len(pks)}")
    return SyncTable(name=name, pk=pks[0], columns=tuple(row[1] for row in rows))


def install(conn: sqlite3.Connection, names: list[str]) -> list[SyncTable]:
    """Create the outbox and the capture triggers of ``names`` (again: no change)."""
    tables = [read_table(conn, name) for name in sorted(names)]
    with conn:
        for statement in outbox_sql() + [sql for table in tables for sql in trigger_sql(table)]:
            conn.execute(statement)
    return tables


def uninstall(conn: sqlite3.Connection, names: list[str]) -> None:
    """Drop the capture triggers of ``names`` (the outbox stays, for a relay to drain)."""
    with conn:
        for name in sorted(names):
            for event, _, _ in OPS:
                conn.execute(f"DROP TRIGGER IF EXISTS {quote(trigger_name(name, event))}")
