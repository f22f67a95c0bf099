"""``demonolith analyze``: through CliRunner, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.model import SCHEMA_VERSION
from demonolith.cli import cli
from demonolith.errors import StrictModeFailure
from demonolith.output import plural

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_facts_only_writes_facts_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", str(FIXTURES / "tiny_project"), "--facts-only", "--no-cache",
              "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "7 models, 4 routes" in result.output
    document = json.loads((tmp_path / "facts.json").read_text())
    assert len(document["models"]) == 7


def test_facts_json_only_when_asked(tmp_path: Path) -> None:
    tree = str(FIXTURES / "tiny_project")
    plain = CliRunner().invoke(cli, ["analyze", tree, "--no-cache", "--out", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "plain" / "analysis.json").is_file()
    assert not (tmp_path / "plain" / "facts.json").exists() and "facts:" not in plain.output
    asked = CliRunner().invoke(cli, ["analyze", tree, "--no-cache", "--write-facts",
                                     "--out", str(tmp_path / "asked")])
    assert asked.exit_code == 0, asked.output
    assert (tmp_path / "asked" / "analysis.json").is_file()
    assert len(json.loads((tmp_path / "asked" / "facts.json").read_text())["models"]) == 7
    assert "facts: " in asked.output


def test_bad_input_exits_zero_with_one_line_per_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["-v", "analyze", str(FIXTURES / "bad_input"), "--no-cache", "--facts-only",
              "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert "python2.py:3: syntax error" in result.output
    assert "7 warnings" in result.output


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", str(FIXTURES / "bad_input"), "--no-cache", "--strict",
              "--out", str(tmp_path)])
    assert isinstance(result.exception, StrictModeFailure)
    assert result.exception.exit_code == 6


def test_real_process_with_cache_dir_and_missing_path(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "demonolith", "analyze", str(FIXTURES / "bad_input"),
               "--cache-dir", str(tmp_path / "cache"), "--jobs", "2", "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "7 warnings" in done.stderr
    assert (tmp_path / "cache").is_dir() and (tmp_path / "analysis.json").is_file()
    assert not (tmp_path / "facts.json").exists()  # written only when asked
    missing = subprocess.run([sys.executable, "-m", "demonolith", "analyze", str(tmp_path / "nope")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 4 and "Traceback" not in missing.stderr


def test_unchanged_analysis_leaves_the_report_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["analyze", str(FIXTURES / "tiny_project"), "--no-history", "--cache-dir", str(tmp_path / "c"),
            "--out", str(out)]
    first = CliRunner().invoke(cli, argv)
    assert first.exit_code == 0, first.output
    written = {p: p.stat().st_mtime_ns for p in (out / "analysis.json", out / "report" / "index.html")}
    again = CliRunner().invoke(cli, argv)
    assert again.exit_code == 0 and again.output == first.output
    assert {p: p.stat().st_mtime_ns for p in written} == written
    (out / "report.md").unlink()
    assert CliRunner().invoke(cli, argv).exit_code == 0
    assert (out / "report.md").is_file()  # a file gone from the outputs: all written again
    before = (out / "analysis.json").read_text()
    assert CliRunner().invoke(cli, [*argv, "--services", "1"]).exit_code == 0
    assert (out / "analysis.json").read_text() != before


@pytest.mark.parametrize("fixture", ["bad_input", "tiny_project"])
def test_json_format_prints_the_summary_alone_with_the_numbers_of_the_text(tmp_path: Path,
                                                                           fixture: str) -> None:
    tree = str(FIXTURES / fixture)
    argv = [sys.executable, "-m", "demonolith", "analyze", tree, "--no-cache"]
    text = subprocess.run([*argv, "--out", str(tmp_path / "t")], capture_output=True, text=True, timeout=120)
    done = subprocess.run([*argv, "--out", str(tmp_path / "j"), "--format", "json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    document = json.loads(done.stdout)  # stdout holds the document and nothing else
    facts, analysis = document["facts"], document["analysis"]
    first = text.stdout.splitlines()[0]
    assert first.startswith(f"{plural(facts['files'], 'file')}, {plural(facts['lines'], 'line')}: "
                            f"{plural(facts['models'], 'model')}, {plural(facts['routes'], 'route')}")
    if fixture == "bad_input":
        assert len(facts["warnings"]) == 7
        assert {"path", "line", "code", "message"} <= set(facts["warnings"][0])
    else:
        assert analysis["crossings"]["by_kind"]["cross-service-use"] > 0
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(analysis["crossings"]["by_kind"].items())) or "none"
    assert f"crossings: {analysis['crossings']['total']} ({kinds})" in text.stdout.splitlines()
    assert [s["name"] for s in analysis["services"]] == [
        line.split()[0] for line in text.stdout.splitlines()[3:3 + len(analysis["services"])]]
    assert all(Path(p).is_file() for p in document["outputs"].values() if p)
    assert document["outputs"]["facts"] is None and document["outputs"]["analysis"].endswith("analysis.json")


def test_json_format_with_facts_only_has_no_analysis(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(FIXTURES / "tiny_project"), "--facts-only", "--no-cache",
                                      "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["analysis"] is None and document["facts"]["models"] == 7
    assert document["outputs"]["facts"] == str(tmp_path / "facts.json")


def test_models_placed_differently_from_the_reference_reach_the_json_and_the_reports(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent.parent / "sample_monolith"
    text = (sample / "reference_decomposition.toml").read_text()
    moved = text.replace('"catalog.Tag" = "catalog"', '"catalog.Tag" = "orders"')
    assert moved != text
    reference = tmp_path / "reference.toml"
    reference.write_text(moved)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(sample), "--no-cache", "--no-history",
                                      "--reference", str(reference), "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text())
    assert document["schema_version"] == SCHEMA_VERSION
    differences = document["reference_differences"]
    assert [d["model"] for d in differences] == ["catalog.Tag"]
    tag = differences[0]
    assert tag["reference"] == "orders" and tag["service"] != tag["expected"]
    assert "1 model placed differently" in (out / "report.md").read_text()
    html = (out / "report" / "index.html").read_text()
    assert 'id="reference-differences"' in html and "<code>catalog.Tag</code>" in html


def test_the_count_is_explained_with_its_curve_and_services_is_honoured(tmp_path: Path) -> None:
    tree = str(FIXTURES / "tiny_project")
    argv = ["analyze", tree, "--no-cache", "--no-history"]
    automatic = CliRunner().invoke(cli, [*argv, "--out", str(tmp_path / "auto")])
    assert automatic.exit_code == 0, automatic.output
    reason = json.loads((tmp_path / "auto" / "analysis.json").read_text())["count_reason"]
    assert "within 0.0005 of" in reason and "; score by count 1: -0.500, 2: " in reason
    assert reason in automatic.output
    automatic_models = _models_by_service(tmp_path / "auto")
    assert len(automatic_models) == 2
    for services in (1, 3):
        out = tmp_path / str(services)
        asked = CliRunner().invoke(cli, [*argv, "--services", str(services), "--out", str(out)])
        assert asked.exit_code == 0, asked.output
        document = json.loads((out / "analysis.json").read_text())
        assert len(document["services"]) == services
        assert document["count_reason"].startswith(f"{services} services as requested: the automatic "
                                                   "partition's 2 with ")
        # one boundary moved: fewer services are unions of the automatic ones, more are parts of one
        models = _models_by_service(out)
        finer, coarser = (automatic_models, models) if services < 2 else (models, automatic_models)
        assert all(any(small <= big for big in coarser) for small in finer)


def _models_by_service(out: Path) -> list[set[str]]:
    document = json.loads((out / "analysis.json").read_text())
    return [set(s["models"]) for s in document["services"] if s["models"]]


def test_the_cyclic_collector_is_paused_for_the_whole_run_and_restored(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from reports.writing import write_all

    seen: list[bool] = []

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())  # the report, the last step of the run
        return write_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("reports.writing.write_all", recording)
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["analyze", str(FIXTURES / "tiny_project"), "--no-cache",
                                      "--no-history", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()


def test_the_pictures_are_drawn_while_the_metrics_are_made(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.svg
    from tests.reports.fakes import fake_renderer

    out = tmp_path / "out"
    drawn: list[str] = []  # when each picture was drawn: before or after analysis.json existed

    def graphviz(executable: str) -> reports.svg.SvgRenderer:
        def render(dot: str) -> str:
            drawn.append("after" if (out / "analysis.json").exists() else "before")
            return fake_renderer(dot)
        return render

    monkeypatch.setattr(reports.svg, "graphviz_renderer", graphviz)
    monkeypatch.setattr(reports.svg.shutil, "which", lambda name: sys.executable)  # a "dot" to stat
    arguments = ["analyze", str(FIXTURES / "tiny_project"), "--no-history", "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert drawn and set(drawn) == {"before"}  # the report found every one drawn
    assert (out / "report" / "service-map.svg").read_text(encoding="utf-8").count("fake ") == 1


def test_a_run_whose_outputs_are_current_imports_no_renderer(tmp_path: Path) -> None:
    from tests.demonolith.test_cli import imported_modules

    command = [sys.executable, "-X", "importtime", "-m", "demonolith", "-q", "analyze",
               str(FIXTURES / "tiny_project"), "--out", str(tmp_path / "out"),
               "--cache-dir", str(tmp_path / "cache"), "--no-history"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "reports.writing" in imported_modules(first.stderr)  # the report was written
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    heavy = {"jinja2", "networkx", "sqlglot", "libcst", "reports.writing", "reports.html", "reports.markdown"}
    assert heavy & imported_modules(again.stderr) == set()
