"""The relay's process: the loop that drains the outbox, and its ``/status`` and ``/metrics`` server.

I/O lives here: database connections, the HTTP listener (stdlib, one thread), the sleep between polls.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from datasync.errors import SyncError
from datasync.model import DIRECTIONS, SyncStatus
from datasync.relay import count_failure, high_water, prepare_target, relay_batch
from datasync.status import read_status, status_json, status_prometheus

SIDES = ("monolith", "service")


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the SQLite database at ``path`` (autocommit off; waits on a locked file)."""
    if not path.is_file():
        raise SyncError(f"{path}: no such database")
    return sqlite3.connect(path, timeout=30)


def sides(direction: str) -> tuple[str, str]:
    """(source side, target side) of ``direction``."""
    if direction not in DIRECTIONS:
        raise SyncError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction}")
    source, target = direction.split("->")
    return source, target


def relay_once(source: sqlite3.Connection, target: sqlite3.Connection, direction: str,
               limit: int = 500) -> int:
    """Apply one batch in ``direction``; the number of conflicts it found. A failing batch is
    rolled back, counted, and raised again."""
    source_name, target_name = sides(direction)
    try:
        own_since = high_water(source, target_name)
    except sqlite3.OperationalError:  # the reverse relay never ran: every own write is unsynced
        own_since = 0
    try:
        return len(relay_batch(source, target, source_name, own_since, limit))
    except sqlite3.Error as exc:
        count_failure(target, source_name)
        raise SyncError(f"relay {direction}: {exc}") from exc


def make_handler(status: Callable[[], SyncStatus]) -> type[BaseHTTPRequestHandler]:
    """A request handler serving ``GET /status`` (JSON) and ``GET /metrics`` (Prometheus)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            pages = {"/status": ("application/json", status_json),
                     "/metrics": ("text/plain; version=0.0.4", status_prometheus)}
            if self.path not in pages:
                self.send_error(404)
                return
            kind, render = pages[self.path]
            body = render(status()).encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def serve_status(listen: tuple[str, int], paths: tuple[Path, Path], direction: str,
                 announce: Callable[[str], None]) -> ThreadingHTTPServer:
    """Start the status server on ``listen`` in a daemon thread; announce its URL."""
    source_name, _ = sides(direction)

    def status() -> SyncStatus:
        source, target = connect(paths[0]), connect(paths[1])
        try:
            return read_status(source, target, source_name, direction)
        finally:
            source.close()
            target.close()

    server = ThreadingHTTPServer(listen, make_handler(status))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    announce(f"http://{listen[0]}:{server.server_address[1]}/status")
    return server


def run_relay(paths: tuple[Path, Path], direction: str, interval: float,
              once: bool = False, limit: int = 500) -> None:
    """Relay from ``paths[0]`` to ``paths[1]`` in ``direction`` until interrupted (or one pass)."""
    source, target = connect(paths[0]), connect(paths[1])
    prepare_target(target)
    source_name, _ = sides(direction)
    while True:
        relay_once(source, target, direction, limit)
        if once and read_status(source, target, source_name, direction).pending == 0:
            return
        if not once:
            time.sleep(interval)
