"""JSON access log: one line per request, kept in memory and written in batches.

Per request the hot path only appends a pre-formatted line to a list; the lines are written (one
``write`` of their concatenation) when :data:`BATCH_LINES` have gathered, on the proxy's
once-a-second flush, and at shutdown. So the log costs no system call per request, holds at most
one batch in memory, and a line reaches the file within about a second.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from typing import IO, Any

BATCH_LINES = 256
_JSON_SAFE = re.compile(rb'[\x20\x21\x23-\x5b\x5d-\x7e]*\Z').match  # no quote, backslash
_json_text = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


class AccessLog:
    """Writes one JSON object per line; ``target`` is ``-`` (stdout), ``off`` or a file path."""

    def __init__(self, target: str) -> None:
        self._owned = False
        self._stream: IO[str] | None
        self._lines: list[str] = []
        if target == "off":
            self._stream = None
        elif target == "-":
            self._stream = sys.stdout
        else:
            self._stream = open(target, "a", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115
            self._owned = True
        self.enabled = self._stream is not None  # whether lines are written at all

    def write(self, entry: dict[str, Any]) -> None:
        """Write one entry; ``ts`` is added here."""
        if self._stream is not None:
            entry["ts"] = round(time.time(), 3)
            self.write_line(json.dumps(entry, separators=(",", ":")) + "\n")

    def write_line(self, line: str) -> None:
        """Queue one pre-formatted JSON line (the per-request fast path)."""
        lines = self._lines
        lines.append(line)
        if len(lines) >= BATCH_LINES:
            self._write_batch()

    def _write_batch(self) -> None:
        lines, self._lines = self._lines, []
        if self._stream is not None and lines:
            with contextlib.suppress(OSError, ValueError):
                self._stream.write("".join(lines))

    def flush(self) -> None:
        """Write and flush the queued lines (called each second and at shutdown)."""
        self._write_batch()
        if self._stream is not None:
            with contextlib.suppress(OSError, ValueError):
                self._stream.flush()

    def close(self) -> None:
        """Flush, and close the file when this log opened it."""
        self.flush()
        if self._owned and self._stream is not None:
            self._stream.close()
        self._stream = None
        self.enabled = False


_QUOTED: dict[str, str] = {}


def quoted(name: str) -> str:
    """``name`` as a JSON string; cached, since methods, routes and upstreams are few."""
    text = _QUOTED.get(name)
    if text is None:
        text = _json_text(name)
        if len(_QUOTED) < 4096:
            _QUOTED[name] = text
    return text


_ROUTE_FIELDS: dict[tuple[str, str], str] = {}


def route_fields(route: str, upstream: str) -> str:
    """``"route":…,"upstream":…,"status":`` of a log line; cached per (route, upstream)."""
    text = _ROUTE_FIELDS.get((route, upstream))
    if text is None:
        text = f'"route":{quoted(route)},"upstream":{quoted(upstream)},"status":'
        if len(_ROUTE_FIELDS) < 4096:
            _ROUTE_FIELDS[(route, upstream)] = text
    return text


def json_path(path: bytes) -> str:
    """A path as a JSON string (normalised paths are printable ASCII: quoted as they are)."""
    if _JSON_SAFE(path) is None:
        return _json_text(path.decode("latin-1"))
    return '"' + path.decode("ascii") + '"'
