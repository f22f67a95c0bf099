"""One database of live sync, SQLite or PostgreSQL, behind the few operations sync needs.

The SQL of :mod:`datasync.capture`, :mod:`datasync.relay` and :mod:`datasync.status` is written
once with ``?`` placeholders and the syntax both engines share (``ON CONFLICT``, ``CAST``); a
:class:`Db` runs it on its engine and answers what differs: a table's columns and key, whether a
table exists, the transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal

from datasync.errors import SyncError

Engine = Literal["sqlite", "postgresql"]


class Db:
    """A connection to one side's database, with its engine's answers to what sync asks."""

    def __init__(self, engine: Engine, conn: Any, label: str) -> None:
        self.engine = engine
        self.conn = conn
        self.label = label

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Run ``sql`` (``?`` placeholders) with ``params``; the cursor."""
        if self.engine == "postgresql":
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.conn.execute(sql, tuple(params))

    def transaction(self) -> AbstractContextManager[object]:
        """A block committed at its end, rolled back on an exception."""
        return self.conn if self.engine == "sqlite" else self.conn.transaction()  # type: ignore[no-any-return]

    def stream(self, sql: str, params: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, fetched a batch at a time (a server-side cursor on PostgreSQL)."""
        if self.engine == "sqlite":
            yield from self.execute(sql, params)
            return
        with self.conn.transaction(), self.conn.cursor(name="demonolith_stream") as cursor:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
            yield from cursor

    def has_table(self, name: str) -> bool:
        """Whether ``name`` exists (in the current schema on PostgreSQL)."""
        if self.engine == "sqlite":
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            sql = ("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                   "AND table_name = ?")
        return self.execute(sql, (name,)).fetchone() is not None

    def layout(self, table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(primary-key columns in key order, every column) of ``table``; both empty when absent."""
        if self.engine == "sqlite":
            info = self.execute(f"PRAGMA table_info({quote(table)})").fetchall()
            keys = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
            return keys, tuple(row[1] for row in info)
        columns = tuple(row[0] for row in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position", (table,)).fetchall())
        if not columns:
            return (), ()
        keys = tuple(row[0] for row in self.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = to_regclass(?) "
            "ORDER BY array_position(i.indkey, a.attnum)", (quote(table),)).fetchall())
        return keys, columns

    def column_types(self, table: str) -> dict[str, str]:
        """Each column of ``table`` and its type in lower case: as declared on SQLite
        (``char(32)``), PostgreSQL's name on PostgreSQL (``uuid``, ``bigint``); empty when absent."""
        if self.engine == "sqlite":
            info = self.execute(f"PRAGMA table_info({quote(table)})").fetchall()
            return {str(row[1]): str(row[2]).lower() for row in info}
        return {str(name): str(kind).lower() for name, kind in self.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?", (table,)).fetchall()}

    def __enter__(self) -> Db:
        self._block = self.transaction()
        self._block.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._block.__exit__(*exc)  # type: ignore[arg-type]

    def use_wal(self) -> str:
        """Put a SQLite database in write-ahead-log mode (persistent; readers and the writer then
        do not wait for each other, which the relay's polling needs); the journal mode it has
        after. PostgreSQL answers ``wal``: it has nothing to change."""
        if self.engine != "sqlite":
            return "wal"
        try:
            return str(self.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError:  # another connection holds a lock: keep the current mode
            return str(self.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def broken(self) -> bool:
        """Whether the connection is lost (a PostgreSQL server restarted or unreachable) and must be
        opened again; a SQLite file's connection never is."""
        return self.engine == "postgresql" and bool(self.conn.broken or self.conn.closed)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier (the same on both engines)."""
    return '"' + name.replace('"', '""') + '"'


def is_url(spec: str) -> bool:
    """Whether ``spec`` names a PostgreSQL database rather than a SQLite file."""
    return spec.startswith(("postgresql://", "postgres://"))


def open_db(spec: str | Path, label: str = "") -> Db:
    """The database at ``spec``: a ``postgresql://`` URL, or the path of an existing SQLite file."""
    text = str(spec)
    if is_url(text):
        import psycopg

        try:
            return Db("postgresql", psycopg.connect(text, autocommit=True), label or text)
        except psycopg.Error as exc:
            raise SyncError(f"{label or 'database'}: cannot connect to {text}: {one_line(exc)}") from exc
    path = Path(text)
    if not path.is_file():
        raise SyncError(f"{path}: no such database")
    return Db("sqlite", sqlite3.connect(path, timeout=30), label or text)


def one_line(exc: BaseException) -> str:
    """``exc``'s message on one line (a driver's message may span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def database_errors() -> tuple[type[Exception], ...]:
    """The exceptions a database of either engine raises for a failed statement."""
    import psycopg

    return (sqlite3.Error, psycopg.Error)


def sqlite_db(conn: sqlite3.Connection, label: str = "sqlite") -> Db:
    """``conn``, an open SQLite connection, as a :class:`Db`."""
    return Db("sqlite", conn, label)


@contextmanager
def opened(spec: str | Path, label: str = "") -> Iterator[Db]:
    """:func:`open_db` for the block, closed at its end."""
    db = open_db(spec, label)
    try:
        yield db
    finally:
        db.close()
