"""A warm ``analyze`` (nothing changed since the last run) in a real process: the cached middle is
reused without importing the middle's stages or networkx, and writes the same analysis.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.demonolith.test_cli import imported_modules

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tiny_project"
MIDDLE = ("analyzer.boundaries.propose", "analyzer.graph.build", "analyzer.metrics.baselines")


def _analyze(root: Path, out: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "demonolith", "-q", "analyze", str(root),
         "--out", str(out), "--cache-dir", str(cache), "-j", "1", "--no-history"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_warm_analyze_imports_no_networkx_and_writes_the_same_analysis(tmp_path: Path) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    shutil.copytree(FIXTURE, root)
    cold = imported_modules(_analyze(root, tmp_path / "cold", cache).stderr)
    warm = imported_modules(_analyze(root, tmp_path / "warm", cache).stderr)
    assert "networkx" in cold and set(MIDDLE) <= cold  # the first run built the middle
    assert "networkx" not in warm and not set(MIDDLE) & warm
    analysis = (tmp_path / "cold" / "analysis.json").read_bytes()
    assert (tmp_path / "warm" / "analysis.json").read_bytes() == analysis
    violations = json.loads(analysis)["violations"]
    assert any(v["snippet"] for v in violations)  # snippets kept with the reused middle
