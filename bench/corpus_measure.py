"""Measure one corpus project: run the real CLI in a subprocess, read its JSON, compare.

Nothing here imports ``analyzer``: the analyzer is driven through ``demonolith analyze`` and read
back through ``facts.json`` and ``analysis.json`` only, so this keeps working while the analyzer's
insides move. The yardstick figures come from ``corpus_scan`` (stdlib ``ast``).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus_scan import count_lines, count_models, is_test_or_migration, python_files
from packaging.requirements import Requirement

UNRESOLVED = "<?>"
# Warning codes that mean a file was not read at all (sql and empty files are read).
READ_FAILURES = frozenset({"syntax", "decode", "nul-bytes", "too-deep", "too-large", "unreadable",
                           "symlink-loop"})
# Empty, a PostgreSQL/Django index, sequence or constraint suffix, or a character no table has.
SUSPICIOUS_TABLE = re.compile(r"^\s*$|_(seq|pkey|fkey|like|idx|uniq)$|[^A-Za-z0-9_.$]")
HEX_SUFFIX = re.compile(r"_(?=[0-9a-f]*[0-9])[0-9a-f]{6,}$")  # Django's hashed index names
EXAMPLES = 8
TIMEOUT_S = 1800


@dataclass(frozen=True)
class Project:
    """One corpus entry of ``bench/corpus.toml``."""

    distribution: str
    version: str
    packages: tuple[str, ...]
    django: str
    why: str
    small: bool = False
    has_settings: bool = True  # false: the wheel ships no settings module (a reusable app)


@dataclass
class Row:
    """Everything measured on one project; ``asdict`` of it is the ``--json`` form."""

    project: str
    version: str
    py_files: int = 0
    lines: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    crash: str = ""
    files_read: int = 0
    unread: list[str] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)
    models: int = 0  # concrete, outside tests and migrations, by the analyzer
    models_independent: int = 0
    models_only_ours: list[str] = field(default_factory=list)
    models_only_independent: list[str] = field(default_factory=list)
    models_in_tests_or_migrations: list[str] = field(default_factory=list)
    independent_unparsed: list[str] = field(default_factory=list)
    routes: int = 0
    routes_unresolved: int = 0
    routes_unreachable: int = 0  # not reached from the root URLconf: listed with their local pattern
    unresolved_examples: list[str] = field(default_factory=list)
    sql_parsed: int = 0
    sql_unparsed: int = 0
    settings_module: str = ""
    database_engine: str = ""
    django_found: str = ""
    django_declared: str = ""
    django_matches: bool = False
    bad_tables: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The row as plain JSON data."""
        return asdict(self)


def demonolith_command() -> list[str]:
    """The ``demonolith`` entry point of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "demonolith"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("demonolith")
    if found is None:
        raise SystemExit("demonolith is not installed: pip install -e . first")
    return [found]


def run_cli(root: Path, out: Path, cache: Path | None, jobs: int) -> tuple[float, float, str]:
    """Run ``demonolith analyze``; (wall seconds, CPU seconds of the child, crash text or "")."""
    if out.exists():
        shutil.rmtree(out)
    command = [*demonolith_command(), "analyze", str(root), "--out", str(out), "--no-history",
               "-j", str(jobs), "--write-facts"]
    command += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return TIMEOUT_S, 0.0, f"timeout after {TIMEOUT_S} s"
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    crash = ""
    if done.returncode != 0 or "Traceback" in done.stderr:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or [""]
        crash = f"exit {done.returncode}: {tail[0][:300]}"
    return seconds, cpu, crash


def measure(project: Project, root: Path, out: Path, cache: Path | None, jobs: int) -> Row:
    """Run the analyzer on ``root`` and fill a row; a crash is recorded, never raised."""
    row = Row(project.distribution, project.version, django_declared=project.django)
    files = python_files(root, project.packages)
    row.py_files, row.lines = len(files), count_lines(files)
    independent = count_models(root, project.packages)
    row.models_independent = len(independent.concrete)
    row.independent_unparsed = list(independent.unparsed)
    row.seconds, row.cpu_seconds, row.crash = run_cli(root, out, cache, jobs)
    try:
        facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        row.crash = row.crash or f"no facts.json: {exc}"
        return row
    fill_facts(row, facts, set(independent.concrete))
    try:
        analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        row.crash = row.crash or f"no analysis.json: {exc}"
        return row
    fill_analysis(row, analysis)
    return row


def fill_facts(row: Row, facts: dict[str, Any], independent: set[str]) -> None:
    """Files read, warnings, models, routes and SQL from ``facts.json``."""
    warnings = facts.get("warnings", [])
    row.warnings = dict(sorted(Counter(w.get("code", "?") for w in warnings).items()))
    unread = sorted({w["path"] for w in warnings if w.get("code") in READ_FAILURES})
    modules = {m["path"] for m in facts.get("modules", []) if m["path"].endswith(".py")}
    row.files_read = len(modules - set(unread))
    row.unread = [f"{w['path']}:{w['line']}: {w.get('message', '')}"[:200] for w in
                  sorted(warnings, key=lambda w: (w["path"], w["line"])) if w.get("code") in READ_FAILURES]
    models = facts.get("models", [])
    ours = {m["qualname"] for m in models if not m.get("abstract") and not is_test_or_migration(m["path"])}
    row.models = len(ours)
    row.models_only_ours = sorted(ours - independent)
    row.models_only_independent = sorted(independent - ours)
    row.models_in_tests_or_migrations = sorted(f"{m['path']}:{m['line']} {m['name']}" for m in models
                                               if is_test_or_migration(m["path"]))
    routes = facts.get("routes", [])
    row.routes = len(routes)
    unresolved = sorted((r for r in routes if r.get("unresolved") or UNRESOLVED in r.get("route", "")),
                        key=lambda r: (r["path"], r["line"], r["route"]))
    row.routes_unresolved = len(unresolved)
    row.routes_unreachable = sum(1 for r in routes if not r.get("reachable", True))
    row.unresolved_examples = [f"{r['path']}:{r['line']} {r['route']}" for r in unresolved]
    sql = facts.get("sql", [])
    row.sql_parsed = sum(1 for s in sql if s.get("parsed"))
    row.sql_unparsed = len(sql) - row.sql_parsed


def fill_analysis(row: Row, analysis: dict[str, Any]) -> None:
    """Settings, engine, Django version and suspicious table names from ``analysis.json``."""
    row.settings_module = analysis.get("settings_module", "")
    row.database_engine = analysis.get("database_engine", "")
    row.django_found = analysis.get("django_version", "")
    row.django_matches = version_matches(row.django_found, row.django_declared)
    tables = sorted(t.get("table", "") for t in analysis.get("tables", []))
    row.bad_tables = [t for t in tables if is_suspicious_table(t)]


def is_suspicious_table(name: str) -> bool:
    """Whether a table name looks like an index, sequence or constraint name, or is empty."""
    return bool(SUSPICIOUS_TABLE.search(name)) or bool(HEX_SUFFIX.search(name))


def version_matches(found: str, declared: str) -> bool:
    """Whether the ``major.minor`` found is allowed by the declared requirement."""
    match = re.fullmatch(r"(\d+)\.(\d+)", found)
    if not match:
        return False
    specifier = Requirement(re.sub(r"\s*\((.*)\)", r"\1", declared)).specifier
    major, minor = match.groups()
    return any(specifier.contains(f"{major}.{minor}.{patch}", prereleases=True) for patch in range(0, 40))
