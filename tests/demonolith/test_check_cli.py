"""`demonolith check`: the ratchet passes on the analysed sample and fails on a planted crossing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from demonolith import cli
from demonolith.commands.check import MIN_MODULES_FOUND, _summary, baseline_modules
from demonolith.errors import BaselineMismatch, CrossingsGrew
from tests.helpers.sample_pipeline import copy_sample, write_analysis

PLANTED = '''

from orders.models import Order as PlantedOrder


def planted_cleanup():
    """Deletes another service's rows: a foreign write the ratchet must catch."""
    PlantedOrder.objects.filter(pk=0).delete()
'''


def test_check_passes_on_unchanged_code_and_fails_on_a_planted_foreign_write(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    analysis, baseline = write_analysis(root, tmp_path / "out")
    owner = {label: s.name for s in analysis.services for label in s.models}
    assert owner["catalog.Product"] != owner["orders.Order"]  # precondition of the plant

    unchanged = CliRunner().invoke(cli.cli, ["check", str(root), "--against", str(baseline)])
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.output.startswith("ok: ")

    with (root / "catalog" / "views.py").open("a", encoding="utf-8") as views:
        views.write(PLANTED)
    planted = CliRunner().invoke(cli.cli, ["check", str(root), "--against", str(baseline), "--json"])
    assert planted.exit_code == CrossingsGrew.exit_code == 11, planted.output
    verdict = json.loads(planted.output)
    assert verdict["ok"] is False and verdict["current"] > verdict["baseline"]
    kinds = {(c["kind"], c["path"]) for c in verdict["new"]}
    assert ("foreign-write", "catalog/views.py") in kinds
    assert all(c["path"] == "catalog/views.py" for c in verdict["new"])


def test_check_reports_a_bad_baseline_as_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "analysis.json"
    bad.write_text("{}")
    proc = subprocess.run([sys.executable, "-m", "demonolith", "check", str(tmp_path), "--against", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert proc.stderr.startswith("demonolith: error: ") and "schema_version" in proc.stderr
    assert proc.stderr.count("\n") == 1


def _check_in_process(path: Path, baseline: Path, capsys: pytest.CaptureFixture[str],
                      *extra: str) -> tuple[int, str, str]:
    """``demonolith check`` through the console script's main: (exit code, stdout, stderr)."""
    code = 0
    try:
        cli.main(["check", str(path), "--against", str(baseline), "--no-cache", *extra])
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_refuses_a_tree_that_is_not_the_baseline_s_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_sample(tmp_path)
    analysis, baseline = write_analysis(root, tmp_path / "out")
    capsys.readouterr()
    modules = baseline_modules(analysis)

    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = _check_in_process(empty, baseline, capsys)
    assert code == BaselineMismatch.exit_code == 12
    assert out == "" and err.count("\n") == 1 and err.startswith("demonolith: error: ")
    assert f"0 of its {len(modules)} modules found" in err

    # One app of the project, as when CI is pointed at a sub-folder: under half the modules.
    part = tmp_path / "part"
    part.mkdir()
    shutil.copytree(root / "catalog", part / "catalog")
    found = {m for m in modules if m.split(".")[0] == "catalog"}
    assert 0 < len(found) < MIN_MODULES_FOUND * len(modules)  # precondition
    code, _, err = _check_in_process(part, baseline, capsys)
    assert code == 12 and f"{len(found)} of its {len(modules)} modules found" in err

    # The project less one small app is still the project: checked, not refused.
    shutil.rmtree(root / "notifications")
    code, out, err = _check_in_process(root, baseline, capsys)
    assert code == 0, err
    assert out.startswith("ok: ")

    # -q after the subcommand: nothing printed when the check passes.
    code, out, err = _check_in_process(root, baseline, capsys, "-q")
    assert (code, out, err) == (0, "", "")


def test_check_help_documents_its_exit_codes() -> None:
    help_text = CliRunner().invoke(cli.cli, ["check", "--help"]).output
    for code in (0, CrossingsGrew.exit_code, BaselineMismatch.exit_code):
        assert f"\n    {code} " in help_text, help_text


def test_check_summary_plurals() -> None:
    from analyzer.ci.ratchet import Crossing, RatchetResult

    one = Crossing("foreign-write", "a", ("b",), "x", "a/views.py", 3)
    assert _summary(RatchetResult(baseline=1, current=1, new=(), fixed=()))[0] == (
        "ok: 1 crossing (baseline 1), none new")
    assert _summary(RatchetResult(baseline=0, current=1, new=(one,), fixed=()))[0].startswith(
        "FAILED: 1 new crossing of the proposed boundaries (1 now, baseline 0")
