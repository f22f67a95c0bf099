"""The relay: applies one side's outbox to the other, in order and idempotently.

Each batch is one transaction on the target: the relay's flag row is set (so the target's own
capture triggers ignore these writes), each change is an upsert or a delete by primary key, and the
high-water mark (the last source sequence applied) is stored in the same transaction, moved
only from the mark the batch started from (:func:`advance`). A relay killed at any point therefore
restarts after the last committed batch: nothing skipped, nothing applied twice; a second relay on
the same outbox fails its batches instead of applying them again. A change to a row the target
itself changed since the relay last ran (its own outbox holds it) is a conflict: the writer's
change is applied and the conflict recorded with keys.

On PostgreSQL a change's sequence number is taken when the row is written, not when its transaction
commits, so a missing number may belong to a transaction still open: the relay stops before such a
gap until no transaction that could hold it is still running (:class:`Gaps`); the high-water mark
therefore never passes a change that has yet to commit. SQLite serialises writers, so its outbox
commits in sequence order.
"""

from __future__ import annotations

import json

from datasync.db import Db, quote
from datasync.errors import OutboxReplaced, SyncError
from datasync.model import CONFLICTS, OUTBOX, RELAY_FLAG, STATE, Change, Conflict
from datasync.value_forms import TargetTable, target_forms

STATE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {STATE} (source TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
    "applied INTEGER NOT NULL, failed INTEGER NOT NULL, conflicts INTEGER NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {CONFLICTS} (source TEXT NOT NULL, source_seq INTEGER NOT NULL, "
    "tbl TEXT NOT NULL, pk TEXT NOT NULL, target_seq INTEGER NOT NULL, "
    "PRIMARY KEY (source, source_seq))",
    f"CREATE TABLE IF NOT EXISTS {RELAY_FLAG} (id INTEGER PRIMARY KEY)",
)


def prepare_target(target: Db) -> None:
    """Create the relay's state, conflict and flag tables on the target (idempotent)."""
    with target.transaction():
        for statement in STATE_SQL:
            target.execute(statement)


def high_water(target: Db, source: str) -> int:
    """The last sequence of ``source``'s outbox applied on the target (0 before the first)."""
    row = target.execute(f"SELECT seq FROM {STATE} WHERE source = ?", (source,)).fetchone()
    return int(row[0]) if row else 0


def issued(source: Db) -> int:
    """The highest sequence number the source's outbox ever issued, deleted rows included (SQLite's
    AUTOINCREMENT record, PostgreSQL's sequence); 0 before the first."""
    if source.engine == "sqlite":
        row = source.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (OUTBOX,)).fetchone()
    else:
        row = source.execute("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(?, 'seq') "
                             "AS regclass))", (OUTBOX,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def check_outbox(source: Db, name: str, after: int) -> None:
    """OutboxReplaced when the high-water mark ``after`` of ``name`` is past every number its outbox
    ever issued: the outbox was created again since, and its changes numbered up to the mark would
    be skipped. (A recreated outbox that already issued more than the mark while no relay ran
    cannot be told apart by its numbers.)"""
    if after and after > (ceiling := issued(source)):
        raise OutboxReplaced(
            f"the outbox of {name} has issued sequence numbers up to {ceiling} only, but the "
            f"high-water mark is {after}: the outbox was created again, and relaying would skip "
            f"its changes up to {after}; copy the tables again and reset the mark")


def pending_changes(conn: Db, after: int, limit: int) -> list[Change]:
    """Up to ``limit`` outbox changes after sequence ``after``, in order."""
    rows = conn.execute(f"SELECT seq, tbl, pk, op, row, at FROM {OUTBOX} WHERE seq > ? "
                        "ORDER BY seq LIMIT ?", (after, limit)).fetchall()
    return [Change(int(r[0]), r[1], r[2], r[3], r[4], float(r[5])) for r in rows]


def upsert_sql(table: str, row: dict[str, object], pk: str) -> tuple[str, list[object]]:
    """An INSERT ... ON CONFLICT DO UPDATE of ``row`` into ``table`` by its key ``pk``."""
    columns = sorted(row)
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c != pk) or \
        f"{quote(pk)} = excluded.{quote(pk)}"
    sql = (f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) "
           f"ON CONFLICT ({quote(pk)}) DO UPDATE SET {updates}")
    return sql, [row[column] for column in columns]


def target_table(source: Db, target: Db, table: str) -> TargetTable:
    """``table``'s key on the target (SyncError when it has none) and the forms its values take
    there (:mod:`datasync.value_forms`)."""
    keys, _ = target.layout(table)
    if len(keys) != 1:
        raise SyncError(f"table {table} not found on the target, or without a one-column key")
    return TargetTable(keys[0], target_forms(source.column_types(table), target.column_types(table)))


def apply_change(target: Db, change: Change, table: TargetTable) -> None:
    """Apply one change on the target: upsert the row image, or delete by key (both in the target's
    forms)."""
    if change.op == "D":
        target.execute(f"DELETE FROM {quote(change.table)} WHERE CAST({quote(table.pk)} AS TEXT) = ?",
                       (table.key(change),))
        return
    sql, values = upsert_sql(change.table, table.image(change), table.pk)
    target.execute(sql, values if target.engine == "sqlite" else [as_text(value) for value in values])


def as_text(value: object) -> object:
    """A row image's value as text PostgreSQL casts to the column's own type (``1`` into a boolean,
    an ISO string into a timestamp, a JSON object into jsonb); None stays NULL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def own_change(target: Db, change: Change, since: int, key: str | None = None) -> int | None:
    """The target's own captured change to the same row (``key``: the change's key in the target's
    form, by default as captured) after its sequence ``since``, if any."""
    if not target.has_table(OUTBOX):  # no capture on the target: it cannot have written the row
        return None
    row = target.execute(f"SELECT MAX(seq) FROM {OUTBOX} WHERE tbl = ? AND pk = ? AND seq > ?",
                         (change.table, change.pk if key is None else key, since)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def record_conflict(target: Db, source: str, conflict: Conflict) -> None:
    """Store ``conflict`` on the target, keyed by the source change."""
    target.execute(f"INSERT INTO {CONFLICTS} VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   (source, conflict.source_seq, conflict.table, conflict.pk, conflict.target_seq))


def advance(target: Db, source: str, after: int, seq: int, applied: int, conflicts: int) -> None:
    """Move the high-water mark of ``source`` from ``after`` to ``seq`` inside the batch's
    transaction, counting its changes and conflicts; SyncError (the batch rolls back) when the mark
    is no longer ``after``: another relay applied from the same outbox meanwhile, and this batch
    would apply its changes again, older images over newer ones, and move the mark back."""
    moved = target.execute(f"UPDATE {STATE} SET seq = ?, applied = applied + ?, "
                           "conflicts = conflicts + ? WHERE source = ? AND seq = ?",
                           (seq, applied, conflicts, source, after))
    if moved.rowcount == 1:
        return
    row = target.execute(f"SELECT seq FROM {STATE} WHERE source = ?", (source,)).fetchone()
    if row is None and after == 0:
        target.execute(f"INSERT INTO {STATE} VALUES (?, ?, ?, 0, ?)", (source, seq, applied, conflicts))
        return
    raise SyncError(f"the high-water mark of {source} moved from {after} to "
                    f"{row[0] if row else 'nothing'} during the batch: another relay applies this "
                    "outbox too")


class Gaps:
    """Sequence numbers missing from a PostgreSQL outbox, each with a transaction id the relay took
    when it first saw the number missing: ``pg_current_xact_id()``, newer than every id assigned
    before it. The transaction that took a missing number had its id by then (a capture trigger
    runs after the row's own write, and a higher number was already visible), so once the oldest
    running transaction is at least that id, the number is settled: its change is visible now, or
    never will be (rolled back). The snapshot's ``xmax`` would not do: it is one past the newest
    *completed* id, and the open transaction holding the number may have a newer id than every
    completed one (it took its id after the transaction that committed the higher number).

    A relay started again forgets its gaps and takes new ids: it waits again, never less."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def ready(self, source: Db, after: int, limit: int) -> list[Change]:
        """The changes after ``after`` up to the first gap that may still fill (all on SQLite)."""
        if source.engine != "postgresql":
            return pending_changes(source, after, limit)
        self.seen = {seq: xid for seq, xid in self.seen.items() if seq > after}
        oldest_running = _oldest_running(source)  # taken before the read: see the class
        changes = pending_changes(source, after, limit)
        expected = after + 1
        for index, change in enumerate(changes):
            if change.seq != expected and not self._settled(source, expected, oldest_running):
                return changes[:index]
            expected = change.seq + 1
        return changes

    def _settled(self, source: Db, missing: int, oldest_running: int) -> bool:
        if missing not in self.seen:
            self.seen[missing] = _new_transaction_id(source)
            return False
        return oldest_running >= self.seen[missing]


def _oldest_running(source: Db) -> int:
    """The oldest transaction id still running on ``source`` (its snapshot's ``xmin``)."""
    row = source.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint").fetchone()
    return int(row[0])


def _new_transaction_id(source: Db) -> int:
    """A transaction id newer than every one assigned on ``source`` so far: the id of a transaction
    of its own, committed at once (the relay's connection is in autocommit)."""
    row = source.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()
    return int(row[0])


def relay_batch(source: Db, target: Db, name: str, own_since: int = 0, limit: int = 500,
                gaps: Gaps | None = None) -> list[Conflict]:
    """Apply the next ``limit`` changes of ``source`` (known as ``name``) on ``target`` in one
    transaction, stopping before a gap that may still fill (``gaps`` remembers them between
    batches); the target's own changes after ``own_since`` count as conflicts. Returns them."""
    after = high_water(target, name)
    check_outbox(source, name, after)
    changes = (gaps or Gaps()).ready(source, after, limit)
    conflicts: list[Conflict] = []
    if not changes:
        return conflicts
    tables: dict[str, TargetTable] = {}
    with target.transaction():
        target.execute(f"INSERT INTO {RELAY_FLAG} VALUES (1) ON CONFLICT DO NOTHING")
        for change in changes:
            if change.table not in tables:
                tables[change.table] = target_table(source, target, change.table)
            table = tables[change.table]
            theirs = own_change(target, change, own_since, table.key(change))
            if theirs is not None:
                conflicts.append(Conflict(change.table, change.pk, change.seq, theirs))
                record_conflict(target, name, conflicts[-1])
            apply_change(target, change, table)
        advance(target, name, after, changes[-1].seq, len(changes), len(conflicts))
        target.execute(f"DELETE FROM {RELAY_FLAG}")
    return conflicts


def count_failure(target: Db, source: str) -> None:
    """Count one failed batch of ``source`` on the target."""
    with target.transaction():
        target.execute(f"INSERT INTO {STATE} VALUES (?, 0, 0, 1, 0) ON CONFLICT (source) "
                       f"DO UPDATE SET failed = {STATE}.failed + 1", (source,))
