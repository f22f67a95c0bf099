"""Whether the entity graph or the optimiser is at fault: the truth's modularity beside the chosen one's.

    .venv/bin/python bench/partition_ceiling.py [--work /tmp/truth] [--seeds 1 2 3 4 5] [--only NAME]
        [--models]

For every case of ``bench/quality.py`` (same ``--work``, its facts cache reused), the entity graph
is built as ``analyze`` builds it (:func:`analyzer.boundaries.propose.cluster_units`' inputs:
shared modules, hubs and followers left out of co-use, their atomic blocks dropped) and
partitioned with the CLI's seed. Printed per case: the modularity of the chosen partition and of
the truth's (models the truth leaves out keep their chosen cluster); when the truth scores lower,
a better optimiser cannot find it: the evidence must change. Then, per family of ties, its weight
and the share of it inside the truth's domains and inside the chosen clusters: a family whose
weight lies inside the chosen clusters far more than inside the truth's is what puts models in
the wrong service. A family's weight is the entity graph's minus the graph's without it (its
weights, or :mod:`analyzer.boundaries.entities`' factors, set to 0). With ``--models``, each model
placed away from most of its domain, with its ties to its domain and to its service, by family.
Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries import entities  # noqa: E402
from analyzer.boundaries.config import Config, load_config  # noqa: E402
from analyzer.boundaries.leaves import follower_units  # noqa: E402
from analyzer.boundaries.partition import choose_partition, modularity_of  # noqa: E402
from analyzer.boundaries.projection import canonical_ids, unit_projection  # noqa: E402
from analyzer.boundaries.shared import find_hubs, shared_candidates  # noqa: E402
from analyzer.boundaries.unit_edges import UnitEdges  # noqa: E402
from analyzer.graph.build import ProjectGraph  # noqa: E402
from analyzer.graph.schema import node_attrs  # noqa: E402
from bench.quality import Case, cases  # noqa: E402
from bench.quality_seeds import project_of  # noqa: E402

# family -> the weights and the entities factors set to 0 to leave it out ("same module" is the
# module weight's ties less the names', which scale with it)
FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "relations": (("fk", "m2m", "o2o"), ()),
    "co-use": ((), ("CO_WRITE", "CO_WRITE_READ", "CO_READ")),
    "same module": (("same-module",), ()),
    "named alike": ((), ("NAME_SHARE",)),
    "same app": ((), ("APP_FACTOR",)),
    "atomic block": ((), ("TRANSACTION_SHARE",)),
}
Ties = dict[tuple[str, str], float]


@contextmanager
def _zeroed(factors: tuple[str, ...]) -> Iterator[None]:
    """Set these factors of :mod:`analyzer.boundaries.entities` to 0 for the block."""
    saved = {name: getattr(entities, name) for name in factors}
    try:
        for name in factors:
            setattr(entities, name, 0.0)
        yield
    finally:
        for name, value in saved.items():
            setattr(entities, name, value)


def entity_graph(project: ProjectGraph, config: Config) -> Callable[[Mapping[str, float]], UnitEdges]:
    """A function of the weights giving the entity graph ``cluster_units`` clusters."""
    graph, canon = project.graph, canonical_ids(project.graph)
    shared = shared_candidates(graph)
    units = unit_projection(graph, (n for s in shared for n in s.nodes), config.weights["contains"],
                            project.transactions, config.weights["transaction"], config.weights["same-app"],
                            config.weights["same-module"], canon)
    skip = frozenset((*find_hubs(graph, units.ties()), *follower_units(graph, units.nodes)))
    transactions = [t for t in project.transactions if t.unit not in skip]
    placed = set(units.nodes)

    def build(weights: Mapping[str, float]) -> UnitEdges:
        edges = entities.entity_edges(graph, canon, weights, transactions, skip)
        return edges.within([n for n in edges.nodes if n in placed])
    return build


def family_ties(build: Callable[[Mapping[str, float]], UnitEdges],
                weights: Mapping[str, float]) -> dict[str, Ties]:
    """Each family's ties: the full graph's minus the graph's without that family."""
    full = _ties(build(weights))
    found: dict[str, Ties] = {}
    for family, (kinds, factors) in FAMILIES.items():
        with _zeroed(factors):
            without = _ties(build(MappingProxyType(dict(weights) | dict.fromkeys(kinds, 0.0))))
        found[family] = {p: w - without.get(p, 0.0) for p, w in full.items()}
    found["same module"] = {p: w - found["named alike"][p] for p, w in found["same module"].items()}
    return {f: {p: w for p, w in ties.items() if w > 1e-9} for f, ties in found.items()}


def _ties(edges: UnitEdges) -> Ties:
    return {(a, b) if a <= b else (b, a): w for a, b, w in edges.edges}


def report(case: Case, work: Path, models: bool) -> None:
    """Print the case's modularities, the families' shares and, with ``models``, the misplaced models."""
    project = project_of(case, work)
    config = load_config(case.path)
    build = entity_graph(project, config)
    graph = build(config.weights)
    chosen = {u: i for i, c in enumerate(choose_partition(graph, dict.fromkeys(graph.nodes, True), None,
                                                          config.seed).clusters) for u in c}
    attrs = node_attrs(project.graph)
    label = {n: str(attrs[n].get("label", n)) for n in graph.nodes}
    truth: dict[str, str] = case.truth["models"]
    domain = {n: truth.get(label[n], f"chosen {chosen[n]}") for n in graph.nodes}
    number = {d: i for i, d in enumerate(sorted(set(domain.values())))}
    truthful = {n: number[domain[n]] for n in graph.nodes}
    print(f"{case.name}: modularity chosen {modularity_of(graph, chosen):.4f} ({len(set(chosen.values()))} "
          f"clusters), truth {modularity_of(graph, truthful):.4f} ({len(set(truthful.values()))})")
    families = family_ties(build, config.weights)
    for family, ties in families.items():
        total = sum(ties.values()) or 1.0
        inside_truth = sum(w for (a, b), w in ties.items() if truthful[a] == truthful[b]) / total
        inside_chosen = sum(w for (a, b), w in ties.items() if chosen[a] == chosen[b]) / total
        print(f"    {family:13s} weight {sum(ties.values()):8.2f}  inside the truth's domains "
              f"{inside_truth:4.0%}  inside the chosen clusters {inside_chosen:4.0%}")
    if models:
        _misplaced(graph, chosen, domain, label, truth, families)


def _misplaced(graph: UnitEdges, chosen: Mapping[str, int], domain: Mapping[str, str],
               label: Mapping[str, str], truth: Mapping[str, str], families: Mapping[str, Ties]) -> None:
    """Each truth model away from most of its domain or in a service most of whose models are of
    another domain, with its ties by family to its domain's models and to its service's others."""
    home = {d: Counter(chosen[n] for n in graph.nodes if domain[n] == d).most_common(1)[0][0]
            for d in set(domain.values())}
    major = {c: Counter(domain[n] for n in graph.nodes if chosen[n] == c).most_common(1)[0][0]
             for c in set(chosen.values())}
    for node in graph.nodes:
        at_home = chosen[node] == home[domain[node]] and major[chosen[node]] == domain[node]
        if label[node] not in truth or at_home:
            continue
        mates = [n for n in graph.nodes if n != node and domain[n] == domain[node]]
        others = [n for n in graph.nodes if chosen[n] == chosen[node] and domain[n] != domain[node]]
        print(f"    {label[node]} [{domain[node]}] with {', '.join(sorted(label[n] for n in others))}")
        for name, group in (("its domain", mates), ("its service", others)):
            sums = {f: sum(t.get((node, m) if node <= m else (m, node), 0.0) for m in group)
                    for f, t in families.items()}
            print(f"        to {name}: " + (", ".join(f"{f} {w:.2f}" for f, w in sums.items() if w) or "-"))


def main() -> None:
    """Print each case's ceiling."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5], help="synthetic seeds")
    parser.add_argument("--only", help="one case by name (pretix, synthetic-3, ...)")
    parser.add_argument("--models", action="store_true", help="the models placed away from their domain")
    args = parser.parse_args()
    for case in cases(args.work, args.seeds, args.only):
        report(case, args.work, args.models)


if __name__ == "__main__":
    main()
