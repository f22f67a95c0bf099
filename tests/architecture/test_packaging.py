"""`pip install .` into a fresh virtualenv outside the checkout gives a working demonolith."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from analyzer.model import analysis_to_json
from tests.helpers.small_analysis import small_analysis

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_wheel_works_outside_the_checkout(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheel_dir.glob("demonolith-*.whl")

    outside = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # a checkout on the path would win
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=600, env=outside)
    assert installed.returncode == 0, installed.stderr

    analysis_json = tmp_path / "analysis.json"
    analysis_json.write_text(analysis_to_json(small_analysis()), encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    demonolith = env_dir / "bin" / "demonolith"
    version = subprocess.run([str(demonolith), "--version"], capture_output=True, text=True,
                             cwd=work, timeout=120, env=outside)
    assert version.returncode == 0 and "demonolith, version" in version.stdout
    report = subprocess.run([str(demonolith), "report", str(analysis_json), "--out", "out"],
                            capture_output=True, text=True, cwd=work, timeout=300, env=outside)
    assert report.returncode == 0, report.stderr
    html = (work / "out" / "report" / "index.html").read_text(encoding="utf-8")
    assert "catalog" in html and "<svg" in html  # templates and static assets came with the wheel
    where = subprocess.run([str(python), "-c", "import reports; print(reports.__file__)"],
                           capture_output=True, text=True, cwd=work, timeout=60, env=outside)
    assert str(env_dir) in where.stdout  # imported from the virtualenv, not from the checkout
