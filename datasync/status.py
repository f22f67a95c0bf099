"""The relay's status: read from both databases, rendered as JSON (``GET /status``) and as
Prometheus text (``GET /metrics``). The JSON keys are a contract the canary's promotion policy reads."""

from __future__ import annotations

import json
import time
from dataclasses import asdict

from datasync.db import Db
from datasync.model import BOTH, OUTBOX, STATE, SyncStatus


def _state(target: Db, source: str) -> tuple[int, int, int, int]:
    if not target.has_table(STATE):
        return 0, 0, 0, 0
    row = target.execute(f"SELECT seq, applied, failed, conflicts FROM {STATE} WHERE source = ?",
                         (source,)).fetchone()
    return (0, 0, 0, 0) if row is None else (int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def read_status(source: Db, target: Db, name: str,
                direction: str, now: float | None = None) -> SyncStatus:
    """The status of relaying ``source`` (known as ``name``) to ``target``: lag is the age of the
    oldest change not yet applied (0 when none is pending)."""
    seq, applied, failed, conflicts = _state(target, name)
    row = source.execute(f"SELECT COUNT(*), MIN(at) FROM {OUTBOX} WHERE seq > ?", (seq,)).fetchone()
    pending, oldest = int(row[0]), row[1]
    clock = time.time() if now is None else now
    lag = 0.0 if oldest is None else max(0.0, clock - float(oldest))
    return SyncStatus(lag_seconds=round(lag, 6), pending=pending, applied=applied, failed=failed,
                      conflicts=conflicts, direction=direction)


def combined(statuses: list[SyncStatus]) -> SyncStatus:
    """One status for several directions: the largest lag, the sums of the counts."""
    if len(statuses) == 1:
        return statuses[0]
    return SyncStatus(lag_seconds=max(status.lag_seconds for status in statuses),
                      pending=sum(status.pending for status in statuses),
                      applied=sum(status.applied for status in statuses),
                      failed=sum(status.failed for status in statuses),
                      conflicts=sum(status.conflicts for status in statuses), direction=BOTH,
                      parity_drift=statuses[0].parity_drift,
                      parity_checked_at=statuses[0].parity_checked_at)


def status_json(statuses: list[SyncStatus]) -> str:
    """The JSON of ``GET /status`` (sorted keys): one direction's status; for both directions,
    their :func:`combined` status with each one under ``directions``."""
    body: dict[str, object] = asdict(combined(statuses))
    if len(statuses) > 1:
        body["directions"] = [asdict(status) for status in statuses]
    return json.dumps(body, sort_keys=True)


SERIES = (
    ("demonolith_sync_lag_seconds", "gauge", "Age of the oldest change not yet applied.", "lag_seconds"),
    ("demonolith_sync_pending_changes", "gauge", "Changes captured and not yet applied.", "pending"),
    ("demonolith_sync_applied_total", "counter", "Changes applied on the target.", "applied"),
    ("demonolith_sync_failed_total", "counter", "Batches that failed to apply.", "failed"),
    ("demonolith_sync_conflicts_total", "counter", "Rows written on both sides in the window.",
     "conflicts"),
)


def status_prometheus(statuses: list[SyncStatus]) -> str:
    """Prometheus text exposition (``GET /metrics``): each series once, a sample per direction."""
    lines = []
    for name, kind, text, field in SERIES:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        lines += [f'{name}{{direction="{status.direction}"}} {getattr(status, field)}'
                  for status in statuses]
    if statuses and statuses[0].parity_drift is not None:
        name = "demonolith_sync_parity_drift_keys"
        lines += [f"# HELP {name} Keys that differ between the two sides at the last parity check.",
                  f"# TYPE {name} gauge", f"{name} {statuses[0].parity_drift}"]
    return "\n".join(lines) + "\n"
