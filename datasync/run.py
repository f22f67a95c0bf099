"""The relay's process: the loop that drains the outbox, and its ``/status`` and ``/metrics`` server.

I/O lives here: database connections, the HTTP listener (stdlib, one thread), the sleep between polls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from datasync.db import Db, database_errors, one_line, open_db
from datasync.errors import OutboxReplaced, SyncError
from datasync.model import BOTH, DIRECTIONS, STATE, SyncStatus
from datasync.parity_watch import ParityReading
from datasync.relay import Gaps, count_failure, high_water, prepare_target, relay_batch
from datasync.status import read_status, status_json, status_prometheus


def connect(spec: str | Path) -> Db:
    """The database at ``spec``: a SQLite file (waits on a locked file) or a PostgreSQL URL."""
    return open_db(spec)


def sides(direction: str) -> tuple[str, str]:
    """(source side, target side) of ``direction``."""
    if direction not in DIRECTIONS:
        raise SyncError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction}")
    source, target = direction.split("->")
    return source, target


def relay_once(source: Db, target: Db, direction: str,
               limit: int = 500, gaps: Gaps | None = None) -> int:
    """Apply one batch in ``direction``; the number of conflicts it found. A failing batch is
    rolled back, counted (when the target still answers), and raised again as a one-line
    SyncError. ``gaps`` carries the source outbox's open gaps from one batch to the next
    (:class:`datasync.relay.Gaps`)."""
    source_name, target_name = sides(direction)
    failures: tuple[type[Exception], ...] = (SyncError, *database_errors())
    try:
        own_since = high_water(source, target_name) if source.has_table(STATE) else 0
        return len(relay_batch(source, target, source_name, own_since, limit, gaps))
    except OutboxReplaced:
        raise
    except failures as exc:
        _count_failure(target, source_name)
        raise SyncError(f"relay {direction}: {one_line(exc)}") from exc


def _count_failure(target: Db, source_name: str) -> None:
    """Count a failed batch on the target, unless the target's connection is lost too (then there
    is nowhere to count it)."""
    if target.broken():
        return
    try:
        count_failure(target, source_name)
    except database_errors():
        return


def make_handler(status: Callable[[], list[SyncStatus]]) -> type[BaseHTTPRequestHandler]:
    """A request handler serving ``GET /status`` (JSON) and ``GET /metrics`` (Prometheus); 503 and
    the error's line while a database cannot be read."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            pages = {"/status": ("application/json", status_json),
                     "/metrics": ("text/plain; version=0.0.4", status_prometheus)}
            if self.path not in pages:
                self.send_error(404)
                return
            kind, render = pages[self.path]
            failures: tuple[type[Exception], ...] = (SyncError, *database_errors())
            try:
                body, code = render(status()).encode(), 200
            except failures as exc:  # a database down: say so, no traceback
                body, code, kind = f"{one_line(exc)}\n".encode(), 503, "text/plain"
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


Leg = tuple[int, int, str]
"""One relay direction over the two databases given: (source index, target index, direction)."""


def legs(direction: str) -> list[Leg]:
    """The directions a relay runs: ``both`` is monolith -> service then service -> monolith over
    (monolith, service); one direction relays the first database given to the second."""
    if direction == BOTH:
        return [(0, 1, "monolith->service"), (1, 0, "service->monolith")]
    sides(direction)
    return [(0, 1, direction)]


def read_statuses(dbs: Sequence[Db], direction: str) -> list[SyncStatus]:
    """The status of each leg of ``direction``."""
    return [read_status(dbs[source], dbs[target], sides(name)[0], name)
            for source, target, name in legs(direction)]


def serve_status(listen: tuple[str, int], paths: tuple[str | Path, str | Path], direction: str,
                 announce: Callable[[str], None],
                 parity: Callable[[], ParityReading | None] | None = None) -> ThreadingHTTPServer:
    """Start the status server on ``listen`` in a daemon thread; announce its URL. With
    ``parity`` (a :class:`datasync.parity_watch.ParityWatch`'s latest reading), the status
    carries the drift it last found."""
    legs(direction)

    def status() -> list[SyncStatus]:
        dbs = connect(paths[0]), connect(paths[1])
        try:
            statuses = read_statuses(dbs, direction)
        finally:
            for db in dbs:
                db.close()
        reading = parity() if parity else None
        if reading is None:
            return statuses
        return [replace(one, parity_drift=reading.drift, parity_checked_at=round(reading.checked_at, 3))
                for one in statuses]

    server = ThreadingHTTPServer(listen, make_handler(status))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    announce(f"http://{listen[0]}:{server.server_address[1]}/status")
    return server


RETRY_CEILING = 5.0


def run_relay(paths: tuple[str | Path, str | Path], direction: str, interval: float,
              once: bool = False, limit: int = 500,
              on_error: Callable[[str], None] | None = None) -> None:
    """Relay between ``paths`` in ``direction`` (see :func:`legs`) until interrupted, or until
    nothing is pending with ``once``.

    A failed batch (rolled back and counted by :func:`relay_once`) is retried after a pause that
    doubles up to :data:`RETRY_CEILING` seconds, each failure told to ``on_error`` in one line; a
    lost connection (a database server restarted) is opened again before the retry
    (:func:`reopen_lost`). Without ``on_error``, or with ``once``, the first failure is raised; an
    outbox created again under the mark (:class:`datasync.errors.OutboxReplaced`) always is."""
    dbs = [connect(paths[0]), connect(paths[1])]
    for _, target, _ in legs(direction):
        dbs[target].use_wal()
        prepare_target(dbs[target])
    pause = interval
    gaps = {name: Gaps() for _, _, name in legs(direction)}
    while True:
        try:
            reopen_lost(dbs, paths, direction, gaps, on_error)
            for source, target, name in legs(direction):
                relay_once(dbs[source], dbs[target], name, limit, gaps[name])
            drained = once and _drained(dbs, direction)
        except OutboxReplaced:
            raise
        except SyncError as exc:
            if once or on_error is None:
                raise
            on_error(f"{exc}; retrying in {pause:.2f} s")
            time.sleep(pause)
            pause = min(RETRY_CEILING, max(pause * 2, 0.05))
            continue
        pause = interval
        if drained:
            return
        if not once:
            time.sleep(interval)


def reopen_lost(dbs: list[Db], paths: tuple[str | Path, str | Path], direction: str,
                gaps: dict[str, Gaps], on_error: Callable[[str], None] | None) -> None:
    """Open again, in place, each of ``dbs`` whose connection is lost (SyncError while its server
    cannot be reached), telling ``on_error``. A leg whose source is opened again forgets its gaps:
    it takes new transaction ids and waits again, never less (:class:`datasync.relay.Gaps`)."""
    names = sides(legs(direction)[0][2])
    for index, db in enumerate(dbs):
        if not db.broken():
            continue
        db.close()
        dbs[index] = connect(paths[index])
        for source, _, name in legs(direction):
            if source == index:
                gaps[name] = Gaps()
        if on_error is not None:
            on_error(f"{names[index]} database: connection opened again")


def _drained(dbs: Sequence[Db], direction: str) -> bool:
    """Whether no leg has a change pending (SyncError when a database fails)."""
    try:
        return all(status.pending == 0 for status in read_statuses(dbs, direction))
    except database_errors() as exc:
        raise SyncError(f"status {direction}: {one_line(exc)}") from exc
