"""How often each kind of evidence of the entity graph ties two models of one expert domain.

    .venv/bin/python bench/evidence.py [--work /tmp/truth] [--seeds 1 2 3 4 5]

For every case of ``bench/quality.py`` (same ``--work``, its facts cache reused), over the pairs
of models the truth places: the *relations* (fk, o2o, m2m) between two models of one models
module, of one app but two modules, of two apps (and of those, the ones whose target code of the
referrer's app writes, deletes left out: :func:`analyzer.boundaries.entities.apps_writing`), those
of them that cascade across modules,
those within a module that are ``SET_NULL`` and those from another module into a part of a hub
(:func:`analyzer.boundaries.entities.hub_parts`); the *co-use* pairs of one code unit (tests
and migrations left out, as the analyzer leaves them out), written with written, written with
read (and of those, a hub written with one of its referrers read by code of the hub's app: the
hub's own lookups) and read with read, weighed as :mod:`analyzer.boundaries.entities` weighs them
before hub scaling, deletes counted as writes (the analyzer leaves them out), and of the written
pairs those where the unit only deletes one of the two; the models of one module (and those of
them whose names share a prefix) and of one app; the models written directly in
one atomic block; and the kinds of ``bench/evidence_code.py``, which the entity graph does not use
(the code's layout: main writer modules, URL nouns; the hubs' own ties; models only named).
Printed per case and in total: ``kept/all``, the pairs (co-use: the summed
weight) whose two models the truth puts in one domain. A kind of evidence that mostly ties two
domains should weigh little. Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Mapping
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries import entities  # noqa: E402
from analyzer.boundaries.leaves import follower_units  # noqa: E402
from analyzer.boundaries.projection import canonical_ids  # noqa: E402
from analyzer.graph.build import ProjectGraph  # noqa: E402
from analyzer.graph.schema import RELATION_KINDS, NodeTable, node_attrs, successors  # noqa: E402
from bench import evidence_code  # noqa: E402
from bench.cascades import project_of  # noqa: E402
from bench.quality import cases  # noqa: E402

KINDS = ("relation: module", "relation: app", "relation: apps", "relation: apps, target written by its app",
         "relation: cascade across modules",
         "relation: set null in module", "relation: into a hub's part across modules",
         "co-use: written+written", "co-use: written+read", "co-use: hub written+referrer read",
         "co-use: read+read", "co-use: written+only deleted",
         "same module", "same module, named alike", "same app", "atomic block")
Tally = defaultdict[tuple[str, bool], float]  # (kind, same domain) -> pairs or weight


def relations(project: ProjectGraph, label: Mapping[str, str], truth: Mapping[str, str],
              tally: Tally) -> None:
    """Count each relation between two truth models by where its models are declared."""
    attrs = node_attrs(project.graph)
    parts = entities.hub_parts(project.graph, entities.hub_scales(project.graph))
    canon = canonical_ids(project.graph)
    skip = follower_units(project.graph, [n for n in canon if canon[n] == n])
    writing = entities.apps_writing(attrs, entities.data_used(project.graph, canon, set(label), skip,
                                                              deletes=False)[0])
    for source, targets in successors(project.graph).items():
        if source not in label:
            continue
        for target, keyed in targets.items():
            if target == source or target not in label \
                    or not any(d["kind"] in RELATION_KINDS for d in keyed.values()):
                continue
            same = truth[label[source]] == truth[label[target]]
            a, b = attrs[source], attrs[target]
            where = "module" if a["module"] == b["module"] else "app" if a["app"] == b["app"] else "apps"
            tally[(f"relation: {where}", same)] += 1
            if where == "apps" and a["app"] in writing.get(target, ()):
                tally[("relation: apps, target written by its app", same)] += 1
            if where != "module" and any(d.get("on_delete") == "CASCADE" for d in keyed.values()):
                tally[("relation: cascade across modules", same)] += 1
            if where == "module" and any(d.get("on_delete") == "SET_NULL" for d in keyed.values()):
                tally[("relation: set null in module", same)] += 1
            if where != "module" and target in parts:
                tally[("relation: into a hub's part across modules", same)] += 1


def co_use(project: ProjectGraph, label: Mapping[str, str], truth: Mapping[str, str], tally: Tally) -> None:
    """Sum the co-use weight of the pairs of truth models one code unit touches, by kind."""
    graph, canon = project.graph, canonical_ids(project.graph)
    skip = follower_units(graph, [n for n in canon if canon[n] == n])
    written, read = entities.data_used(graph, canon, set(label), skip)
    kept, _ = entities.data_used(graph, canon, set(label), skip, deletes=False)
    own = entities.own_lookups(node_attrs(graph), entities.referrers(graph), entities.hub_scales(graph))
    for unit in sorted(set(written) | set(read)):
        wrote, touched = written.get(unit, {}), sorted({*written.get(unit, {}), *read.get(unit, {})})
        share = 1.0 / max(1, len(touched) - 1) ** 2
        for a, b in combinations(touched, 2):
            kind, weight = ("written+written", entities.CO_WRITE) if a in wrote and b in wrote else \
                ("written+read", entities.CO_WRITE_READ) if a in wrote or b in wrote else \
                ("read+read", entities.CO_READ)
            tally[(f"co-use: {kind}", truth[label[a]] == truth[label[b]])] += weight * share
            if kind == "written+written" and (a not in kept.get(unit, {})) != (b not in kept.get(unit, {})):
                tally[("co-use: written+only deleted", truth[label[a]] == truth[label[b]])] += weight * share
            one, other = (a, b) if a in wrote else (b, a)
            if kind == "written+read" and own(unit, one, other):
                same = truth[label[a]] == truth[label[b]]
                tally[("co-use: hub written+referrer read", same)] += weight * share


def groups(project: ProjectGraph, label: Mapping[str, str], truth: Mapping[str, str], tally: Tally) -> None:
    """Count the pairs of truth models of one module, of one app, of one atomic block."""
    attrs: NodeTable = node_attrs(project.graph)
    for name in ("same module", "same app"):
        members: dict[str, list[str]] = {}
        for node in sorted(label):
            members.setdefault(attrs[node]["module"] if name == "same module" else attrs[node]["app"],
                               []).append(node)
        for group in members.values():
            for a, b in combinations(group, 2):
                same = truth[label[a]] == truth[label[b]]
                tally[(name, same)] += 1
                if name == "same module" and entities.named_alike(attrs[a], attrs[b]):
                    tally[("same module, named alike", same)] += 1
    pairs = entities.written_together(project.transactions, canonical_ids(project.graph))
    for a, b in sorted(p for p in pairs if p[0] < p[1] and p[0] in label and p[1] in label):
        tally[("atomic block", truth[label[a]] == truth[label[b]])] += 1


def main() -> None:
    """Print each kind's kept/all per case and in total: the entity graph's kinds, then the others."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    args = parser.parse_args()
    tallies: dict[str, Tally] = {}
    for case in cases(args.work, args.seeds, None):
        project, truth = project_of(case, args.work), case.truth["models"]
        attrs = node_attrs(project.graph)
        label = {n: str(a["label"]) for n, a in attrs.items()
                 if a["kind"] == "model" and entities.is_entity(a) and str(a["label"]) in truth}
        tally: Tally = defaultdict(float)
        for count in (relations, co_use, groups, evidence_code.count_all):
            count(project, label, truth, tally)
        tallies[case.name] = tally
    total: Tally = defaultdict(float)
    for tally in tallies.values():
        for key, value in tally.items():
            total[key] += value
    for kinds in (KINDS, evidence_code.KINDS):
        print("| case | " + " | ".join(kinds) + " |\n|---|" + "---:|" * len(kinds))
        for name, tally in [*tallies.items(), ("total", total)]:
            print(f"| {name} | " + " | ".join(_cell(tally, k) for k in kinds) + " |")
        print()


def _cell(tally: Tally, kind: str) -> str:
    kept, every = tally[(kind, True)], tally[(kind, True)] + tally[(kind, False)]
    if kind.startswith("co-use"):
        return f"{kept:.0f}/{every:.0f} ({kept / every:.0%})" if every else "-"
    return f"{kept:.0f}/{every:.0f}" if every else "-"


if __name__ == "__main__":
    main()
