"""Where a cold ``analyze`` spends its time, phase by phase: ``python bench/cold_phases.py PATH``.

On a private copy of PATH, each round a fresh process runs the real CLI in-process
(``demonolith -q analyze TREE --out OUT --cache-dir CACHE -j 2 --no-history``, an empty cache and
output directory) with the phases the analyzer announces (``listing``, ``reading``, ``resolving``,
``graph``, ``partition``, ``metrics``, ``report``) timed as they begin and end: wall seconds, the
main process's CPU seconds, and its workers' CPU (counted once the pool is joined, so it lands in
``reading``). ``imports`` is the time from the process's start to the first phase. Prints the
median of ``--rounds`` rounds per phase and the peak RSS of the main process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_START = time.perf_counter(), time.process_time()
# bench/analyzer.py sits beside this file: keep its directory off sys.path so `analyzer` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


class _Recorder:
    """A :class:`analyzer.progress.Phases` that times each phase."""

    def __init__(self) -> None:
        self.rows: dict[str, list[float]] = {}
        self.phase = ""
        self.mark = self._now()
        wall, cpu = _START
        now = self.mark
        self.rows["imports"] = [now[0] - wall, now[1] - cpu, 0.0]

    @staticmethod
    def _now() -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), _children_cpu()

    def _close(self, name: str) -> None:
        now = self._now()
        spent = [b - a for a, b in zip(self.mark, now, strict=True)]
        previous = self.rows.get(name, [0.0, 0.0, 0.0])
        self.rows[name] = [a + b for a, b in zip(previous, spent, strict=True)]
        self.mark = now

    def begin(self, phase: str, total: int = 0, work: int = 0) -> None:
        self._close(f"({self.phase or 'start'} ->)" if self.phase else "(before listing)")
        self.phase = phase

    def advance(self, count: int = 1, work: int = 0) -> None:
        pass

    def end(self, outcome: str) -> None:
        self._close(self.phase)


def run_round(tree: Path, scratch: Path) -> dict[str, list[float]]:
    """One cold CLI run in this process; seconds (wall, CPU, workers' CPU) per phase."""
    import contextlib

    import demonolith.commands.analyze as command
    from demonolith.cli import main as cli_main

    recorder = _Recorder()

    @contextlib.contextmanager
    def phases(_stream: object, _quiet: bool):  # type: ignore[no-untyped-def]
        yield recorder

    command.terminal_phases = phases  # type: ignore[assignment]
    out, cache = scratch / "out", scratch / "cache"
    args = ["-q", "analyze", str(tree), "--out", str(out), "--cache-dir", str(cache), "-j", "2",
            "--no-history"]
    try:
        cli_main(args)
    finally:
        recorder._close("(after report)")
    recorder.rows["peak MB"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0.0, 0.0]
    return recorder.rows


def main() -> None:
    """Parse arguments; run ``--rounds`` fresh processes and print the median per phase."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round", type=Path, help=argparse.SUPPRESS)  # one round in this process
    args = parser.parse_args()
    if args.round:
        print(json.dumps(run_round(args.path, args.round)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree" / args.path.resolve().name
        shutil.copytree(args.path, tree, symlinks=True)
        rounds = []
        for number in range(args.rounds):
            work = Path(scratch) / f"round{number}"
            done = subprocess.run([sys.executable, __file__, str(tree), "--round", str(work)],
                                  check=True, capture_output=True, text=True)
            rounds.append(json.loads(done.stdout.splitlines()[-1]))
            shutil.rmtree(work)
    print(f"{args.path}: median of {args.rounds} cold rounds; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'phase':<24}{'wall s':>9}{'cpu s':>9}{'workers':>9}")
    for name in rounds[0]:
        values = [[r.get(name, [0.0] * 3)[i] for r in rounds] for i in range(3)]
        wall, cpu, workers = (statistics.median(v) for v in values)
        print(f"{name:<24}{wall:>9.3f}{cpu:>9.3f}{workers:>9.3f}")


if __name__ == "__main__":
    main()
