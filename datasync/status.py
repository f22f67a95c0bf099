"""The relay's status: read from both databases, rendered as JSON (``GET /status``) and as
Prometheus text (``GET /metrics``). The JSON keys are a contract the canary's promotion policy reads."""

from __future__ import annotations

import json
import time
from dataclasses import asdict

from datasync.db import Db
from datasync.model import OUTBOX, STATE, SyncStatus


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


def status_json(status: SyncStatus) -> str:
    """``status`` as the JSON of ``GET /status`` (sorted keys)."""
    return json.dumps(asdict(status), sort_keys=True)


def status_prometheus(status: SyncStatus) -> str:
    """``status`` as Prometheus text exposition (``GET /metrics``)."""
    label = f'{{direction="{status.direction}"}}'
    series = [
        ("demonolith_sync_lag_seconds", "gauge", "Age of the oldest change not yet applied.",
         status.lag_seconds),
        ("demonolith_sync_pending_changes", "gauge", "Changes captured and not yet applied.",
         status.pending),
        ("demonolith_sync_applied_total", "counter", "Changes applied on the target.", status.applied),
        ("demonolith_sync_failed_total", "counter", "Batches that failed to apply.", status.failed),
        ("demonolith_sync_conflicts_total", "counter", "Rows written on both sides in the window.",
         status.conflicts),
    ]
    lines = []
    for name, kind, text, value in series:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", f"{name}{label} {value}"]
    return "\n".join(lines) + "\n"
