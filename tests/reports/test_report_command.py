"""`demonolith report ANALYSIS_JSON --out DIR`, run as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.model.analysis import analysis_to_json
from tests.helpers.small_analysis import small_analysis


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", "report", *args], capture_output=True,
                          text=True, timeout=60, env=env, check=False)


@pytest.fixture()
def analysis_json(tmp_path: Path) -> Path:
    path = tmp_path / "analysis.json"
    path.write_text(analysis_to_json(small_analysis()), encoding="utf-8")
    return path


def test_report_writes_html_markdown_and_dot(tmp_path: Path, analysis_json: Path) -> None:
    out = tmp_path / "out"
    proc = run(str(analysis_json), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    index = out / "report" / "index.html"
    assert proc.stdout.strip().endswith(str(index))
    assert "svc-orders" in index.read_text(encoding="utf-8")
    assert (out / "report.md").read_text(encoding="utf-8").startswith("## demonolith: shop")
    assert (out / "graph.dot").read_text(encoding="utf-8").startswith("digraph services {")
    if shutil.which("dot"):
        assert (out / "report" / "service-map.svg").read_text(encoding="utf-8").startswith("<svg")


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, analysis_json: Path) -> None:
    for name in ("a", "b"):
        assert run(str(analysis_json), "--out", str(tmp_path / name)).returncode == 0
    for output in ("report/index.html", "report.md", "graph.dot"):
        assert (tmp_path / "a" / output).read_bytes() == (tmp_path / "b" / output).read_bytes()


def test_without_graphviz_the_report_still_renders(tmp_path: Path, analysis_json: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # python, but no `dot`
    proc = run(str(analysis_json), "--out", str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "graphviz `dot` not found" in proc.stderr
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert 'class="dot"' in html and "sudo apt-get install graphviz" in html
    assert not (tmp_path / "report" / "service-map.svg").exists()


def test_a_broken_analysis_file_is_one_line_and_exit_5(tmp_path: Path) -> None:
    bad = tmp_path / "analysis.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = run(str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode == 5
    assert proc.stderr.strip().count("\n") == 0 and "not valid JSON" in proc.stderr
    missing = run(str(tmp_path / "nope.json"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 5 and "cannot read" in missing.stderr


def test_a_custom_cloud_mapping_is_used_and_checked(tmp_path: Path, analysis_json: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "reports" / "cloud_mapping.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(shipped.read_text(encoding="utf-8").replace("Google Cloud Run", "My Run"),
                    encoding="utf-8")
    assert run(str(analysis_json), "--out", str(tmp_path / "o"), "--cloud-mapping", str(mine)).returncode == 0
    assert "My Run" in (tmp_path / "o" / "report" / "index.html").read_text(encoding="utf-8")
    mine.write_text("[gateway]\naws = 1\n", encoding="utf-8")
    proc = run(str(analysis_json), "--out", str(tmp_path / "o"), "--cloud-mapping", str(mine))
    assert proc.returncode == 3 and "[gateway]" in proc.stderr


def test_the_cyclic_collector_is_paused_while_the_report_is_written(
        tmp_path: Path, analysis_json: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from click.testing import CliRunner

    from demonolith.cli import cli
    from reports.writing import write_all

    seen: list[bool] = []

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return write_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("demonolith.commands.report.write_all", recording)
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["report", str(analysis_json), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()
