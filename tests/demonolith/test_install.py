"""The wheel as a user installs it: built from the tree, installed into a fresh virtualenv
without Django, then next to Django 4.2 and 6.x (the monolith's own environment), running
``demonolith analyze`` on the sample each time. Downloads from the package registry (pip's cache
keeps them), so slow."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sample_pipeline import copy_sample

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("analyzer", "datasync", "demonolith", "extractor", "reports", "strangler_proxy")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".demonolith-cache")


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A command outside this test environment (no PYTHONPATH, no virtualenv of ours)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=900, cwd=cwd,
                          env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this tree, built from a copy of it (the tree gets no build/ directory)."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for package in PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=IGNORED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, source)
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("demonolith-*.whl")
    return found


def venv_with(python: str, wheel: Path, where: Path, *also: str) -> Path:
    """A fresh virtualenv of ``python`` holding the wheel (and ``also``); its bin directory."""
    assert run(python, "-m", "venv", where).returncode == 0
    installed = run(where / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, *also)
    assert installed.returncode == 0, installed.stderr
    assert run(where / "bin" / "python", "-m", "pip", "check").returncode == 0
    return where / "bin"


def analyze_sample(bin_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    root = copy_sample(tmp_path)
    return run(bin_dir / "demonolith", "analyze", root, "--out", tmp_path / "out", "--no-history")


def django_version(bin_dir: Path) -> str:
    done = run(bin_dir / "python", "-c", "import django; print(django.get_version())")
    return done.stdout.strip() if done.returncode == 0 else ""


def test_the_wheel_analyzes_in_an_environment_without_django(wheel: Path, tmp_path: Path) -> None:
    bin_dir = venv_with(sys.executable, wheel, tmp_path / "venv")
    assert django_version(bin_dir) == ""
    done = analyze_sample(bin_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "8 services" in done.stdout and (tmp_path / "out" / "report" / "index.html").is_file()
    refused = run(bin_dir / "demonolith", "extract", "shipping", "--analysis",
                  tmp_path / "out" / "analysis.json", "--out", tmp_path / "services")
    assert refused.returncode == 16 and "pip install 'demonolith[django]'" in refused.stderr


def python_for_django_6() -> str | None:
    """A Python >= 3.12 (Django 6 needs it): the running one, one on PATH, or one under pyenv."""
    if sys.version_info >= (3, 12):
        return sys.executable
    candidates = [shutil.which(f"python3.{minor}") for minor in range(12, 16)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    for candidate in filter(None, candidates):
        if run(candidate, "-c", "import sys; assert sys.version_info >= (3, 12)").returncode == 0:
            return candidate
    return None


@pytest.mark.parametrize(("requirement", "major"), [("django>=4.2,<4.3", "4.2"), ("django>=6,<7", "6.")])
def test_the_wheel_installs_next_to_the_monolith_s_django(wheel: Path, tmp_path: Path, requirement: str,
                                                           major: str) -> None:
    python = sys.executable if major == "4.2" else python_for_django_6()
    if python is None:
        pytest.skip("Django 6 needs Python >= 3.12, and none was found")
    bin_dir = venv_with(python, wheel, tmp_path / "venv", requirement)
    assert django_version(bin_dir).startswith(major)
    done = analyze_sample(bin_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "8 services" in done.stdout
