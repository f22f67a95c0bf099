"""``.pre-commit-hooks.yaml``: each hook's entry and default args, run as pre-commit runs them
(the console script from the environment, in the repository's root, no file names)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from demonolith.errors import CrossingsGrew
from tests.demonolith.test_check_cli import PLANTED
from tests.helpers.sample_pipeline import copy_sample

REPO = Path(__file__).resolve().parents[2]


def hooks() -> dict[str, dict[str, Any]]:
    """The hooks of the manifest by id."""
    listed = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(listed, list)
    return {hook["id"]: hook for hook in listed}


def run_hook(hook: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``entry`` + ``args`` with the console script of this environment, from ``cwd``."""
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    script = shutil.which(command[0], path=str(Path(sys.executable).parent))
    assert script is not None, f"{command[0]}: no such console script next to {sys.executable}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([script, *command[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_every_hook_has_what_pre_commit_requires() -> None:
    for hook in hooks().values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["pass_filenames"] is False


def test_the_check_hook_passes_on_the_baseline_and_fails_when_crossings_grow(tmp_path: Path) -> None:
    hook = hooks()["demonolith-check"]
    root = copy_sample(tmp_path)
    analyzed = subprocess.run([sys.executable, "-m", "demonolith", "analyze", ".", "--no-history"], cwd=root,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                              timeout=300)
    assert analyzed.returncode == 0, analyzed.stderr
    passed = run_hook(hook, root)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.startswith("ok: ")
    with (root / "catalog" / "views.py").open("a", encoding="utf-8") as views:
        views.write(PLANTED)
    failed = run_hook(hook, root)
    assert failed.returncode == CrossingsGrew.exit_code, failed.stdout + failed.stderr
    assert "catalog/views.py:" in failed.stdout
