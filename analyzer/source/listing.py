"""The file listing: the source files under a root and their module names.

Works on a repository root, a ``src/`` layout or a package directory (an installed wheel's
contents) without importing anything. Directory walking is the only I/O here.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from analyzer.errors import SourceTreeError
from analyzer.model.facts import SourceWarning

EXCLUDED_DIRS = frozenset(
    {
        "node_modules", "__pycache__", "build", "dist", "site-packages", "venv", "env",
        "htmlcov", "bower_components", "demonolith-out",
        "LC_MESSAGES",  # gettext catalogs (.po/.mo) only; a Django project has hundreds
    }
)
DEFAULT_MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class SourceFile:
    """One file to read: ``path`` relative to the root, its module name, Python or SQL."""

    path: str
    module: str
    is_package: bool
    kind: str  # python | sql
    size: int


@dataclass(frozen=True)
class DiscoverOptions:
    """What to skip: glob patterns on relative paths, migrations, files above a size."""

    excludes: tuple[str, ...] = ()
    include_migrations: bool = True
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass(frozen=True)
class FileListing:
    """The files found under a root, plus warnings for what could not be listed."""

    root: Path
    files: tuple[SourceFile, ...]
    warnings: tuple[SourceWarning, ...]


def list_files(root: Path, options: DiscoverOptions = DiscoverOptions()) -> FileListing:
    """Walk ``root`` and name each file's module; a directory reached again through a symlink
    (same device and inode, or a loop) is read once, where it really is when that is in the tree."""
    if not root.is_dir():
        raise SourceTreeError(f"{root}: not a directory")
    walk = _Walk(options)
    walk.run(str(root))
    path_roots = _path_roots(root, [path for path, _ in walk.found])
    files = []
    warnings = walk.warnings
    for path, size in sorted(walk.found):
        if size > options.max_file_bytes:
            limit = options.max_file_bytes / 1e6
            message = f"skipped: {size / 1e6:.1f} MB is above the {limit:.1f} MB limit (generated?)"
            warnings.append(SourceWarning(path, 1, "too-large", message))
            continue
        files.append(_source_file(path, size, path_roots))
    return FileListing(root, tuple(files), tuple(sorted(warnings, key=lambda w: (w.path, w.line))))


class _Walk:
    """One walk: plain directories first, then the symlinked ones not read yet (sorted, so the
    result does not depend on the order the file system lists them in)."""

    def __init__(self, options: DiscoverOptions) -> None:
        self.options = options
        self.found: list[tuple[str, int]] = []
        self.warnings: list[SourceWarning] = []
        self.read: set[tuple[int, int]] = set()  # (device, inode) of every directory read
        self.links: list[tuple[str, str, frozenset[tuple[int, int]]]] = []

    def run(self, root: str) -> None:
        stat = os.stat(root)
        self.read.add((stat.st_dev, stat.st_ino))
        self._walk(root, "", frozenset({(stat.st_dev, stat.st_ino)}))
        while self.links:
            self.links.sort(key=lambda link: link[1], reverse=True)
            full, path, ancestors = self.links.pop()
            self._follow(full, path, ancestors)

    def _follow(self, full: str, path: str, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            stat = os.stat(full)
        except OSError as exc:
            code = "symlink-loop" if exc.errno == 40 else "unreadable"
            self.warnings.append(SourceWarning(path, 1, code, f"cannot read: {exc.strerror}"))
            return
        identity = (stat.st_dev, stat.st_ino)
        if identity in ancestors:
            self.warnings.append(SourceWarning(path, 1, "symlink-loop",
                                               "symlink loop: directory already read"))
        elif identity not in self.read:
            self.read.add(identity)
            self._walk(full, path, ancestors | {identity})

    def _walk(self, directory: str, relative: str, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            with os.scandir(directory) as iterator:
                entries = sorted(iterator, key=attrgetter("name"))
        except OSError as exc:
            self.warnings.append(SourceWarning(relative or ".", 1, "unreadable",
                                               f"cannot list: {exc.strerror}"))
            return
        if any(entry.name == "pyvenv.cfg" for entry in entries):
            return  # a virtualenv
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            if not _excluded(path, entry.name, self.options):
                self._visit(entry, path, ancestors)

    def _visit(self, entry: os.DirEntry[str], path: str, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            if entry.name.endswith((".py", ".sql")) and not entry.is_dir():
                self.found.append((path, entry.stat().st_size))
            elif entry.is_dir() and entry.is_symlink():
                self.links.append((entry.path, path, ancestors))
            elif entry.is_dir():
                stat = entry.stat(follow_symlinks=False)
                identity = (stat.st_dev, stat.st_ino)
                self.read.add(identity)
                self._walk(entry.path, path, ancestors | {identity})
        except OSError as exc:
            code = "symlink-loop" if exc.errno == 40 else "unreadable"
            self.warnings.append(SourceWarning(path, 1, code, f"cannot read: {exc.strerror}"))


def _excluded(path: str, name: str, options: DiscoverOptions) -> bool:
    if name.startswith(".") or name in EXCLUDED_DIRS or name.endswith(".egg-info"):
        return True
    if not options.include_migrations and name == "migrations":
        return True
    return bool(options.excludes) and _exclude_pattern(options.excludes).match(path) is not None


@functools.lru_cache(maxsize=8)
def _exclude_pattern(excludes: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression matching what any of the patterns matches (``fnmatch.fnmatchcase``)."""
    return re.compile("|".join(fnmatch.translate(p) for p in excludes))


def _path_roots(root: Path, paths: list[str]) -> list[str]:
    """The directories (relative, "" for the root) that act as ``sys.path`` entries."""
    roots = {""}
    if (root / "src").is_dir():
        roots.add("src")
    known = set(paths)
    for path in paths:
        directory = path.rpartition("/")[0]
        if path.endswith("manage.py") and f"{directory}/__init__.py" not in known and directory:
            roots.add(directory)
    return sorted(roots, key=len, reverse=True)


def _source_file(path: str, size: int, path_roots: list[str]) -> SourceFile:
    base = next(r for r in path_roots if not r or path.startswith(r + "/"))
    inner = path[len(base) + 1 :] if base else path
    stem, _, extension = inner.rpartition(".")
    parts = stem.split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    kind = "sql" if extension == "sql" else "python"
    return SourceFile(path, ".".join(parts), is_package, kind, size)


def module_prefix(root: Path) -> str:
    """For a package directory (``root/__init__.py``), the package name module names start with."""
    return root.name if (root / "__init__.py").is_file() else ""


def with_prefix(listing: FileListing, prefix: str) -> FileListing:
    """Prefix every module name (for a package directory analysed on its own)."""
    if not prefix:
        return listing
    files = tuple(
        SourceFile(f.path, f"{prefix}.{f.module}" if f.module else prefix, f.is_package, f.kind,
                   f.size)
        for f in listing.files
    )
    return FileListing(listing.root, files, listing.warnings)
