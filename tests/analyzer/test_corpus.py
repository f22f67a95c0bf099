"""The corpus checks of ``bench/corpus.py`` as assertions, on its three smallest projects and
weblate (its route prefix is a setting read through an environment helper's default).

Each project (``small = true`` in ``bench/corpus.toml``) is fetched once into
``~/.cache/demonolith-tests/`` and analysed once per session by the real CLI in a subprocess
(warm facts cache), then checked: no crash, every Python file read, at most 2% of routes with an
unresolved segment, concrete models within 5% of an independent ``ast`` count
(``bench/corpus_scan.py``), no index/sequence/constraint name among the tables, the settings
module and the database engine found (or, for a wheel that ships none, none invented).

A check the analyzer fails today is a strict xfail naming issue #15: when a fix makes it pass,
the test fails until the mark is removed, so the table below always says what works.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, file: str) -> ModuleType:
    """Import a bench module by path (bench/ is never put on sys.path: its analyzer.py would
    shadow the analyzer package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("corpus_scan", "corpus_scan.py")
_measure = _load("corpus_measure", "corpus_measure.py")
_corpus = _load("bench_corpus", "corpus.py")

SMALL: list[Any] = [p for p in _corpus.load_projects() if p.small]
ROWS: dict[str, Any] = {}


def row_of(distribution: str) -> Any:
    """The measured row of one small project, computed once per session."""
    if distribution not in ROWS:
        project = next(p for p in SMALL if p.distribution == distribution)
        cache = _corpus.CACHE
        try:
            root = _corpus.unpack(project, _corpus.download(project, cache), cache)
        except (SystemExit, _corpus.FetchError) as exc:
            pytest.fail(str(exc))
        out = Path(tempfile.mkdtemp(prefix=f"corpus-test-out-{distribution}-"))  # never shared by runs
        ROWS[distribution] = _measure.measure(project, root, out, cache / f"corpus-facts-{distribution}", 1)
    return ROWS[distribution]


def no_crash(row: Any) -> None:
    assert row.crash == ""


def every_file_read(row: Any) -> None:
    assert row.files_read == row.py_files, row.unread[:5]


def routes_resolved(row: Any) -> None:
    assert row.routes > 0
    assert row.routes_unresolved <= 0.02 * row.routes, row.unresolved_examples[:5]


def models_counted(row: Any) -> None:
    assert abs(row.models - row.models_independent) <= 0.05 * row.models_independent, (
        row.models_only_ours[:5], row.models_only_independent[:5])


def tables_are_tables(row: Any) -> None:
    assert row.bad_tables == []


def settings_and_engine(row: Any) -> None:
    project = next(p for p in SMALL if p.distribution == row.project)
    if not project.has_settings:  # nothing to find: nothing may be invented
        assert (row.settings_module, row.database_engine) == ("", "")
        return
    assert row.settings_module and row.database_engine, (row.settings_module, row.database_engine)


CHECKS: dict[str, Callable[[Any], None]] = {
    "no_crash": no_crash, "every_file_read": every_file_read, "routes_resolved": routes_resolved,
    "models_counted": models_counted, "tables_are_tables": tables_are_tables,
    "settings_and_engine": settings_and_engine,
}

# (distribution, check) -> why it fails today. Remove an entry when a fix makes the check pass.
KNOWN_FAILURES: dict[tuple[str, str], str] = {
}


def _cases() -> list[Any]:
    cases = []
    for project in SMALL:
        for check in CHECKS:
            reason = KNOWN_FAILURES.get((project.distribution, check))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(project.distribution, check, marks=marks,
                                      id=f"{project.distribution}-{check}"))
    return cases


def test_four_projects_are_in_the_slow_checks() -> None:
    assert len(SMALL) == 4
    assert {d for d, _ in KNOWN_FAILURES} <= {p.distribution for p in SMALL}


@pytest.mark.parametrize(("distribution", "check"), _cases())
def test_corpus_check(distribution: str, check: str) -> None:
    CHECKS[check](row_of(distribution))
