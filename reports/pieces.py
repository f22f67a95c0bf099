"""Outputs rendered piece by piece: each piece of a file (a page of the HTML report, a part of
analysis.json, the Markdown summary) is kept under a key made of the digests of the Analysis
fields it reads, so a run after an edit renders again only the pieces whose fields changed.

A field's digest is that of its compact JSON (orjson, dataclasses in field order), computed once
per run for every field. The pieces live in a directory of the cache, one file per key (the key
names the bytes, as a content-addressed store does); what a run did not use is removed at its
end. Which fields a piece reads is declared with the piece; ``tests/reports/test_pieces.py``
renders every piece of a traced Analysis and fails when a piece reads a field it does not declare.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import orjson

from analyzer.model.analysis import Analysis

FieldDigests = Mapping[str, str]


@dataclass(frozen=True)
class Piece:
    """One piece of an output file: its name, the Analysis fields its bytes depend on, and the
    values computed from the Analysis that stand for the fields they read (a piece that shows the
    share of coupling inside services depends on the share, not on where each edge is)."""

    name: str
    fields: tuple[str, ...]
    values: tuple[str, ...] = ()


def field_digests(analysis: Analysis) -> dict[str, str]:
    """The digest of each field of ``analysis`` (its compact JSON)."""
    return {f.name: _digest(orjson.dumps(getattr(analysis, f.name))) for f in fields(analysis)}


def piece_key(piece: Piece, digests: FieldDigests, salt: str,
              values: Mapping[str, str] | None = None) -> str:
    """The key of ``piece``'s bytes: its name, ``salt`` (the code and every input that is not the
    Analysis), the digests of the fields it reads and of its values (``values``: by name)."""
    parts = [salt, piece.name, *(f"{name}={digests[name]}" for name in piece.fields),
             *(f"{name}:{(values or {})[name]}" for name in piece.values)]
    return _digest("\0".join(parts).encode())


def value_digest(value: object) -> str:
    """The digest of a value computed from the Analysis (dataclasses, tuples, dicts, scalars)."""
    return _digest(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS))


def combined(keys: Iterable[str]) -> str:
    """One key for a sequence of keys (a file's, from its pieces')."""
    return _digest("\0".join(keys).encode())


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class PieceStore:
    """Pieces' bytes by key in ``directory`` (None: nothing kept); a store that cannot be read or
    written only costs the rendering."""

    def __init__(self, directory: Path | None) -> None:
        """Keep the pieces in ``directory``."""
        self.directory = directory
        self.used: set[str] = set()

    def get(self, key: str, render: Callable[[], bytes]) -> bytes:
        """The bytes kept under ``key``, else ``render()``'s, kept under it."""
        self.used.add(key)
        if self.directory is None:
            return render()
        path = self.directory / key
        with contextlib.suppress(OSError):
            return path.read_bytes()
        data = render()
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        return data

    def has(self, key: str) -> bool:
        """Whether ``key``'s bytes are kept (they need no rendering)."""
        return self.directory is not None and (self.directory / key).is_file()

    def prune(self) -> None:
        """Remove the pieces this run neither read nor wrote."""
        if self.directory is None:
            return
        with contextlib.suppress(OSError):
            for path in self.directory.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
