"""Fixtures of the extractor tests; pytest stays out of the golden files (generated projects).

The sample's analysis.json and its seeded database are built once per test run and shared by the
xdist workers (a file lock in the run's common temporary directory), not once per worker.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from extractor.extract import CACHE_ENV
from tests.extractor.helpers import DEMONOLITH, ROOT, SAMPLE, run

collect_ignore_glob = ["golden/*"]


def shared_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """``build(folder)`` once per test run (all xdist workers), returning the path it made."""
    base = factory.getbasetemp()
    common = base.parent if base.name.startswith("popen-gw") else base
    folder = common / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    with (common / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "DONE"
        if not done.is_file():
            done.write_text(str(build(folder)), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


def _analyze(folder: Path) -> Path:
    run([*DEMONOLITH, "analyze", str(SAMPLE), "--out", str(folder / "out"), "--cache-dir",
         str(folder / "cache")], cwd=ROOT, timeout=180)
    return folder / "out" / "analysis.json"


def _seed(folder: Path) -> Path:
    database = folder / "shop.sqlite3"
    run([DEMONOLITH[0], "manage.py", "migrate", "-v0"], cwd=SAMPLE, SHOP_DB_PATH=str(database))
    run([DEMONOLITH[0], "manage.py", "seed_demo"], cwd=SAMPLE, SHOP_DB_PATH=str(database), timeout=300)
    return database


@pytest.fixture(scope="session", autouse=True)
def derive_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Generated projects' migrations and OpenAPI documents, cached by content hash for this run
    (extract runs the fresh project only once for the same files; the subprocesses inherit it)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if base.name.startswith("popen-gw") else base) / "shared-derive-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def sample_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """analysis.json of the sample monolith, written by the real ``demonolith analyze``."""
    return shared_once(tmp_path_factory, "sample-analysis", _analyze)


@pytest.fixture(scope="session")
def monolith_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample monolith's database, migrated and seeded with ``seed_demo`` (read-only for tests:
    copy it before writing)."""
    return shared_once(tmp_path_factory, "monolith-db", _seed)
