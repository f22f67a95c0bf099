"""The facts cache: one pack of per-file facts keyed by content hash, and the last project pass.

In the cache directory (default ``.demonolith-cache/`` under the analysed root), for the current
tool version only (other versions' files are deleted when a run writes):

``facts-<version>.pack``
    A header (each entry's key -> offset and length; each file's stamp: size, mtime, ctime,
    inode and content digest; each entry's facts digest, the hash of its pickled bytes) followed
    by one pickled ``ModuleFacts`` per file. An entry's key
    hashes the tool version, path, module, dialect and content, so a run parses only the files
    whose key is not in the pack. Entries stay pickled until asked for, and a new pack copies
    the bytes of the entries it keeps: a run that changed one file pickles one file. A file
    whose stamp is unchanged is not even read again (as git, mypy and make do); a stamp is
    trusted only when the file was last changed more than :data:`RACY_NS` before it was hashed.
``project-<version>.pickle``
    The key of everything the last run was built from, then its ``ProjectFacts`` without the
    per-module facts (those are in the pack); the key is read first, so a stale result is never
    unpickled.
``code-fingerprint.pickle``
    The fingerprint of the facts layer's own code (part of the version above), see
    :mod:`analyzer.project_facts.code_fingerprint`.

A cache that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import shutil
import struct
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.model.facts import FACTS_SCHEMA_VERSION, ModuleFacts, ProjectFacts

DEFAULT_CACHE_DIRNAME = ".demonolith-cache"
RACY_NS = 2_000_000_000  # a file changed this close to its hashing may change again unseen
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_MAGIC = b"DMFACTS1"
_HEADER = struct.Struct("<8sQ")  # magic, header length


@dataclass(frozen=True)
class FileStamp:
    """What ``os.stat`` said about a file when its content had ``digest``."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    digest: str


def stamp_of(stat: os.stat_result, digest: str) -> FileStamp:
    """The stamp of a file from its ``stat`` and content digest."""
    return FileStamp(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, digest)


def unchanged(stamp: FileStamp | None, stat: os.stat_result) -> bool:
    """Whether ``stat`` shows the file as it was when ``stamp`` was taken."""
    return stamp is not None and (stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode) == (
        stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def trustworthy(stat: os.stat_result, hashed_at_ns: int) -> bool:
    """Whether a stamp taken at ``hashed_at_ns`` may stand for the content later."""
    return max(stat.st_mtime_ns, stat.st_ctime_ns) + RACY_NS < hashed_at_ns


def content_digest(data: bytes) -> str:
    """The hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def facts_digest(pickled: bytes | memoryview) -> str:
    """The hash of one file's pickled facts: files whose facts are equal share it, whatever
    else changed in them (a comment, a blank line inside a line's span)."""
    return hashlib.blake2b(pickled, digest_size=16).hexdigest()


def file_key(version: str, path: str, module: str, dialect: str | None, digest: str) -> str:
    """The cache key of one file's facts, from its content digest and how it is read."""
    text = f"{digest}\0{version}\0{path}\0{module}\0{dialect}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def combined_key(parts: list[str]) -> str:
    """One key for a whole run (file keys, settings, apps)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class Pack:
    """The pack as read: stamps by path, and pickled entries by key (unpickled on request)."""

    def __init__(self, stamps: dict[str, FileStamp], index: dict[str, tuple[int, int]],
                 body: memoryview, digests: dict[str, str] | None = None,
                 keys_by_path: dict[str, str] | None = None, dialect: str | None = None) -> None:
        self.stamps = stamps
        self._index = index
        self._body = body
        self._digests = digests or {}
        self.keys_by_path = keys_by_path or {}  # the entry each path was read into
        self.dialect = dialect  # the SQL dialect every entry was read with

    def key_of(self, path: str) -> str | None:
        """The key of the entry the last run read ``path`` into (its stamp may not be kept: a
        file changed just before the run is hashed again), or None."""
        return self.keys_by_path.get(path)

    def facts_digest(self, key: str) -> str | None:
        """The :func:`facts_digest` of the entry of ``key`` as the pack recorded it, or None."""
        return self._digests.get(key)

    def raw(self, key: str) -> memoryview | None:
        """The pickled entry of ``key``, or None."""
        place = self._index.get(key)
        return None if place is None else self._body[place[0]:place[0] + place[1]]

    def keys(self) -> frozenset[str]:
        """The keys held."""
        return frozenset(self._index)


EMPTY_PACK = Pack({}, {}, memoryview(b""))


def facts_from_raw(data: bytes | memoryview) -> ModuleFacts | None:
    """Unpickle one entry; None when it is not a ``ModuleFacts`` (a damaged cache)."""
    value = _loads(data)
    return value if isinstance(value, ModuleFacts) else None


class FactsCache:
    """Reads and writes the cache files; ``directory=None`` disables caching."""

    def __init__(self, directory: Path | None, tool_version: str) -> None:
        self.directory = directory
        self.tag = f"{tool_version}-s{FACTS_SCHEMA_VERSION}".replace("/", "_")

    def open_pack(self) -> Pack:
        """The pack of this version, or an empty one when absent or unreadable."""
        path = self._pack_path()
        try:
            data = memoryview(path.read_bytes()) if path is not None else None
        except OSError:
            data = None
        if data is None or len(data) < _HEADER.size:
            return EMPTY_PACK
        magic, length = _HEADER.unpack_from(data)
        header = _loads(data[_HEADER.size:_HEADER.size + length]) if magic == _MAGIC else None
        if not (isinstance(header, tuple) and len(header) in (2, 3, 5)):
            return EMPTY_PACK
        return Pack(header[0], header[1], data[_HEADER.size + length:], *header[2:])

    def load_files(self, keys: Iterable[str] | None = None) -> dict[str, ModuleFacts]:
        """The cached per-file facts (all, or those of ``keys``); empty when absent."""
        pack = self.open_pack()
        found: dict[str, ModuleFacts] = {}
        for key in pack.keys() if keys is None else keys:
            raw = pack.raw(key)
            facts = None if raw is None else facts_from_raw(raw)
            if facts is not None:
                found[key] = facts
        return found

    def save_pack(self, stamps: Mapping[str, FileStamp], entries: Mapping[str, bytes | memoryview],
                  digests: Mapping[str, str] | None = None,
                  keys_by_path: Mapping[str, str] | None = None, dialect: str | None = None) -> None:
        """Replace the pack with ``entries`` (pickled facts by key), ``stamps`` (by path), the
        entries' ``digests`` (by key, :func:`facts_digest`), which entry each path was read
        into (``keys_by_path``) and the SQL ``dialect`` they were all read with."""
        path = self._pack_path()
        if path is None:
            return
        index: dict[str, tuple[int, int]] = {}
        offset = 0
        for key in sorted(entries):
            index[key] = (offset, len(entries[key]))
            offset += len(entries[key])
        header = pickle.dumps((dict(stamps), index, dict(digests or {}), dict(keys_by_path or {}),
                               dialect), _PROTOCOL)
        chunks = [_HEADER.pack(_MAGIC, len(header)), header, *(entries[k] for k in sorted(entries))]
        self._write(path, chunks, ("facts-", "files-"))

    def load_project(self, key: str) -> ProjectFacts | None:
        """The cached project pass (``modules`` left empty) when built from exactly ``key``."""
        path = self._project_path()
        value = None if path is None else _read_pickle(path, expected_first=key)
        return value if isinstance(value, ProjectFacts) else None

    def has_project(self, key: str) -> bool:
        """Whether the cached project pass was built from exactly ``key`` (only the key is read)."""
        path = self._project_path()
        return path is not None and _read_pickle(path, expected_first=key, count=0) is not None

    def save_project(self, key: str, facts: ProjectFacts) -> None:
        """Remember the project pass built from ``key``, without the per-module facts."""
        path = self._project_path()
        if path is None:
            return
        bare = dataclasses.replace(facts, modules=())
        self._write(path, [pickle.dumps(key, _PROTOCOL), pickle.dumps(bare, _PROTOCOL)],
                    ("project-",))

    def _write(self, path: Path, chunks: list[bytes | memoryview], prefixes: tuple[str, ...]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, chunks)
            for prefix in prefixes:
                self._drop_other_versions(prefix)
        except OSError:
            return

    def _pack_path(self) -> Path | None:
        return None if self.directory is None else self.directory / f"facts-{self.tag}.pack"

    def _project_path(self) -> Path | None:
        return None if self.directory is None else self.directory / f"project-{self.tag}.pickle"

    def _drop_other_versions(self, prefix: str) -> None:
        assert self.directory is not None
        current = {f"facts-{self.tag}.pack", f"project-{self.tag}.pickle"}
        for path in self.directory.glob(f"{prefix}*"):
            if path.name not in current and not path.name.endswith(".tmp"):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


_BAD_PICKLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
               ValueError, IndexError, KeyError, MemoryError)


def load_keyed(path: Path, key: str) -> Any:
    """The value :func:`save_keyed` wrote to ``path`` under ``key``; None if absent, unreadable or
    written under another key (the key is read first: a stale value is never unpickled)."""
    return _read_pickle(path, key)


def save_keyed(path: Path, key: str, value: object) -> None:
    """Write ``value`` under ``key`` to ``path`` atomically; a failure only costs the next run."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, [pickle.dumps(key, _PROTOCOL), pickle.dumps(value, _PROTOCOL)])


def save_keyed_parts(path: Path, key: str, head: object, body: object) -> None:
    """Write a small ``head`` and a large ``body`` under ``key``, so that the head can be read
    without the body (:func:`load_keyed_head`); a failure only costs the next run."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, [pickle.dumps(key, _PROTOCOL), pickle.dumps(head, _PROTOCOL),
                                 pickle.dumps(body, _PROTOCOL)])


def load_keyed_head(path: Path, key: str) -> Any:
    """The head :func:`save_keyed_parts` wrote to ``path`` under ``key``; None as :func:`load_keyed`."""
    return _read_pickle(path, key)


def load_keyed_body(path: Path, key: str, head: object) -> Any:
    """The body written with ``head`` under ``key``; None when the file now holds another
    (replaced by another run meanwhile), or cannot be read."""
    try:
        with path.open("rb") as handle:
            if pickle.load(handle) != key or pickle.load(handle) != head:
                return None
            return pickle.load(handle)
    except (OSError, *_BAD_PICKLE):
        return None


def _loads(data: bytes | memoryview) -> Any:
    try:
        return pickle.loads(data)
    except _BAD_PICKLE:
        return None


def _read_pickle(path: Path, expected_first: object, count: int = 1) -> Any:
    """The second pickle in ``path`` (``count=0``: True, without reading it); None if unreadable
    or the first is not ``expected_first``."""
    try:
        with path.open("rb") as handle:
            if pickle.load(handle) != expected_first:
                return None
            return pickle.load(handle) if count else True
    except (OSError, *_BAD_PICKLE):
        return None


def _write_atomically(path: Path, chunks: list[bytes | memoryview]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
