"""The facts cache: per-file facts keyed by content hash, and the last project result.

In the cache directory (default ``.demonolith-cache/`` under the analysed root):
``files-<version>/<key>.pickle`` holds one file's ``ModuleFacts`` under its key (hash of tool
version, path, module, dialect and content), so a run writes only what changed;
``project-<version>.pickle`` holds the key of everything the last run was built from, then its
``ProjectFacts`` (the key is read first, so a stale result is never unpickled). A new tool
version uses new files and deletes the old ones. A cache that cannot be read or written is
ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analyzer.model.facts import FACTS_SCHEMA_VERSION, ModuleFacts, ProjectFacts

DEFAULT_CACHE_DIRNAME = ".demonolith-cache"
_PROTOCOL = pickle.HIGHEST_PROTOCOL


def file_key(version: str, path: str, module: str, dialect: str | None, data: bytes) -> str:
    """The cache key of one file's facts."""
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(f"\0{version}\0{path}\0{module}\0{dialect}".encode())
    return digest.hexdigest()


def combined_key(parts: list[str]) -> str:
    """One key for a whole run (file keys, settings, apps)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class FactsCache:
    """Reads and writes the cache files; ``directory=None`` disables caching."""

    def __init__(self, directory: Path | None, tool_version: str) -> None:
        self.directory = directory
        self.tag = f"{tool_version}-s{FACTS_SCHEMA_VERSION}".replace("/", "_")

    def load_files(self, keys: Iterable[str] | None = None) -> dict[str, ModuleFacts]:
        """The cached per-file facts (all, or those of ``keys``); empty when absent."""
        folder = self._files_dir()
        if folder is None or not folder.is_dir():
            return {}
        wanted = keys if keys is not None else (p.stem for p in folder.iterdir())
        found: dict[str, ModuleFacts] = {}
        for key in wanted:
            value = _read_pickle(folder / f"{key}.pickle", 1)
            if isinstance(value, ModuleFacts):
                found[key] = value
        return found

    def save_files(self, entries: dict[str, ModuleFacts], pickled: dict[str, bytes]) -> None:
        """Store the entries not stored yet; drop entries of files no longer present.

        ``pickled`` holds entries already pickled by the workers. An entry is written in place:
        a torn write only makes that entry unreadable, which reads as a cache miss.
        """
        folder = self._files_dir()
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            present = {p.stem for p in folder.glob("*.pickle")}
            for key in entries.keys() - present:
                data = pickled.get(key) or pickle.dumps(entries[key], _PROTOCOL)
                (folder / f"{key}.pickle").write_bytes(data)
            for stale in present - entries.keys():
                (folder / f"{stale}.pickle").unlink(missing_ok=True)
            self._drop_other_versions("files-")
        except OSError:
            return

    def load_project(self, key: str) -> ProjectFacts | None:
        """The cached project facts when they were built from exactly ``key``."""
        path = self._project_path()
        value = None if path is None else _read_pickle(path, 2, expected_first=key)
        return value if isinstance(value, ProjectFacts) else None

    def save_project(self, key: str, facts: ProjectFacts) -> None:
        """Remember the project facts built from ``key`` (the key is stored first)."""
        path = self._project_path()
        if path is None or self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            data = pickle.dumps(key, _PROTOCOL) + pickle.dumps(facts, _PROTOCOL)
            _write_atomically(path, data)
            self._drop_other_versions("project-")
        except OSError:
            return

    def _files_dir(self) -> Path | None:
        return None if self.directory is None else self.directory / f"files-{self.tag}"

    def _project_path(self) -> Path | None:
        return None if self.directory is None else self.directory / f"project-{self.tag}.pickle"

    def _drop_other_versions(self, prefix: str) -> None:
        assert self.directory is not None
        current = {f"files-{self.tag}", f"project-{self.tag}.pickle"}
        for path in self.directory.glob(f"{prefix}*"):
            if path.name not in current and not path.name.endswith(".tmp"):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _read_pickle(path: Path, objects: int, expected_first: object = None) -> Any:
    """The last of ``objects`` pickles in ``path``; None if unreadable or the first differs."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
            if objects == 2:
                if value != expected_first:
                    return None
                value = pickle.load(handle)
            return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
