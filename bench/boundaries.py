"""Benchmark: graph building and partitioning against the cold facts time (not a test).

    .venv/bin/python bench/boundaries.py PATH [--rounds 3]

Each round is a fresh Python process that does what ``demonolith analyze`` does, in its order:
extract the facts cold (no cache), build the graph, propose the boundaries — the partition
(``cluster_units``: shared modules, clustering, refinement, constraints, table owners, folds) then
its description (``describe``: names, services, violations and sagas, interfaces, reasons) — and
times each step (wall and CPU). Printed: each step's best over the rounds; every round's ratio
(graph + partition) / cold facts, the issue's measure (target under 0.20), and the same with the
description included; the peak traced memory of graph + boundaries (a separate traced run:
tracing slows Python down, so it is not timed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# bench/analyzer.py would shadow the analyzer package when this file runs as a script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from analyzer.boundaries.config import Config  # noqa: E402
from analyzer.boundaries.propose import cluster_units, describe, propose_boundaries  # noqa: E402
from analyzer.graph.build import build_graph  # noqa: E402
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts  # noqa: E402
from analyzer.source.discover_config import discover_options  # noqa: E402

T = TypeVar("T")
STEPS = ("cold facts", "graph build", "partition", "description")


@dataclasses.dataclass
class Round:
    """One round's seconds per step (CPU: of this process; 0 for the facts, run by workers)."""

    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)
    summary: str = ""
    peak_mb: float = 0.0


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``step`` once; return its result, wall and CPU seconds (CPU of this process only)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - start, time.process_time() - start_cpu


def one_round(path: Path, traced: bool) -> Round:
    """The pipeline once, in this process; with ``traced``, only the peak memory of its last steps."""
    options = FactsOptions(use_cache=False, discover=discover_options(path))
    facts, cold, _ = timed(lambda: extract_project_facts(path, options))
    if traced:
        tracemalloc.start()
        propose_boundaries(build_graph(facts), Config())
        return Round(peak_mb=tracemalloc.get_traced_memory()[1] / 1e6)
    project, graph_wall, graph_cpu = timed(lambda: build_graph(facts))
    clustering, part_wall, part_cpu = timed(lambda: cluster_units(project, Config()))
    proposal, text_wall, text_cpu = timed(lambda: describe(project, Config(), clustering))
    graph, services = project.graph, proposal.services
    summary = (f"{path}: {facts.files} files, {facts.lines} lines, {len(facts.models)} models; graph "
               f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges; {len(services)} "
               f"services, largest holds {max((len(s.models) for s in services), default=0)}/"
               f"{sum(len(s.models) for s in services)} models")
    return Round([cold, graph_wall, part_wall, text_wall], [0.0, graph_cpu, part_cpu, text_cpu], summary)


def in_fresh_process(path: Path, traced: bool) -> Round:
    """Run :func:`one_round` in a new interpreter (nothing cached or fragmented from a previous one)."""
    command = [sys.executable, __file__, str(path), "--one-round", *(["--traced"] if traced else [])]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return Round(**json.loads(output.splitlines()[-1]))


def main() -> None:
    """Measure one tree: the rounds, then one line per step and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-round", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round:
        print(json.dumps(dataclasses.asdict(one_round(args.path, args.traced))))
        return
    rounds = [in_fresh_process(args.path, traced=False) for _ in range(args.rounds)]
    peak = in_fresh_process(args.path, traced=True).peak_mb
    print(rounds[-1].summary)
    for i, step in enumerate(STEPS):
        cpu = f"  (cpu {min(r.cpu[i] for r in rounds):.2f} s)" if i else ""
        print(f"{step:16} {min(r.wall[i] for r in rounds):7.2f} s{cpu}")
    for label, steps in (("graph+partition", 3), ("with description", 4)):
        ratios = sorted(sum(r.wall[1:steps]) / r.wall[0] for r in rounds)
        print(f"{label:16} ratio to cold facts: median {ratios[len(ratios) // 2]:.2f}, rounds "
              f"{', '.join(f'{x:.2f}' for x in ratios)}" + ("  (target < 0.20)" if steps == 3 else ""))
    print(f"peak traced      {peak:7.1f} MB (graph + boundaries)")


if __name__ == "__main__":
    main()
