"""requirements.txt of a generated service, from what the monolith declares (never from our venv).

- Django: the monolith's declared requirement (``django<5.3,>=4.2``), else the version the analysis
  read, else ``Django>=4.2`` with a note;
- the monolith itself when it is an installable distribution (the service imports the code it only
  uses from it), at its version;
- each third-party import of the carried code: mapped to its distribution in the *monolith's*
  environment (``packages_distributions()`` of ``--python``), listed with the monolith's declared
  requirement for it, else unpinned; an import nothing maps is a warning;
- the database driver of the monolith's engine (its declared one when it has one).

Nothing is pinned from the environment demonolith runs in, so ``pip install -r requirements.txt``
resolves together with the monolith.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractor.distribution import MonolithDistribution, normalise

ALWAYS_THERE = frozenset({"django", "__future__", "service_project"})
DRIVERS = {"postgresql": ("psycopg", "psycopg2", "psycopg2-binary", "psycopg[binary]>=3.1"),
           "postgis": ("psycopg", "psycopg2", "psycopg2-binary", "psycopg[binary]>=3.1"),
           "mysql": ("mysqlclient", "pymysql", "mysqlclient>=2.2"),
           "oracle": ("oracledb", "oracledb>=1.3")}


@dataclass(frozen=True)
class Requirements:
    """Lines for requirements.txt (Django first, then sorted) and the imports nothing could map."""

    lines: tuple[str, ...]
    unknown: tuple[str, ...]


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


def import_map(python: str | None) -> dict[str, list[str]]:
    """Import name -> distributions, in the environment of ``python`` (the monolith's)."""
    code = "import importlib.metadata, json; print(json.dumps(importlib.metadata.packages_distributions()))"
    try:
        proc = subprocess.run([python or sys.executable, "-I", "-c", code], capture_output=True, text=True,
                              timeout=60, check=True)
        found = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}
    return {str(k): [str(d) for d in v] for k, v in found.items()} if isinstance(found, dict) else {}


def django_line(distribution: MonolithDistribution, django_version: str) -> str:
    """The Django requirement the monolith declares, else one from the version the analysis read."""
    declared = distribution.requirement("django")
    if declared:
        return declared
    major, _, minor = django_version.partition(".")
    if major.isdigit() and int(major) >= 3:
        floor = f"{major}.{minor.split('.')[0]}" if minor.split(".")[0].isdigit() else f"{major}.0"
        return f"Django>={floor},<{int(major) + 1}  # the version the analysis read"
    return "Django>=4.2  # the monolith declares no Django version; set the one it runs"


def driver_line(distribution: MonolithDistribution, engine: str) -> str | None:
    """The DB driver for the monolith's engine: its declared one, else the usual one."""
    names = next((v for k, v in DRIVERS.items() if k in engine), None)
    if names is None:
        return None
    declared = [distribution.requirement(n) for n in names[:-1]]
    return next((d for d in declared if d), names[-1])


def requirements_for(files: Mapping[str, str], distribution: MonolithDistribution, local: Iterable[str],
                     environment: Mapping[str, list[str]], engine: str = "",
                     django_version: str = "") -> Requirements:
    """What ``files`` import from outside the standard library, Django and ``local`` packages."""
    skip = set(sys.stdlib_module_names) | ALWAYS_THERE | set(local)
    roots = imported_roots(files)
    lines: set[str] = set()
    if distribution.installable and distribution.packages & set(roots):
        version = f"=={distribution.version}" if distribution.version else ""
        lines.add(f"{distribution.name}{version}")
    unknown: list[str] = []
    for root in sorted(set(roots) - skip - distribution.packages):
        names = sorted(environment.get(root, []), key=str.lower)
        declared = [d for d in (distribution.requirement(n) for n in (root, *names)) if d]
        if declared or names:
            lines.add(declared[0] if declared else names[0])
        elif normalise(root) not in {normalise(r) for r in skip}:
            unknown.append(f"{root} (imported by {roots[root]})")
    driver = driver_line(distribution, engine)
    if driver:
        lines.add(driver)
    django = django_line(distribution, django_version)
    return Requirements((django, *sorted(lines - {django}, key=str.lower)), tuple(unknown))
