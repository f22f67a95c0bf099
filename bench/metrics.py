"""Benchmark: CPU time of the metrics stage, ``compare_with_baselines`` (not a test).

    .venv/bin/python bench/metrics.py PATH [--repeat 7]

Extracts the facts cold (no cache), builds the graph and proposes the boundaries once, then
measures the proposal beside its two baselines ``--repeat`` times in this process and prints the
best CPU time, with the proposal's modularity (equal before and after a change that must not
change behaviour). Run two versions on ``PYTHONPATH`` one after the other to compare them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# bench/analyzer.py would shadow the analyzer package when this file runs as a script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import analyzer  # noqa: E402
from analyzer.boundaries.config import load_config  # noqa: E402
from analyzer.boundaries.propose import propose_boundaries  # noqa: E402
from analyzer.graph.build import build_graph  # noqa: E402
from analyzer.metrics.baselines import compare_with_baselines  # noqa: E402
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts  # noqa: E402


def main() -> None:
    """Print the best CPU time of ``compare_with_baselines`` on the tree given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    project = build_graph(extract_project_facts(args.path, FactsOptions(use_cache=False, jobs=2)))
    proposal = propose_boundaries(project, load_config(args.path))
    best, modularity = float("inf"), 0.0
    for _ in range(args.repeat):
        start = time.process_time()
        metrics = compare_with_baselines(project.graph, proposal.partition(), proposal.table_owner())
        best, modularity = min(best, time.process_time() - start), metrics.proposal.modularity
    print(f"{Path(analyzer.__file__).parent}: metrics CPU best of {args.repeat}: {best * 1000:.0f} ms "
          f"(proposal modularity {modularity})")


if __name__ == "__main__":
    main()
