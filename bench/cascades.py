"""Which CASCADE relations are compositional: each rule's share of pairs the truth keeps together.

    .venv/bin/python bench/cascades.py [--work /tmp/truth] [--seeds 1 2 3 4 5]

For every case of ``bench/quality.py`` (same ``--work``, its facts cache reused), every ``fk`` /
``o2o`` between two concrete models of the truth with ``on_delete=CASCADE`` is checked against
candidate rules of "this child is part of its root's aggregate": all of them, the same models
module, names sharing a prefix (``OrderPosition`` -> ``Order``, ``Checkin`` -> ``CheckinList``),
both written directly in one atomic block, a root that is not a hub, and combinations. Printed per
case and in total: ``kept/matched``, the relations a rule matches whose two models the truth puts
in one domain. A rule fit for a hard "never split" must keep all it matches. Not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.boundaries.config import load_config  # noqa: E402
from analyzer.boundaries.entities import hub_scales, is_entity  # noqa: E402
from analyzer.boundaries.projection import canonical_ids  # noqa: E402
from analyzer.graph.build import ProjectGraph, build_graph  # noqa: E402
from analyzer.graph.schema import node_attrs, successors  # noqa: E402
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts  # noqa: E402
from bench.quality import Case, cases  # noqa: E402

Feature = Mapping[str, bool]
RULES: dict[str, Callable[[Feature], bool]] = {
    "cascade": lambda f: True,
    "module": lambda f: f["module"],
    "name": lambda f: f["name"],
    "transaction": lambda f: f["transaction"],
    "root not hub": lambda f: f["not_hub"],
    "module + root not hub": lambda f: f["module"] and f["not_hub"],
    "module + (name | transaction)": lambda f: f["module"] and (f["name"] or f["transaction"]),
    "module + (name | transaction | root not hub)":  # analyzer.boundaries.aggregates.compositional
        lambda f: f["module"] and (f["name"] or f["transaction"] or f["not_hub"]),
}


def project_of(case: Case, work: Path) -> ProjectGraph:
    """The case's project graph, its facts from the quality bench's cache."""
    options = FactsOptions(cache_dir=work / "cache" / case.name, jobs=1)
    facts = extract_keyed_facts(case.path, options).facts
    return build_graph(facts, load_config(case.path).weights)


def written_together(project: ProjectGraph) -> set[tuple[str, str]]:
    """Pairs of units (both orders) written directly in one atomic block."""
    canon, pairs = canonical_ids(project.graph), set()
    for transaction in project.transactions:
        units = sorted({c for w in transaction.writes if w.direct and (c := canon.get(w.table))})
        pairs |= {(a, b) for a in units for b in units if a != b}
    return pairs


def cascade_features(project: ProjectGraph, truth: Mapping[str, str]) -> list[tuple[bool, Feature]]:
    """Per CASCADE relation between two truth models: (same domain, its features)."""
    graph, attrs = project.graph, node_attrs(project.graph)
    scale, together = hub_scales(graph), written_together(project)
    found: list[tuple[bool, Feature]] = []
    for child, targets in successors(graph).items():
        if attrs[child]["kind"] != "model" or not is_entity(attrs[child]):
            continue
        for root, keyed in targets.items():
            if root == child or attrs[root]["kind"] != "model" or not is_entity(attrs[root]):
                continue
            if not any(d["kind"] in ("fk", "o2o") and d.get("on_delete") == "CASCADE"
                       for d in keyed.values()):
                continue
            a, b = str(attrs[child]["label"]), str(attrs[root]["label"])
            if a in truth and b in truth:
                x, y = a.split(".")[-1], b.split(".")[-1]
                found.append((truth[a] == truth[b], {
                    "module": attrs[child]["module"] == attrs[root]["module"],
                    "name": x.startswith(y) or y.startswith(x),
                    "transaction": (child, root) in together,
                    "not_hub": scale.get(root, 1.0) >= 1.0,
                }))
    return found


def main() -> None:
    """Print each rule's kept/matched per case and in total."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/truth"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    args = parser.parse_args()
    total: Counter[tuple[str, bool]] = Counter()
    print("| case | " + " | ".join(RULES) + " |\n|---|" + "---:|" * len(RULES))
    for case in cases(args.work, args.seeds, None):
        counts: Counter[tuple[str, bool]] = Counter()
        for same, features in cascade_features(project_of(case, args.work), case.truth["models"]):
            counts.update((rule, same) for rule, matches in RULES.items() if matches(features))
        total.update(counts)
        print(f"| {case.name} | " + " | ".join(_cell(counts, r) for r in RULES) + " |")
    print("| total | " + " | ".join(_cell(total, r) for r in RULES) + " |")


def _cell(counts: Counter[tuple[str, bool]], rule: str) -> str:
    return f"{counts[(rule, True)]}/{counts[(rule, True)] + counts[(rule, False)]}"


if __name__ == "__main__":
    main()
