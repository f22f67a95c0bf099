"""How the models modules mix expert domains, real code against the synthetic (not a test).

    .venv/bin/python bench/model_files.py [--work /tmp/truth] [--seeds 1 2 3 4 5]

For every case of ``bench/quality.py`` (same ``--work``, its facts cache reused), over the
truth's models grouped by the models module that declares them (modules of one truth model left
out): the *strays*, models whose domain is not the most common one of their module, and how many
of them hold or receive a relation (fk, o2o, m2m) from a model of another domain in that module
(a model declared beside what it references, ``CachedTicket`` in pretix's ``models/orders.py``);
then the models related to none of their module's other models, and the mean share of those
others that the truth puts in their domain. In the expert truths nearly every stray is related to
its module and a model related to none of its module still shares its module's domain; a
generator whose strays are neither tests a kind of code the truths do not show.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries.entities import is_entity  # noqa: E402
from analyzer.graph.schema import RELATION_KINDS, node_attrs, successors  # noqa: E402
from bench.cascades import project_of  # noqa: E402
from bench.quality import cases  # noqa: E402


@dataclass(frozen=True)
class Mixing:
    """What one project's models modules hold of other domains (counts over the truth's models)."""

    models: int  # truth models in modules of two or more truth models
    strays: tuple[str, ...]  # models whose domain is not their module's most common one
    unrelated: tuple[str, ...]  # of them, those related to no model of another domain in their module
    isolated: int  # models related to no other model of their module
    isolated_kept: float  # their mean share of module mates of their own domain


def mixing(
    modules: Mapping[str, list[str]], domain: Mapping[str, str], related: Mapping[str, frozenset[str]]
) -> Mixing:
    """The mixing of these modules (module -> its models, sorted) under ``domain`` and the relations."""
    grouped = {m: sorted(ns) for m, ns in sorted(modules.items()) if len(ns) > 1}
    strays: list[str] = []
    unrelated: list[str] = []
    isolated, kept = 0, 0.0
    for members in grouped.values():
        common = min(Counter(domain[n] for n in members).most_common(), key=lambda item: (-item[1], item[0]))[
            0
        ]
        for model in members:
            mates = [o for o in members if o != model]
            if domain[model] != common:
                strays.append(model)
                if not any(domain[o] != domain[model] for o in related.get(model, ()) if o in mates):
                    unrelated.append(model)
            if not set(related.get(model, ())) & set(mates):
                isolated += 1
                kept += sum(domain[o] == domain[model] for o in mates) / len(mates)
    return Mixing(
        sum(map(len, grouped.values())),
        tuple(strays),
        tuple(unrelated),
        isolated,
        kept / isolated if isolated else 1.0,
    )


def main() -> None:
    """Print each case's strays and isolated models."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    args = parser.parse_args()
    print(
        "| case | models | strays | related to their module | related to no module mate | "
        "their mates of their domain | strays unrelated |\n|---|---:|---:|---:|---:|---:|---|"
    )
    for case in cases(args.work, args.seeds, None):
        graph = project_of(case, args.work).graph
        attrs, truth = node_attrs(graph), case.truth["models"]
        label = {
            n: str(a["label"])
            for n, a in attrs.items()
            if a["kind"] == "model" and is_entity(a) and str(a["label"]) in truth
        }
        related: dict[str, set[str]] = defaultdict(set)
        for source, targets in successors(graph).items():
            for target, keyed in targets.items():
                if (
                    source in label
                    and target in label
                    and source != target
                    and any(d["kind"] in RELATION_KINDS for d in keyed.values())
                ):
                    related[label[source]].add(label[target])
                    related[label[target]].add(label[source])
        modules: dict[str, list[str]] = defaultdict(list)
        for node, name in label.items():
            modules[attrs[node]["module"]].append(name)
        found = mixing(
            modules, {label[n]: truth[label[n]] for n in label}, {m: frozenset(r) for m, r in related.items()}
        )
        print(
            f"| {case.name} | {found.models} | {len(found.strays)} | "
            f"{len(found.strays) - len(found.unrelated)} | {found.isolated} | {found.isolated_kept:.2f} | "
            f"{', '.join(found.unrelated) or '-'} |"
        )


if __name__ == "__main__":
    main()
