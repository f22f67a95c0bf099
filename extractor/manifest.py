"""Write generated files safely: a manifest of hashes so user edits survive a re-run.

``.demonolith-manifest.json`` maps each generated file to the sha256 of what was generated. On a
re-run a file is (re)written when it is new, unchanged since the last generation, or ``force`` is
given; a file whose current content differs from the recorded hash was edited by the user and is
kept and reported. A file the last run generated that this run does not is removed when
unchanged since (a stale copy would shadow the installed monolith's module), kept when edited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ExtractError
from extractor.naming import inside

MANIFEST = ".demonolith-manifest.json"


@dataclass(frozen=True)
class WriteReport:
    """What a generation run did to each file (relative paths, sorted)."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept_user_edits: tuple[str, ...]
    overwritten_user_edits: tuple[str, ...]
    removed: tuple[str, ...] = ()  # generated last time, not this time, unchanged: deleted


def digest(data: bytes) -> str:
    """The sha256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    """The recorded hashes under ``root`` (empty when there is no manifest yet)."""
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExtractError(f"{path}: unreadable manifest ({exc}); remove it or use --force") from exc


def _classify(target: Path, data: bytes, recorded: str | None, force: bool) -> str:
    if not target.exists():
        return "write"
    current = digest(target.read_bytes())
    if current == digest(data):
        return "same"
    if recorded is not None and current == recorded:
        return "write"
    return "overwrite" if force else "keep"


def write_files(root: Path, files: Mapping[str, bytes], force: bool = False) -> WriteReport:
    """Write ``files`` (relative path -> content) under ``root`` honouring the manifest."""
    recorded = read_manifest(root)
    outcome: dict[str, list[str]] = {"write": [], "same": [], "keep": [], "overwrite": []}
    hashes: dict[str, str] = {}
    for relative in sorted(files):
        target = inside(root, relative)
        data = files[relative]
        action = _classify(target, data, recorded.get(relative), force)
        outcome[action].append(relative)
        if action in ("write", "overwrite"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        hashes[relative] = digest(data) if action != "keep" else recorded.get(relative, digest(data))
    removed = _remove_stale(root, recorded, files, hashes)
    manifest = {"generator": "demonolith extract", "files": dict(sorted(hashes.items()))}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return WriteReport(tuple(outcome["write"]), tuple(outcome["same"]), tuple(outcome["keep"]),
                       tuple(outcome["overwrite"]), removed)


def _remove_stale(root: Path, recorded: Mapping[str, str], files: Mapping[str, bytes],
                  hashes: dict[str, str]) -> tuple[str, ...]:
    """Delete the files the last run generated and this one does not, unless edited since (those
    stay recorded in ``hashes``); the deleted ones, sorted."""
    removed = []
    for relative in sorted(set(recorded) - set(files)):
        target = inside(root, relative)
        if not target.is_file():
            continue
        if digest(target.read_bytes()) == recorded[relative]:
            target.unlink()
            removed.append(relative)
        else:
            hashes[relative] = recorded[relative]
    return tuple(removed)
