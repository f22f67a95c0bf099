"""Boundary quality over several Louvain seeds, in process (not a test).

    .venv/bin/python bench/quality_seeds.py [--work /tmp/truth] [--seeds 1 2 3 4 5]
        [--louvain-seeds 42 1 2 3 4 5 6 7] [--truth-count] [--only NAME]

For every case of ``bench/quality.py`` (same ``--work``: run it once first, its facts cache is
reused), the graph is built from the cached facts as ``demonolith analyze`` builds it and
``propose_boundaries`` runs once per Louvain seed (``Config.seed``; the CLI's is 42), with the
automatic service count or, with ``--truth-count``, the truth's number of domains. Printed per
case: the ARI of each seed's proposal against the truth, their mean, and the mean pairs kept.
A change of the evidence moves one seed's partition of a large project between a few nearby
optima (pretix: +-0.03 ARI with any small change); the mean over seeds is the steadier measure.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries.config import load_config  # noqa: E402
from analyzer.boundaries.propose import propose_boundaries  # noqa: E402
from analyzer.graph.build import ProjectGraph, build_graph  # noqa: E402
from analyzer.graph.framework_tables import annotate_tables  # noqa: E402
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts  # noqa: E402
from analyzer.source.discover_config import discover_options  # noqa: E402
from bench import scores  # noqa: E402
from bench.quality import Case, cases  # noqa: E402


def project_of(case: Case, work: Path) -> ProjectGraph:
    """The case's graph as ``analyze`` builds it (tables annotated), from the bench's facts cache."""
    options = FactsOptions(cache_dir=work / "cache" / case.name, jobs=1,
                           discover=discover_options(case.path), require_django=True)
    facts = extract_keyed_facts(case.path, options).facts
    project = build_graph(facts, load_config(case.path).weights)
    annotate_tables(project.graph, facts.models)
    return project


def scored(case: Case, project: ProjectGraph, seed: int, truth_count: bool) -> tuple[float, int, int]:
    """ARI, must-together and must-apart pairs kept of the proposal under one Louvain seed."""
    truth: dict[str, str] = case.truth["models"]
    config = replace(load_config(case.path), seed=seed)
    proposal = propose_boundaries(project, config, len(set(truth.values())) if truth_count else None)
    service = {m: s.name for s in proposal.services for m in s.models}
    placed = {m: service[m] for m in sorted(truth) if m in service}
    together = [(p["a"], p["b"]) for p in case.truth.get("must_together", [])]
    apart = [(p["a"], p["b"]) for p in case.truth.get("must_apart", [])]
    return (scores.adjusted_rand_index(placed, truth), scores.pairs_kept(placed, together, True),
            scores.pairs_kept(placed, apart, False))


def main() -> None:
    """Print each case's ARI per Louvain seed and the means."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5], help="synthetic seeds")
    parser.add_argument("--louvain-seeds", type=int, nargs="*", default=[42, 1, 2, 3, 4, 5, 6, 7])
    parser.add_argument("--truth-count", action="store_true", help="as many services as the truth's domains")
    parser.add_argument("--only", help="one case by name (pretix, synthetic-3, ...)")
    args = parser.parse_args()
    seeds = args.louvain_seeds
    print("| case | " + " | ".join(f"seed {s}" for s in seeds) + " | mean ARI | together | apart |")
    print("|---|" + "---:|" * (len(seeds) + 3))
    for case in cases(args.work, args.seeds, args.only):
        project = project_of(case, args.work)
        runs = [scored(case, project, seed, args.truth_count) for seed in seeds]
        aris = " | ".join(f"{ari:.3f}" for ari, _, _ in runs)
        mean = [sum(run[i] for run in runs) / len(runs) for i in range(3)]
        print(f"| {case.name} | {aris} | {mean[0]:.3f} | {mean[1]:.1f} | {mean[2]:.1f} |")


if __name__ == "__main__":
    main()
