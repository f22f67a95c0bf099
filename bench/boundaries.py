"""Benchmark: graph building and partitioning against the cold facts time (not a test).

    .venv/bin/python bench/boundaries.py PATH

Prints the cold facts time (no cache), then graph building and boundary proposal times (each the
best of three runs) and peak traced memory, and the ratio (graph + partition) / cold facts;
target under 0.20.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# bench/analyzer.py would shadow the analyzer package when this file runs as a script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from analyzer.boundaries import propose_boundaries  # noqa: E402
from analyzer.config import Config  # noqa: E402
from analyzer.discover_config import discover_options  # noqa: E402
from analyzer.graph import build_graph  # noqa: E402
from analyzer.pipeline import FactsOptions, extract_project_facts  # noqa: E402

T = TypeVar("T")


REPEATS = 3  # each step's time is the best of this many runs: the machine is shared


def best_of(step: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``step`` REPEATS times; return its last result, its fastest wall and CPU times.

    The CPU time of this process is the steadier figure on a shared machine for the
    single-process steps (graph, boundaries); the cold facts step runs worker processes.
    """
    times, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = step()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return result, min(times), min(cpu)


def main(path: Path) -> None:
    """Measure one tree and print one line per step."""
    options = FactsOptions(use_cache=False, discover=discover_options(path))
    facts, cold, _ = best_of(lambda: extract_project_facts(path, options))
    project, graph_time, graph_cpu = best_of(lambda: build_graph(facts))
    proposal, partition_time, partition_cpu = best_of(lambda: propose_boundaries(project, Config()))
    tracemalloc.start()  # a second, traced run: tracing slows Python down, so it is not timed
    propose_boundaries(build_graph(facts), Config())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    graph = project.graph
    largest = max((len(s.models) for s in proposal.services), default=0)
    placed = sum(len(s.models) for s in proposal.services)
    print(f"{path}: {facts.files} files, {facts.lines} lines, {len(facts.models)} models")
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"cold facts      {cold:8.2f} s")
    print(f"graph build     {graph_time:8.2f} s  (cpu {graph_cpu:.2f} s)")
    print(f"boundaries      {partition_time:8.2f} s  (cpu {partition_cpu:.2f} s; {len(proposal.services)} "
          f"services, largest holds {largest}/{placed} models)")
    print(f"ratio           {(graph_time + partition_time) / cold:8.2f}  (target < 0.20; "
          f"with cpu times {(graph_cpu + partition_cpu) / cold:.2f})")
    print(f"peak traced     {peak / 1e6:8.1f} MB (graph + boundaries)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
