"""Wrong input fails fast through the real CLI: one line on stderr, its exit code, nothing in
--out (and, for a bad configuration, not even the facts cache: no file was read)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _analyze(path: Path, tmp_path: Path) -> tuple[int, list[str]]:
    command = [sys.executable, "-m", "demonolith", "analyze", str(path), "--out", str(tmp_path / "out"),
               "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert not (tmp_path / "out").exists(), "nothing may be written to --out"
    return done.returncode, done.stderr.splitlines()


@pytest.mark.parametrize("tree", ["plain_package", "non_django_models"])
def test_not_a_django_project(tree: str, tmp_path: Path) -> None:
    path = FIXTURES / "not_django" / tree
    code, stderr = _analyze(path, tmp_path)
    assert (code, stderr) == (13, [f"demonolith: error: not a Django project: no settings module "
                                   f"and no models under {path}"])


def test_an_empty_tree(tmp_path: Path) -> None:
    (tmp_path / "empty" / "docs").mkdir(parents=True)
    code, stderr = _analyze(tmp_path / "empty", tmp_path)
    assert (code, stderr) == (4, [f"demonolith: error: {tmp_path / 'empty'}: nothing to analyse: "
                                  "no Python or SQL files under it"])


@pytest.mark.parametrize(("tree", "where", "says"), [
    ("unknown_key", "demonolith.toml:3", "servise: unknown key"),
    ("bad_value", "pyproject.toml:6", "exclude: expected a list"),
    ("bad_toml", "demonolith.toml:3", "cannot read the configuration"),
])
def test_a_bad_config_before_any_file_is_read(tree: str, where: str, says: str, tmp_path: Path) -> None:
    path = FIXTURES / "bad_config" / tree
    code, stderr = _analyze(path, tmp_path)
    assert code == 3 and len(stderr) == 1, stderr
    assert stderr[0].startswith(f"demonolith: error: {path / where}: ") and says in stderr[0]
    assert not (tmp_path / "cache").exists(), "the configuration is checked before any file is read"
