"""PostgreSQL logical replication of the service's tables, where both sides are PostgreSQL.

The monolith's database publishes the tables (``CREATE PUBLICATION``), the service's subscribes
(``CREATE SUBSCRIPTION``, without copying what ``copy_from_monolith`` already copied unless asked);
PostgreSQL then streams every committed change in commit order and keeps its place in a slot on the
monolith, so a stopped service resumes where it was. The status reads the slot's distance from
the monolith's WAL and the subscription's apply errors. Both sides are :class:`datasync.db.Db`
connections in autocommit (``CREATE SUBSCRIPTION`` cannot run in a transaction block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datasync.db import Db, quote
from datasync.errors import SyncError

NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class ReplicationStatus:
    """What ``sync replicate --status`` prints: the slot's lag in bytes and seconds, apply errors."""

    name: str
    active: bool
    pending_bytes: int
    lag_seconds: float
    apply_errors: int


def _check(db: Db, name: str) -> None:
    if db.engine != "postgresql":
        raise SyncError(f"{db.label}: logical replication needs PostgreSQL on both sides")
    if not NAME.match(name):
        raise SyncError(f"replication name {name!r}: lower-case letters, digits and _ only")


def publish(monolith: Db, name: str, tables: list[str]) -> None:
    """Publish ``tables`` on the monolith as publication ``name`` (again: its table list set)."""
    _check(monolith, name)
    level = str(monolith.execute("SHOW wal_level").fetchone()[0])
    if level != "logical":
        raise SyncError(f"{monolith.label}: wal_level is {level}; set wal_level = logical in "
                        "postgresql.conf and restart the server")
    names = ", ".join(quote(table) for table in sorted(tables))
    exists = monolith.execute("SELECT 1 FROM pg_publication WHERE pubname = ?", (name,)).fetchone()
    verb = f"ALTER PUBLICATION {name} SET TABLE" if exists else f"CREATE PUBLICATION {name} FOR TABLE"
    monolith.execute(f"{verb} {names}")


def subscribe(service: Db, name: str, conninfo: str, copy_data: bool = False) -> None:
    """Subscribe the service to publication ``name`` at ``conninfo`` (again: refresh its tables)."""
    _check(service, name)
    if service.execute("SELECT 1 FROM pg_subscription WHERE subname = ?", (name,)).fetchone():
        service.execute(f"ALTER SUBSCRIPTION {name} REFRESH PUBLICATION WITH (copy_data = false)")
        return
    literal = "'" + conninfo.replace("'", "''") + "'"
    service.execute(f"CREATE SUBSCRIPTION {name} CONNECTION {literal} PUBLICATION {name} "
                    f"WITH (copy_data = {'true' if copy_data else 'false'})")


def drop(monolith: Db, service: Db, name: str) -> None:
    """End the replication: the subscription (and with it the monolith's slot), the publication."""
    _check(service, name)
    service.execute(f"DROP SUBSCRIPTION IF EXISTS {name}")
    monolith.execute(f"DROP PUBLICATION IF EXISTS {name}")


def status(monolith: Db, service: Db, name: str) -> ReplicationStatus:
    """The replication's state: is the slot streaming, how far behind, how many apply errors."""
    _check(monolith, name)
    slot = monolith.execute(
        "SELECT active, COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0) "
        "FROM pg_replication_slots WHERE slot_name = ?", (name,)).fetchone()
    if slot is None:
        raise SyncError(f"{monolith.label}: no replication slot {name} (is the service subscribed?)")
    lag = monolith.execute(
        "SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) FROM pg_stat_replication "
        "WHERE application_name = ?", (name,)).fetchone()
    errors = service.execute(
        "SELECT COALESCE(s.apply_error_count, 0) FROM pg_stat_subscription_stats s "
        "WHERE s.subname = ?", (name,)).fetchone()
    return ReplicationStatus(name=name, active=bool(slot[0]), pending_bytes=int(slot[1]),
                             lag_seconds=round(float(lag[0]) if lag else 0.0, 6),
                             apply_errors=int(errors[0]) if errors else 0)
