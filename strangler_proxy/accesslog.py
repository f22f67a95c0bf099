"""JSON access log: one line per request, written to a buffered stream and flushed each second."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import IO, Any


class AccessLog:
    """Writes one JSON object per line; ``target`` is ``-`` (stdout), ``off`` or a file path."""

    def __init__(self, target: str) -> None:
        self._owned = False
        self._stream: IO[str] | None
        if target == "off":
            self._stream = None
        elif target == "-":
            self._stream = sys.stdout
        else:
            self._stream = open(target, "a", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115
            self._owned = True

    @property
    def enabled(self) -> bool:
        """Whether lines are written at all."""
        return self._stream is not None

    def write(self, entry: dict[str, Any]) -> None:
        """Write one entry; ``ts`` is added here."""
        if self._stream is None:
            return
        entry["ts"] = round(time.time(), 3)
        self._stream.write(json.dumps(entry, separators=(",", ":")) + "\n")

    def write_line(self, line: str) -> None:
        """Write one pre-formatted JSON line (the per-request fast path)."""
        if self._stream is not None:
            self._stream.write(line)

    def flush(self) -> None:
        """Flush buffered lines (called periodically and at shutdown)."""
        if self._stream is not None:
            with contextlib.suppress(OSError, ValueError):
                self._stream.flush()

    def close(self) -> None:
        """Flush, and close the file when this log opened it."""
        self.flush()
        if self._owned and self._stream is not None:
            self._stream.close()
        self._stream = None
