"""Progress on stderr: one line per phase on a terminal (a real pty), nothing on a pipe or with -q."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from demonolith.progress import AFTER_READING, TerminalPhases, running_line

FIXTURES = Path(__file__).parent.parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
COLD = ["listing", "reading", "resolving", "analysis", "graph", "partition", "metrics", "report"]


def on_a_pty(*argv: str, code: int = 0) -> tuple[str, str]:
    """``demonolith ARGV`` with stderr on a pseudo-terminal, exiting ``code``: (stdout, what the
    terminal got)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "demonolith", *argv], stdout=subprocess.PIPE,
                               stderr=slave, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = process.communicate(timeout=120)[0].decode()
    assert process.returncode == code
    return stdout, b"".join(chunks).decode()


def analyze_on_a_pty(tmp_path: Path, *extra: str) -> tuple[str, str]:
    """``demonolith analyze tiny_project`` on a terminal: (stdout, what the terminal got)."""
    return on_a_pty("analyze", str(FIXTURES / "tiny_project"), "--no-history", "--cache-dir",
                    str(tmp_path / "cache"), "--out", str(tmp_path / "out"), *extra)


def kept_lines(terminal: str) -> list[str]:
    """What stays on the terminal: the last redraw of each line."""
    return [line.split("\x1b[K")[-1] for line in terminal.replace("\r\n", "\n").split("\n") if line]


def test_each_phase_leaves_one_line_with_its_counts_on_a_terminal(tmp_path: Path) -> None:
    stdout, terminal = analyze_on_a_pty(tmp_path)
    lines = kept_lines(terminal)
    assert [line.split(":")[0] for line in lines] == COLD, lines
    files = int(stdout.split(" files,")[0])
    assert f"reading 0/{files}, " in terminal  # counted while it runs
    assert re.fullmatch(rf"reading: {files} files \(0 from the cache\), \d+\.\d s", lines[1])
    services = len(stdout.split("service ")[1].split("crossings:")[0].strip().splitlines()) - 1
    assert lines[5].startswith(f"partition: {services} services, ")
    assert re.match(r"graph: \d+ nodes, \d+ edges, ", lines[4])
    assert re.match(r"report: [45] files written, ", lines[7])  # 5 with graphviz's SVG

    _, warm = analyze_on_a_pty(tmp_path)
    lines = kept_lines(warm)
    assert [line.split(":")[0] for line in lines] == ["listing", "reading", "resolving", "analysis", "report"]
    assert f"reading: {files} files ({files} from the cache)" in lines[1]
    assert lines[3].startswith("analysis: unchanged since the last run: reused")
    assert lines[4].startswith("report: unchanged: not rewritten")


def test_check_shows_the_facts_phases_then_its_crossings(tmp_path: Path) -> None:
    analyze_on_a_pty(tmp_path)
    stdout, terminal = on_a_pty("check", str(FIXTURES / "tiny_project"), "--no-cache",
                                "--against", str(tmp_path / "out" / "analysis.json"))
    lines = kept_lines(terminal)
    assert [line.split(":")[0] for line in lines] == ["listing", "reading", "resolving", "crossings"]
    total = stdout.splitlines()[-1].split()[1]  # crossings: N (...)
    assert lines[3].startswith(f"crossings: {total} crossings of the baseline's boundaries, ")


def test_an_error_inside_a_phase_prints_alone_on_its_line(tmp_path: Path) -> None:
    _, terminal = on_a_pty("analyze", str(FIXTURES / "not_django" / "plain_package"), "--no-cache",
                           "--out", str(tmp_path / "out"), code=13)
    assert kept_lines(terminal)[-1].startswith("demonolith: error: ")  # "listing ..." cleared


def test_no_progress_with_quiet_or_on_a_pipe(tmp_path: Path) -> None:
    stdout, terminal = analyze_on_a_pty(tmp_path, "-q")
    assert (stdout, terminal) == ("", "")
    piped = subprocess.run([sys.executable, "-m", "demonolith", "analyze", str(FIXTURES / "tiny_project"),
                            "--no-history", "--no-cache", "--out", str(tmp_path / "piped")],
                           capture_output=True, text=True, timeout=120, cwd=REPO)
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout.splitlines()[0].endswith(" signal receivers")


def test_the_time_left_follows_the_rate_since_the_first_counted_items() -> None:
    now = [0.0]
    stream = io.StringIO()
    phases = TerminalPhases(stream, clock=lambda: now[0])
    phases.begin("resolving", 100)
    now[0] = 3.0  # the workers start: nothing counted yet
    phases.advance(20)  # the rate starts here
    assert stream.getvalue().endswith("resolving 20/100, 3.0 s")  # no rate yet
    now[0] = 4.0
    phases.advance(20)  # 20 a second since the mark
    assert stream.getvalue().endswith("resolving 40/100, 4.0 s, ~3.0 s left")
    now[0] = 4.05
    phases.advance(1)  # redrawn at most ten times a second
    assert stream.getvalue().endswith("~3.0 s left")
    now[0] = 7.0
    phases.end("100 files")
    assert stream.getvalue().endswith("\r\x1b[Kresolving: 100 files, 7.0 s\n")
    assert running_line("resolving", 0, 0, 3.0) == "resolving ..."
    assert running_line("reading", 1, 100, 0.2) == "reading 1/100, 0.2 s"
    assert running_line("reading", 1, 100, 30.0, 50.4) == "reading 1/100, 30.0 s, ~50 s left"


def test_a_weighed_phase_estimates_by_work_and_ignores_what_costs_none() -> None:
    now = [0.0]
    stream = io.StringIO()
    phases = TerminalPhases(stream, clock=lambda: now[0])
    phases.begin("reading", 100, work=1000)
    now[0] = 1.0
    phases.advance(90)  # the cached files: counted, no work, no rate
    now[0] = 2.0
    phases.advance(1, 100)  # the first parsed file: the rate starts here
    now[0] = 3.0
    phases.advance(5, 300)  # 300 bytes a second; 600 left
    # the whole run: 3 s so far + 2 s of reading left + what follows, AFTER_READING of 5 s reading
    whole = 5 + 5 * AFTER_READING
    assert stream.getvalue().endswith(f"reading 96/100, 3.0 s, ~2.0 s left (~{whole:.1f} s in all)")


def test_the_whole_run_estimate_counts_the_phases_before_reading() -> None:
    now = [0.0]
    stream = io.StringIO()
    phases = TerminalPhases(stream, clock=lambda: now[0])
    phases.begin("listing")
    now[0] = 4.0
    phases.end("100 files")
    phases.begin("reading", 100, work=100)
    now[0] = 5.0
    phases.advance(10, 10)
    now[0] = 6.0
    phases.advance(10, 10)  # 10 a second: 8 s of reading left
    whole = 6.0 + 8.0 + (2.0 + 8.0) * AFTER_READING
    assert stream.getvalue().endswith(f"reading 20/100, 2.0 s, ~8.0 s left (~{whole:.0f} s in all)")
