"""Analyzer throughput: ``python bench/analyzer.py PATH``.

On a private copy of PATH (a package directory), in one run, each phase in its own fresh process
(so peak memory is the phase's own): the floor (``ast.parse`` of every Python file, one process),
grimp's import graph of the same package (``grimp.build_graph(name, cache_dir=None)``, the second
reference), demonolith cold (empty cache), warm (full cache) and after touching one file (the
largest). Prints files/s, lines/s, the ratio to the floor, CPU seconds (user + system, the process
and its workers: less sensitive to other load than wall time) and peak RSS (the process and its
workers). Times exclude interpreter start-up and imports; ``--repeat`` takes the best of N.
Then graph building and partitioning against the cold facts time, by ``bench/boundaries.py``
(``--repeat`` rounds, each a fresh process running cold facts -> graph -> partition).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = ("floor", "grimp", "cold", "warm", "touched")
# This file is named analyzer.py: keep its directory off sys.path so `analyzer` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


def run_phase(phase: str, root: Path, cache: Path) -> dict[str, float]:
    """Run one phase in this process; return seconds, files, lines and peak RSS in MB."""
    from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
    from analyzer.source.discover import discover

    files = [f for f in discover(root).files if f.kind == "python"]
    if phase == "cold":
        shutil.rmtree(cache, ignore_errors=True)
    if phase == "touched":
        target = root / max(files, key=lambda f: f.size).path
        target.write_text(target.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    if phase == "grimp":
        import grimp  # noqa: F401  (imported before the clock starts, as the others are)
    before = _cpu_seconds()
    start = time.perf_counter()
    if phase == "grimp":
        count, lines = _grimp(root)
    elif phase == "floor":
        lines = 0
        for source in files:
            data = (root / source.path).read_bytes()
            lines += data.count(b"\n")
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse(data)
        count = len(files)
    else:
        facts = extract_project_facts(root, FactsOptions(cache_dir=cache))
        count, lines = facts.files, facts.lines
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - before
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "cpu": cpu, "files": count, "lines": lines,
            "peak_mb": (own + children) / 1024}


def _cpu_seconds() -> float:
    """User + system CPU time of this process, its threads and its waited-for children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _grimp(root: Path) -> tuple[int, int]:
    """Build grimp's import graph of the package at ``root`` (its parent put on sys.path)."""
    import grimp

    sys.path.insert(0, str(root.parent))
    graph = grimp.build_graph(root.name, cache_dir=None)
    return len(graph.modules), 0


def measure(phase: str, root: Path, cache: Path, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` fresh processes running ``phase``."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        command = [sys.executable, __file__, "--phase", phase, "--cache", str(cache), str(root)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        result = json.loads(done.stdout)
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def main() -> None:
    """Parse arguments; run all phases on a copy of PATH and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.path, args.cache)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "src" / args.path.resolve().name  # importable for grimp
        shutil.copytree(args.path, root, symlinks=True)
        cache = Path(scratch) / "cache"
        results = {}
        for phase in PHASES:
            results[phase] = measure(phase, root, cache, 1 if phase == "cold" else args.repeat)
            if phase == "cold":  # best of N cold runs: each starts from an empty cache
                for _ in range(args.repeat - 1):
                    again = measure("cold", root, cache, 1)
                    if again["seconds"] < results["cold"]["seconds"]:
                        results["cold"] = again
        print_table(results)
        print("\ngraph and partition (bench/boundaries.py):", flush=True)
        boundaries = Path(__file__).with_name("boundaries.py")
        subprocess.run([sys.executable, str(boundaries), str(root), "--rounds", str(args.repeat)],
                       check=True)


def print_table(results: dict[str, dict[str, float]]) -> None:
    """One line per phase."""
    floor = results["floor"]["seconds"]
    lines = results["floor"]["lines"]
    print(f"{int(results['floor']['files'])} files, {int(lines)} lines")
    print(f"{'phase':<9}{'seconds':>9}{'files/s':>10}{'lines/s':>11}{'x floor':>9}"
          f"{'cpu s':>8}{'peak MB':>9}")
    for phase, r in results.items():
        seconds = r["seconds"]
        print(f"{phase:<9}{seconds:>9.3f}{r['files'] / seconds:>10.0f}{lines / seconds:>11.0f}"
              f"{seconds / floor:>9.3f}{r['cpu']:>8.2f}{r['peak_mb']:>9.0f}")


if __name__ == "__main__":
    main()
