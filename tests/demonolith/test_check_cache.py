"""``check``'s cache: none in the user's tree unless asked; ``--cache-dir`` keeps the facts and
the crossings there, and a warm check reuses them (no graph built) with the same verdict."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.demonolith.test_check_cli import PLANTED
from tests.demonolith.test_cli import imported_modules
from tests.helpers.sample_pipeline import copy_sample

CACHE_NAME = ".demonolith-cache"


def _demonolith(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "demonolith", *argv],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONHASHSEED": "0"})


def test_check_caches_only_where_asked_and_reuses_its_crossings(tmp_path: Path) -> None:
    root, out, cache = copy_sample(tmp_path), tmp_path / "out", tmp_path / "cache"
    analyzed = _demonolith("-q", "analyze", str(root), "--out", str(out), "--cache-dir", str(tmp_path / "a"),
                           "-j", "1", "--no-history")
    assert analyzed.returncode == 0, analyzed.stderr[-2000:]
    baseline = str(out / "analysis.json")

    plain = _demonolith("check", str(root), "--against", baseline)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert not (root / CACHE_NAME).exists()  # nothing written into the tree

    first = _demonolith("check", str(root), "--against", baseline, "--cache-dir", str(cache))
    warm = _demonolith("check", str(root), "--against", baseline, "--cache-dir", str(cache))
    assert first.returncode == warm.returncode == 0
    assert first.stdout == warm.stdout == plain.stdout
    assert "networkx" in imported_modules(first.stderr)
    assert "networkx" not in imported_modules(warm.stderr)  # the verdict came from the cache
    assert any(cache.glob("verdict-*.pickle")) and any(cache.glob("facts-*.pack"))
    assert not (root / CACHE_NAME).exists()

    fewer = json.loads((out / "analysis.json").read_text())
    fewer["violations"] = []  # another baseline: the cached summary and crossings must not serve it
    (tmp_path / "fewer.json").write_text(json.dumps(fewer))
    against_fewer = _demonolith("check", str(root), "--against", str(tmp_path / "fewer.json"),
                                "--cache-dir", str(cache))
    assert against_fewer.returncode == 11, against_fewer.stdout

    with (root / "catalog" / "views.py").open("a", encoding="utf-8") as views:
        views.write(PLANTED)
    planted = _demonolith("check", str(root), "--against", baseline, "--cache-dir", str(cache))
    assert planted.returncode == 11, planted.stdout  # a cached verdict never hides a new crossing
    assert "catalog/views.py" in planted.stdout


def test_check_accepts_the_package_directory_analyze_read(tmp_path: Path) -> None:
    """A package analysed on its own (``root/__init__.py``, as the corpus' wheels are) names its
    modules ``package.module``; check must name them the same to recognise the project."""
    root, out = tmp_path / "tinypkg", tmp_path / "out"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "tiny_project", root)
    (root / "__init__.py").write_text("")
    analyzed = _demonolith("-q", "analyze", str(root), "--out", str(out), "--no-cache", "-j", "1",
                           "--no-history")
    assert analyzed.returncode == 0, analyzed.stderr[-2000:]
    assert '"tinypkg.orders.models"' in (out / "analysis.json").read_text()
    checked = _demonolith("check", str(root), "--against", str(out / "analysis.json"), "--no-cache")
    assert checked.returncode == 0, checked.stderr[-1000:]
