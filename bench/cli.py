"""The whole ``demonolith`` CLI, phase by phase: ``python bench/cli.py PATH [--repeat N]``.

On a private copy of PATH, each run a fresh process as a user would start it
(``demonolith -q analyze TREE --out OUT --cache-dir CACHE -j 2 --no-history``), interpreter
start-up and imports included:

* ``floor``: ``ast.parse`` of every Python file of the tree (``bench/analyzer.py --phase floor``);
* ``cold``: an empty cache and output directory;
* ``warm``: nothing changed since the last run;
* ``comment``: a comment in the largest file changed within its line (no fact changes: the
  middle and the report are reused, only the facts of that file are read again);
* ``edit``: one line appended to the largest file (its facts change: its line count);
* ``check``: ``demonolith -q check TREE --against OUT/analysis.json --cache-dir CACHE``, warm;
* ``help``: ``demonolith --help``.

Prints wall seconds (best of ``--repeat``), the ratio to the floor, CPU seconds of the process and
its workers (user + system: steadier than wall time on a shared machine) and the CLI process's
peak RSS, then the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ANALYZER_BENCH = Path(__file__).with_name("analyzer.py")


@dataclass(frozen=True)
class Run:
    """One timed process."""

    seconds: float
    cpu: float
    peak_mb: float


def timed(command: list[str]) -> Run:
    """Run ``command`` to completion; its wall time, CPU time (with its children) and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command], check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        peak_kb = int(report.read().split()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, peak_kb / 1024)


def best(runs: list[Run]) -> Run:
    """The fastest of ``runs``."""
    return min(runs, key=lambda r: r.seconds)


def largest_python_file(root: Path) -> Path:
    """The biggest ``.py`` file of the tree (the one the edits touch)."""
    return max(root.rglob("*.py"), key=lambda p: p.stat().st_size)


def change_a_comment(path: Path, stamp: int) -> None:
    """Rewrite the text of the first full-line comment of ``path`` (its line count unchanged)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if re.match(r"\s*# ", line):
            lines[number] = f"{line.rstrip()} (bench {stamp})\n"
            break
    else:
        raise SystemExit(f"{path}: no comment line to change")
    path.write_text("".join(lines), encoding="utf-8")


def append_a_line(path: Path, stamp: int) -> None:
    """Append one comment line to ``path``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text.rstrip(chr(10))}\n# touched {stamp}\n", encoding="utf-8")


def measure_all(root: Path, scratch: Path, repeat: int, check: bool = True) -> dict[str, Run]:
    """Every phase on the tree at ``root``; ``scratch`` holds the cache and the outputs."""
    demonolith = [sys.executable, "-m", "demonolith", "-q"]
    out, cache = scratch / "out", scratch / "cache"
    analyze = [*demonolith, "analyze", str(root), "--out", str(out), "--cache-dir", str(cache),
               "-j", "2", "--no-history"]
    target = largest_python_file(root)
    results: dict[str, Run] = {"floor": _floor(root, repeat)}
    cold = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed(analyze))
    results["cold"] = best(cold)
    results["warm"] = best([timed(analyze) for _ in range(repeat)])
    comment, edit = [], []
    for stamp in range(repeat):
        change_a_comment(target, stamp)
        comment.append(timed(analyze))
        append_a_line(target, stamp)
        edit.append(timed(analyze))
    results["comment"], results["edit"] = best(comment), best(edit)
    if check:
        command = [*demonolith, "check", str(root), "--against", str(out / "analysis.json"),
                   "--cache-dir", str(cache)]
        timed(command)  # fills the check's own cache entry
        results["check"] = best([timed(command) for _ in range(repeat)])
    results["help"] = best([timed([sys.executable, "-m", "demonolith", "--help"]) for _ in range(repeat)])
    return results


def _floor(root: Path, repeat: int) -> Run:
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, str(ANALYZER_BENCH), "--phase", "floor", "--cache",
                               "/nonexistent", str(root)], check=True, capture_output=True, text=True)
        result = json.loads(done.stdout)
        runs.append(Run(result["seconds"], result["cpu"], result["peak_mb"]))
    return best(runs)


def print_table(results: dict[str, Run]) -> None:
    """One line per phase."""
    floor = results["floor"].seconds
    print(f"{'phase':<9}{'seconds':>9}{'x floor':>9}{'cpu s':>8}{'peak MB':>9}")
    for phase, run in results.items():
        print(f"{phase:<9}{run.seconds:>9.3f}{run.seconds / floor:>9.3f}{run.cpu:>8.2f}{run.peak_mb:>9.0f}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    """Parse arguments; measure every phase on a copy of PATH and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-check", action="store_true",
                        help="skip check (a demonolith whose check has no --cache-dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "tree" / args.path.resolve().name
        shutil.copytree(args.path, root, symlinks=True)
        print(f"{args.path} ({sum(1 for _ in root.rglob('*.py'))} .py files); "
              f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print_table(measure_all(root, Path(scratch), args.repeat, check=not args.no_check))


if __name__ == "__main__":
    main()
