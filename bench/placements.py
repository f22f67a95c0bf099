"""What the proposal puts with whom, model by model, against the truth (not a test).

    .venv/bin/python bench/placements.py [--work /tmp/truth] [--seeds 1 2 3 4 5] [--only NAME]
        [--louvain-seed 42] [--ties 6]

For every case of ``bench/quality.py`` (same ``--work``, its facts cache reused), the proposal of
one Louvain seed (as ``bench/quality_seeds.py`` makes it): each service with the truth's models it
holds and their domains, a model marked ``<-`` when its domain is not the one most of the
service's models have; then, for each marked model, its strongest ties in the entity graph
(:func:`analyzer.boundaries.entities.entity_edges`) with the other
model's domain and service. The evidence behind each tie: ``bench/evidence.py``. Last, for each
domain spread over several services, what each of its parts away from the domain's home (the
service holding most of it among those where it is the most common domain; else a service of its
own) costs: the ARI if that part were placed at home, minus the ARI as it is.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries.config import load_config  # noqa: E402
from analyzer.boundaries.entities import entity_edges, is_entity  # noqa: E402
from analyzer.boundaries.leaves import follower_units  # noqa: E402
from analyzer.boundaries.projection import canonical_ids  # noqa: E402
from analyzer.boundaries.propose import propose_boundaries  # noqa: E402
from analyzer.graph.build import ProjectGraph  # noqa: E402
from analyzer.graph.schema import node_attrs  # noqa: E402
from bench import scores  # noqa: E402
from bench.quality import Case, cases  # noqa: E402
from bench.quality_seeds import project_of  # noqa: E402


def services_of(case: Case, project: ProjectGraph, seed: int) -> dict[str, str]:
    """The truth's models -> the service the proposal of this Louvain seed puts them in."""
    proposal = propose_boundaries(project, replace(load_config(case.path), seed=seed))
    service = {m: s.name for s in proposal.services for m in s.models}
    return {m: service.get(m, "?") for m in sorted(case.truth["models"])}


def misplaced(service: Mapping[str, str], truth: Mapping[str, str]) -> list[str]:
    """The models whose domain is not their service's most common one, printing each service."""
    members: dict[str, list[str]] = defaultdict(list)
    for model, name in service.items():
        members[name].append(model)
    found = []
    for name in sorted(members):
        common = Counter(truth[m] for m in members[name]).most_common(1)[0][0]
        print(f"  [{name}] ({common})")
        for model in members[name]:
            off = truth[model] != common
            found += [model] if off else []
            print(f"      {model} ({truth[model]}){'  <- ' + truth[model] if off else ''}")
    return found


def strongest_ties(case: Case, project: ProjectGraph, models: list[str],
                   count: int) -> dict[str, list[tuple[str, float]]]:
    """Each model (label) -> its ``count`` strongest ties in the entity graph (labels, weights); the
    code of tests and seeders left out, as ``bench/evidence.py`` leaves it."""
    graph, canon = project.graph, canonical_ids(project.graph)
    attrs = node_attrs(graph)
    skip = follower_units(graph, [n for n in canon if canon[n] == n])
    ties = entity_edges(graph, canon, load_config(case.path).weights, project.transactions, skip).ties()
    label = {n: str(a.get("label") or n) for n, a in attrs.items() if is_entity(a)}
    node = {v: k for k, v in label.items()}
    found = {}
    for model in models:
        near = {label.get(other, other): w for other, w in ties.get(node.get(model, ""), {}).items()
                if other != node.get(model)}
        found[model] = sorted(near.items(), key=lambda item: (-item[1], item[0]))[:count]
    return found


def majority(service: Mapping[str, str], truth: Mapping[str, str]) -> dict[str, str]:
    """Service -> its most common domain (ties by name)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for model, name in service.items():
        counts[name][truth[model]] += 1
    return {name: min(c, key=lambda d: (-c[d], d)) for name, c in sorted(counts.items())}


Gain = tuple[float, str, str, tuple[str, ...]]  # ARI gain, domain, service, models


def part_gains(service: Mapping[str, str], truth: Mapping[str, str]) -> list[Gain]:
    """For each part of a domain away from its home: (ARI gain if placed at home, domain, service,
    its models), the largest gain first."""
    common = majority(service, truth)
    parts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for model in sorted(service):
        parts[(truth[model], service[model])].append(model)
    before = scores.adjusted_rand_index(dict(service), dict(truth))
    found = []
    for domain in sorted({d for d, _ in parts}):
        held = {name: len(ms) for (d, name), ms in parts.items() if d == domain and common[name] == domain}
        home = min(held, key=lambda name: (-held[name], name)) if held else f"(a service of {domain})"
        for (d, name), models in sorted(parts.items()):
            if d == domain and name != home:
                moved = dict(service) | dict.fromkeys(models, home)
                gain = scores.adjusted_rand_index(moved, dict(truth)) - before
                found.append((gain, domain, name, tuple(models)))
    return sorted(found, key=lambda item: (-item[0], item[1], item[2]))


def main() -> None:
    """Print each case's services against the truth and the ties of the models placed apart."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5], help="synthetic seeds")
    parser.add_argument("--only", help="one case by name (pretix, synthetic-3, ...)")
    parser.add_argument("--louvain-seed", type=int, default=42)
    parser.add_argument("--ties", type=int, default=6, help="ties shown per misplaced model")
    args = parser.parse_args()
    for case in cases(args.work, args.seeds, args.only):
        project, truth = project_of(case, args.work), case.truth["models"]
        service = services_of(case, project, args.louvain_seed)
        print(f"{case.name} (Louvain seed {args.louvain_seed}): {len(set(service.values()))} services")
        off = misplaced(service, truth)
        for model, near in strongest_ties(case, project, off, args.ties).items():
            print(f"  {model} ({truth[model]}, in {service[model]}):")
            for other, weight in near:
                print(f"      {weight:6.2f} {other} ({truth.get(other, '-')}, in {service.get(other, '-')})")
        print("  parts of a domain away from its home, the ARI gain if placed there:")
        for gain, domain, name, models in part_gains(service, truth):
            print(f"      {gain:+.3f} {domain} in {name}: {', '.join(models)}")


if __name__ == "__main__":
    main()
