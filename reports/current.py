"""Outputs already written from the same inputs: a stamp in the output directory lets a run
that would write the same bytes skip rendering them (as make does, by content key and stat)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

STAMP_NAME = ".demonolith-outputs.json"


def outputs_current(out_dir: Path, key: str) -> bool:
    """Whether ``out_dir`` holds the outputs of ``key``, each file as it was written."""
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
        return bool(stamp["key"] == key and stamp["files"] and all(
            _stat_of(out_dir / name) == tuple(seen) for name, seen in stamp["files"].items()))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def record_outputs(out_dir: Path, key: str, written: list[Path]) -> None:
    """Stamp ``out_dir`` with ``key`` and the stats of the files just written."""
    files = {str(path.relative_to(out_dir)): _stat_of(path) for path in sorted(written)}
    with contextlib.suppress(OSError):
        (out_dir / STAMP_NAME).write_text(json.dumps({"key": key, "files": files}, sort_keys=True),
                                          encoding="utf-8")


def _stat_of(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
