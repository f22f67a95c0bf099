"""`demonolith contracts`: exported contracts run with the real lint-imports on the sample monolith."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from demonolith import cli
from demonolith.errors import UsageError
from tests.helpers.sample_pipeline import copy_sample, write_analysis

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path, config: str) -> subprocess.CompletedProcess[str]:
    """Run import-linter in the monolith's directory, where its apps are top-level packages."""
    return subprocess.run([str(LINT_IMPORTS), "--config", config, "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=180)


def plant_crossing(root: Path, config_text: str, toml: bool) -> str:
    """Add a new module inside one service's package importing another service; return its name."""
    if toml:
        contracts = tomllib.loads(config_text)["tool"]["importlinter"]["contracts"]
        pairs = [(c["source_modules"], c["forbidden_modules"]) for c in contracts]
    else:
        pairs = []
        for block in config_text.split("[importlinter:contract:")[1:]:
            lists = {key: block.split(f"{key} =\n")[1].split("\n")
                     for key in ("source_modules", "forbidden_modules")}
            pairs.append(tuple([line.strip() for line in lists[key] if line.startswith("    ")]
                               for key in ("source_modules", "forbidden_modules")))
    for sources, forbidden in pairs:
        packages = [s for s in sources if (root / s.replace(".", "/")).is_dir()]
        if packages:
            (root / packages[0].replace(".", "/") / "planted.py").write_text(f"import {forbidden[0]}\n")
            return f"{packages[0]}.planted -> {forbidden[0]}"
    raise AssertionError("no service owns a whole package")


@pytest.mark.parametrize("fmt", ["ini", "toml"])
def test_contracts_pass_on_the_sample_and_fail_on_a_planted_import(tmp_path: Path, fmt: str) -> None:
    root = copy_sample(tmp_path)
    _, baseline = write_analysis(root, tmp_path / "out")
    config = ".importlinter" if fmt == "ini" else "contracts.toml"
    result = CliRunner().invoke(cli.cli, ["contracts", str(baseline), "--format", fmt,
                                          "--out", str(root / config)])
    assert result.exit_code == 0, result.output
    text = (root / config).read_text()
    assert "forbidden" in text

    kept = lint(root, config)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert " 0 broken" in kept.stdout

    planted = plant_crossing(root, text, toml=fmt == "toml")
    broken = lint(root, config)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert planted in broken.stdout
    assert "1 broken" in broken.stdout


def test_output_is_deterministic_and_goes_to_stdout(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    _, baseline = write_analysis(root, tmp_path / "out")
    first = CliRunner().invoke(cli.cli, ["contracts", str(baseline)])
    second = CliRunner().invoke(cli.cli, ["contracts", str(baseline)])
    assert first.exit_code == 0 and first.stdout == second.stdout
    assert first.stdout.startswith("[importlinter]\nroot_packages =\n")


def test_a_moved_tree_needs_source(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    _, baseline = write_analysis(root, tmp_path / "out")
    moved = tmp_path / "moved"
    root.rename(moved)
    missing = CliRunner().invoke(cli.cli, ["contracts", str(baseline)])
    assert isinstance(missing.exception, UsageError) and missing.exception.exit_code == 2
    assert "--source" in str(missing.exception)
    found = CliRunner().invoke(cli.cli, ["contracts", str(baseline), "--source", str(moved)])
    assert found.exit_code == 0, found.output
