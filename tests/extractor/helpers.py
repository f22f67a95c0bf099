"""Shared helpers of the extractor tests: the small fixture analysis and subprocess runners."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analyzer.model.analysis import Analysis, analysis_to_json

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "extractor" / "shop"
SAMPLE = ROOT / "sample_monolith"
DEMONOLITH = [sys.executable, "-m", "demonolith"]


def small(source_root: Path = FIXTURE) -> Analysis:
    """tests/helpers' small Analysis pointing at the fixture sources."""
    from tests.helpers.small_analysis import small_analysis

    return small_analysis(str(source_root))


def write_analysis(analysis: Analysis, folder: Path) -> Path:
    """Write analysis.json into ``folder`` and return its path."""
    path = folder / "analysis.json"
    path.write_text(analysis_to_json(analysis), encoding="utf-8")
    return path


def run(args: list[str], cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it exits non-zero."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{args} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def extract_cli(analysis: Path, service: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``demonolith extract`` as a user would."""
    return subprocess.run([*DEMONOLITH, "extract", service, "--analysis", str(analysis), "--out", str(out),
                           *extra], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
