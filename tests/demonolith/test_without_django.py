"""Without Django installed: analyze, check, report, contracts and routes work; extract and demo
say in one line which extra installs it (exit 16). Django is hidden from a real subprocess
(``sys.modules["django"] = None``: every import of it fails, ``find_spec`` finds nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demonolith.errors import MissingDependency
from tests.helpers.sample_pipeline import copy_sample

REPO = Path(__file__).resolve().parents[2]
HIDDEN = ("import sys; sys.modules['django'] = None; sys.argv[0] = 'demonolith'; "
          "from demonolith.cli import main; main(sys.argv[1:])")


def without_django(*argv: str) -> subprocess.CompletedProcess[str]:
    """``demonolith ARGV`` in a process where Django cannot be imported."""
    return subprocess.run([sys.executable, "-c", HIDDEN, *argv], capture_output=True, text=True,
                          timeout=300, cwd=REPO)


def test_the_analysis_commands_need_no_django(tmp_path: Path) -> None:
    root, out = copy_sample(tmp_path), tmp_path / "out"
    analyzed = without_django("analyze", str(root), "--out", str(out), "--no-history")
    assert analyzed.returncode == 0, analyzed.stderr
    assert "8 services" in analyzed.stdout and (out / "report" / "index.html").is_file()
    baseline = str(out / "analysis.json")
    for argv in (["check", str(root), "--against", baseline],
                 ["report", baseline, "--out", str(tmp_path / "again")],
                 ["contracts", baseline, "--out", str(tmp_path / ".importlinter")]):
        done = without_django(*argv)
        assert done.returncode == 0, (argv, done.stderr)


def test_extract_and_demo_name_the_extra_in_one_line(tmp_path: Path) -> None:
    for argv in (["extract", "shipping", "--analysis", str(tmp_path / "analysis.json"),
                  "--out", str(tmp_path / "services")], ["demo"]):
        done = without_django(*argv)
        assert done.returncode == MissingDependency.exit_code == 16, done.stderr
        assert done.stderr.count("\n") == 1 and "pip install 'demonolith[django]'" in done.stderr
        assert done.stderr.startswith(f"demonolith: error: {argv[0]} needs Django, ")
    assert not (tmp_path / "services").exists()  # refused before anything is written
