"""The values of live sync: a captured table, one captured change, the relay's counters."""

from __future__ import annotations

from dataclasses import dataclass

OUTBOX = "_demonolith_outbox"
RELAY_FLAG = "_demonolith_relay_active"
STATE = "_demonolith_sync_state"
CONFLICTS = "_demonolith_sync_conflicts"
DIRECTIONS = ("monolith->service", "service->monolith")
BOTH = "both"


@dataclass(frozen=True)
class SyncTable:
    """A table whose changes are captured: its name, its one primary-key column, all its columns."""

    name: str
    pk: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One captured change: outbox sequence, table, primary key, op (I/U/D), row image as JSON
    (None for a delete), and when it was written (Unix seconds)."""

    seq: int
    table: str
    pk: str
    op: str
    row: str | None
    at: float


@dataclass(frozen=True)
class Conflict:
    """A row written on both sides inside the window: the source change and the target's own."""

    table: str
    pk: str
    source_seq: int
    target_seq: int


@dataclass(frozen=True)
class SyncStatus:
    """What ``GET /status`` returns: lag, pending changes and the relay's counters; with a parity
    watch, the keys that drifted at its last check and when (both None without one)."""

    lag_seconds: float
    pending: int
    applied: int
    failed: int
    conflicts: int
    direction: str
    parity_drift: int | None = None
    parity_checked_at: float | None = None
