"""The third-party distributions the carried code imports, for the generated requirements.txt.

Import names are mapped to distributions with the monolith's own requirements (``requirements*.txt``,
``requirements/*.txt``, ``[project].dependencies`` of its pyproject.toml) first, then with
``importlib.metadata.packages_distributions()`` of the environment demonolith runs in (pinned to the
installed major version). An import nothing maps is listed as a commented warning.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^#;]*)")
ALWAYS_THERE = frozenset({"django", "__future__", "service_project"})


@dataclass(frozen=True)
class Requirements:
    """Lines for requirements.txt (sorted) and the imports nothing could map (with a warning each)."""

    lines: tuple[str, ...]
    unknown: tuple[str, ...]


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_roots(files: Mapping[str, str]) -> dict[str, str]:
    """Top-level names of absolute imports in the Python files -> the first file importing each."""
    found: dict[str, str] = {}
    for path in sorted(p for p in files if p.endswith(".py")):
        try:
            tree = ast.parse(files[path])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                found.setdefault(name.split(".")[0], path)
    return found


def monolith_requirements(source_root: Path) -> dict[str, str]:
    """Normalised distribution name -> requirement line, from the monolith's requirement files."""
    lines: list[str] = []
    for path in sorted([*source_root.glob("requirements*.txt"), *source_root.glob("requirements/*.txt")]):
        if path.is_file() and not path.is_symlink():
            lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    pyproject = source_root / "pyproject.toml"
    if pyproject.is_file():
        with contextlib.suppress(tomllib.TOMLDecodeError, UnicodeDecodeError):
            lines += [str(d) for d in tomllib.loads(pyproject.read_text(encoding="utf-8"))
                      .get("project", {}).get("dependencies", [])]
    out: dict[str, str] = {}
    for line in lines:
        found = _NAME.match(line)
        if found and not line.lstrip().startswith(("#", "-")):
            out.setdefault(normalise(found[1]), line.split("#")[0].strip())
    return out


def _installed(distribution: str) -> str:
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return distribution
    major = version.split(".")[0]
    return f"{distribution}>={version},<{int(major) + 1}" if major.isdigit() else f"{distribution}=={version}"


def requirements_for(files: Mapping[str, str], source_root: Path, local: Iterable[str]) -> Requirements:
    """What ``files`` import from outside the standard library, Django and ``local`` packages."""
    skip = set(sys.stdlib_module_names) | ALWAYS_THERE | set(local)
    wanted = {root: path for root, path in imported_roots(files).items() if root not in skip}
    declared = monolith_requirements(source_root)
    installed = importlib.metadata.packages_distributions()
    lines: set[str] = set()
    unknown: list[str] = []
    for root in sorted(wanted):
        distributions = installed.get(root, [])
        by_name = [declared[n] for n in (normalise(root), *map(normalise, distributions)) if n in declared]
        if by_name:
            lines.add(by_name[0])
        elif distributions:
            lines.add(_installed(sorted(distributions)[0]))
        else:
            unknown.append(f"{root} (imported by {wanted[root]})")
    return Requirements(tuple(sorted(lines, key=str.lower)), tuple(unknown))
