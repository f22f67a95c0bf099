"""Outputs already written from the same inputs: a stamp in the output directory lets a run
that would write the same bytes skip rendering them (as make does, by content key and stat), and
tells the next run the content key of each file still as it was written."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import analyzer.model

STAMP_NAME = ".demonolith-outputs.json"
REPORTS_ROOT = Path(__file__).parent


def outputs_current(out_dir: Path, key: str) -> bool:
    """Whether ``out_dir`` holds the outputs of ``key``, each file as it was written."""
    stamp = _stamp(out_dir)
    entries = stamp.get("files") if stamp else None
    return bool(stamp and stamp.get("key") == key and isinstance(entries, dict) and entries
                and len(unchanged_files(out_dir, stamp)) == len(entries))


def unchanged_files(out_dir: Path, stamp: dict[str, object] | None = None) -> dict[str, str]:
    """The content key of each file of the last stamp still as it was written (size, mtime)."""
    stamp = stamp if stamp is not None else _stamp(out_dir)
    entries = stamp.get("files") if stamp else None
    found: dict[str, str] = {}
    for name, seen in entries.items() if isinstance(entries, dict) else ():
        with contextlib.suppress(OSError, ValueError, TypeError):
            size, mtime, content = seen
            if _stat_of(out_dir / name) == (size, mtime) and isinstance(content, str):
                found[name] = content
    return found


def record_outputs(out_dir: Path, key: str, files: Iterable[tuple[str, str]]) -> None:
    """Stamp ``out_dir`` with ``key`` and each file's stats and content key (``files``: the
    files' names, relative to ``out_dir``, with their content keys)."""
    with contextlib.suppress(OSError):
        entries = {name: [*_stat_of(out_dir / name), content] for name, content in sorted(files)}
        (out_dir / STAMP_NAME).write_text(json.dumps({"key": key, "files": entries}, sort_keys=True),
                                          encoding="utf-8")


def code_fingerprint(roots: tuple[Path, ...] | None = None) -> str:
    """The stats (path, size, mtime) of every file under ``roots``, but compiled code: by default
    the reports package (templates, styles and scripts with the code) and the analyzer's model,
    whose wording the report prints."""
    stats = []
    for root in roots or (REPORTS_ROOT, Path(analyzer.model.__file__).parent):
        for path in root.rglob("*"):
            if "__pycache__" not in path.parts and path.is_file():
                stat = path.stat()
                stats.append(f"{root.name}/{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.blake2b("\n".join(sorted(stats)).encode(), digest_size=8).hexdigest()


def _stamp(out_dir: Path) -> dict[str, object] | None:
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) and isinstance(stamp.get("files"), dict) else None


def _stat_of(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
