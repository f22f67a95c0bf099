"""Change capture: triggers append each INSERT/UPDATE/DELETE of a table to the outbox.

SQLite gets three ``AFTER`` triggers per table building the row image with ``json_object``;
PostgreSQL one row trigger per table calling one PL/pgSQL function (``to_jsonb`` of the row). The
SQL is built by pure functions; :func:`install` and :func:`uninstall` run it, idempotently.
A trigger records nothing while the relay's flag row exists (:data:`datasync.model.RELAY_FLAG`),
which the relay sets inside its own transaction, so the relay's writes are never captured back (on
PostgreSQL the row is visible to the relay's transaction only: concurrent writers are captured).
"""

from __future__ import annotations

from datasync.db import Db, Engine, quote
from datasync.errors import SyncError
from datasync.model import OUTBOX, RELAY_FLAG, SyncTable

NOW = {"sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
       "postgresql": "extract(epoch from clock_timestamp())"}
SEQ = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "postgresql": "BIGSERIAL PRIMARY KEY"}
SECONDS = {"sqlite": "REAL", "postgresql": "DOUBLE PRECISION"}
OPS = (("insert", "I", "NEW"), ("update", "U", "NEW"), ("delete", "D", "OLD"))
PG_FUNCTION = "_demonolith_capture"

__all__ = ["install", "outbox_sql", "quote", "read_table", "trigger_name", "trigger_sql", "uninstall"]


def outbox_sql(engine: Engine = "sqlite") -> list[str]:
    """The outbox and the relay flag tables."""
    return [
        f"CREATE TABLE IF NOT EXISTS {OUTBOX} (seq {SEQ[engine]}, "
        f"tbl TEXT NOT NULL, pk TEXT NOT NULL, op TEXT NOT NULL, row TEXT, at {SECONDS[engine]} NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {RELAY_FLAG} (id INTEGER PRIMARY KEY)",
    ]


def trigger_name(table: str, event: str) -> str:
    """The name of the capture trigger of ``table`` for ``event`` (``row`` on PostgreSQL)."""
    return f"_demonolith_capture_{table}_{event}"


def _row_image(table: SyncTable, record: str) -> str:
    pairs = ", ".join(f"'{column}', {record}.{quote(column)}" for column in table.columns)
    return f"json_object({pairs})"


def trigger_sql(table: SyncTable, engine: Engine = "sqlite") -> list[str]:
    """The capture triggers of ``table``."""
    if engine == "postgresql":
        return [f"CREATE OR REPLACE TRIGGER {quote(trigger_name(table.name, 'row'))} "
                f"AFTER INSERT OR UPDATE OR DELETE ON {quote(table.name)} FOR EACH ROW "
                f"EXECUTE FUNCTION {PG_FUNCTION}('{table.pk}')"]
    statements = []
    for event, op, record in OPS:
        image = "NULL" if op == "D" else _row_image(table, record)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {quote(trigger_name(table.name, event))} "
            f"AFTER {event.upper()} ON {quote(table.name)} "
            f"WHEN NOT EXISTS (SELECT 1 FROM {RELAY_FLAG}) BEGIN "
            f"INSERT INTO {OUTBOX} (tbl, pk, op, row, at) VALUES ('{table.name}', "
            f"CAST({record}.{quote(table.pk)} AS TEXT), '{op}', {image}, {NOW['sqlite']}); END")
    return statements


def pg_function_sql() -> str:
    """The PL/pgSQL function every PostgreSQL capture trigger calls (its argument: the key column)."""
    return (
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE image jsonb; BEGIN "
        f"IF EXISTS (SELECT 1 FROM {RELAY_FLAG}) THEN RETURN NULL; END IF; "
        "IF TG_OP = 'DELETE' THEN image := to_jsonb(OLD); ELSE image := to_jsonb(NEW); END IF; "
        f"INSERT INTO {OUTBOX} (tbl, pk, op, row, at) VALUES (TG_TABLE_NAME, image ->> TG_ARGV[0], "
        "left(TG_OP, 1), CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE image::text END, "
        f"{NOW['postgresql']}); RETURN NULL; END $$")


def read_table(db: Db, name: str) -> SyncTable:
    """``name``'s columns and primary key, read from the database."""
    keys, columns = db.layout(name)
    if not columns:
        raise SyncError(f"table {name} not found in the database")
    if len(keys) != 1:
        raise SyncError(f"table {name}: live sync needs a one-column primary key, it has {len(keys)}")
    return SyncTable(name=name, pk=keys[0], columns=columns)


def install(db: Db, names: list[str]) -> list[SyncTable]:
    """Create the outbox and the capture triggers of ``names`` (again: no change); a SQLite
    database is put in WAL mode (:meth:`datasync.db.Db.use_wal`)."""
    tables = [read_table(db, name) for name in sorted(names)]
    db.use_wal()
    function = [pg_function_sql()] if db.engine == "postgresql" else []
    with db.transaction():
        for statement in [*outbox_sql(db.engine), *function,
                          *(sql for table in tables for sql in trigger_sql(table, db.engine))]:
            db.execute(statement)
    return tables


def uninstall(db: Db, names: list[str]) -> None:
    """Drop the capture triggers of ``names`` (the outbox stays, for a relay to drain)."""
    with db.transaction():
        for name in sorted(names):
            if db.engine == "postgresql":
                db.execute(f"DROP TRIGGER IF EXISTS {quote(trigger_name(name, 'row'))} ON {quote(name)}")
                continue
            for event, _, _ in OPS:
                db.execute(f"DROP TRIGGER IF EXISTS {quote(trigger_name(name, event))}")
