"""The fingerprint of our own code, part of every cache key: editing the analyzer invalidates.

:func:`code_fingerprint` covers a module and every module of its package it imports (found from
the imports themselves, :func:`code_imported_by`, so there is no list to keep in step), kept in
``code-fingerprint.pickle`` in the cache directory by the package's file stats;
:func:`package_fingerprint` covers a whole package by its files' stats.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

from analyzer.project_facts.cache import combined_key, load_keyed, save_keyed

CODE_FINGERPRINT_FILE = "code-fingerprint.pickle"


def code_fingerprint(entry: str, root_dir: Path | None = None, cache_dir: Path | None = None) -> str:
    """A fingerprint (size and mtime) of module ``entry`` and every module of its own top-level
    package that it imports, transitively: editing any of them invalidates the cache.

    Finding those modules reads and parses them; with a ``cache_dir``, the fingerprint is kept in
    :data:`CODE_FINGERPRINT_FILE` there, keyed by the path, size and mtime of every Python file of
    the package (a file added or removed can change what an import resolves to), so a run on an
    unchanged install only stats the package."""
    top = entry.partition(".")[0]
    root = root_dir if root_dir is not None else _package_root(top)
    if cache_dir is None:
        return _code_fingerprint(entry, root_dir)
    key = combined_key([entry, str(root), *_package_stats(root)])
    path = cache_dir / CODE_FINGERPRINT_FILE
    cached = load_keyed(path, key)
    if isinstance(cached, str):
        return cached
    fingerprint = _code_fingerprint(entry, root_dir)
    save_keyed(path, key, fingerprint)
    return fingerprint


def _code_fingerprint(entry: str, root_dir: Path | None) -> str:
    stats = sorted(f"{name}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
                   for name, path in code_imported_by(entry, root_dir).items())
    return combined_key(stats)[:12]


def package_fingerprint(top: str) -> str:
    """A fingerprint (path, size and mtime) of every Python file of the imported package ``top``:
    stats only, for results that depend on the whole package."""
    return combined_key(_package_stats(_package_root(top)))[:12]


def _package_root(top: str) -> Path:
    return Path(next(iter(sys.modules[top].__path__)))


def _package_stats(root: Path) -> list[str]:
    """``relative path:size:mtime_ns`` of every Python file under ``root``, sorted."""
    stats = []
    for path in root.rglob("*.py"):
        stat = path.stat()
        stats.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return sorted(stats)


@functools.lru_cache(maxsize=8)
def code_imported_by(entry: str, root_dir: Path | None = None) -> dict[str, Path]:
    """``entry`` and the modules of its top-level package it imports (at any depth, in function
    bodies too, with the packages that hold them), by name -> file; ``root_dir`` is where that
    package lives (default: where it was imported from). Read with ``ast``, so moving modules
    between sub-packages moves the list with them."""
    top = entry.partition(".")[0]
    root = root_dir if root_dir is not None else Path(next(iter(sys.modules[top].__path__)))
    found: dict[str, Path] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        path = _module_file(root, top, name)
        if name in found or path is None:
            continue
        found[name] = path
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo.extend(parents + _imported_names(path, name, top))
    return found


def _module_file(root: Path, top: str, name: str) -> Path | None:
    if name != top and not name.startswith(top + "."):
        return None
    base = root.joinpath(*name.split(".")[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _imported_names(path: Path, name: str, top: str) -> list[str]:
    """Every module name an import in ``path`` may load (``from a import b``: ``a`` and ``a.b``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(_import_tree(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return [n for n in names if n == top or n.startswith(top + ".")]


_IMPORT_WORD = re.compile(r"\bimport\b")


def _import_tree(source: str, filename: str) -> ast.Module:
    """The lines of ``source`` naming ``import`` parsed alone (a fifth of the cost of the whole
    module), else, when those lines do not parse by themselves (``else: import x``, a docstring
    about imports), the whole module: never fewer imports than it has."""
    statements = _import_statements(source)
    if statements is not None:
        try:
            return ast.parse(statements, filename)
        except SyntaxError:
            pass
    return ast.parse(source, filename)


def _import_statements(source: str) -> str | None:
    """Every line holding the word ``import`` with the lines that continue its statement
    (parentheses, backslashes); None when such a line continues the one before it."""
    lines = source.splitlines()
    found: list[str] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        if "import" not in line or not _IMPORT_WORD.search(line) or line.lstrip().startswith("#"):
            continue
        if number > 1 and lines[number - 2].endswith("\\"):
            return None  # ``from a \\`` on the line before: alone, this line would name ``b``
        statement = [line.lstrip()]
        depth = line.count("(") - line.count(")")
        while number < len(lines) and (depth > 0 or statement[-1].endswith("\\")):
            statement.append(lines[number])
            depth += lines[number].count("(") - lines[number].count(")")
            number += 1
        found.append("\n".join(statement))
    return "\n".join(found)
