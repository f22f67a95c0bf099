"""Evidence the entity graph does not use, for ``bench/evidence.py``: the code's layout and the hubs.

Counted over the pairs of models a truth places, as ``bench/evidence.py`` counts its kinds:

- *main writer module*: the code module whose units write a model most (``delete()`` left out,
  tests and migrations too, as the entity graph leaves them out; ties by name). Two models of one
  models module with one main writer module, or with two; two models of two models modules with
  one main writer module;
- *URL noun*: the first fixed segment after a parameter of a route (``/control/event/<o>/<e>/orders/...``
  -> ``orders``), of the routes whose views use a model (written, else read at half the weight);
  two models with one main noun;
- *hubs* (:func:`analyzer.boundaries.entities.hubs`): a relation from a hub to a model of another
  models module, a hub written with another model by one code unit (co-use weight, before
  scaling), a hub written with another model in one atomic block;
- *named only*: two models a code unit names (a ``call`` edge: constructed, its constants or
  exceptions, ``model = X`` of a generic view) without reading or writing either (each pair of a
  unit naming ``k`` models weighs ``1 / (k - 1) ** 2``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping
from itertools import combinations

from analyzer.boundaries import entities
from analyzer.boundaries.leaves import follower_units
from analyzer.boundaries.projection import canonical_ids
from analyzer.graph.build import ProjectGraph
from analyzer.graph.schema import RELATION_KINDS, node_attrs, successors

KINDS = (
    "same module, one main writer module",
    "same module, two main writer modules",
    "two modules, one main writer module",
    "one main URL noun",
    "relation: from a hub across modules",
    "co-use: hub written with another",
    "atomic block with a hub",
    "co-use: named only",
)
Tally = defaultdict[tuple[str, bool], float]
_PARAMETER = re.compile(r"[<>(){}\[\]\\?$^*+|]")


def route_noun(pattern: str) -> str | None:
    """The first fixed segment after a parameter segment of a route pattern, or None."""
    after = False
    for segment in (s for s in pattern.split("/") if s):
        if _PARAMETER.search(segment):
            after = True
        elif after:
            return segment
    return None


def main_of(weights: Mapping[str, float]) -> str | None:
    """The key of the largest weight (ties by name), None when there is none."""
    return min(weights, key=lambda key: (-weights[key], key)) if weights else None


def count_all(
    project: ProjectGraph, label: Mapping[str, str], truth: Mapping[str, str], tally: Tally
) -> None:
    """Count every kind of this module for one case."""
    graph, canon = project.graph, canonical_ids(project.graph)
    skip = follower_units(graph, [n for n in canon if canon[n] == n])
    members = {n for n, a in node_attrs(graph).items() if entities.is_entity(a) and canon.get(n) == n}
    written, read = entities.data_used(graph, canon, members, skip, deletes=False)
    domain = {node: truth[name] for node, name in label.items()}
    _writer_modules(project, written, domain, tally)
    _url_nouns(project, canon, written, read, domain, tally)
    _hub_ties(project, written, read, domain, tally)
    _named_only(project, canon, skip, members, written, read, domain, tally)


def _writer_modules(
    project: ProjectGraph, written: entities.Uses, domain: Mapping[str, str], tally: Tally
) -> None:
    attrs = node_attrs(project.graph)
    by_module: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for unit, used in written.items():
        for entity, weight in used.items():
            by_module[entity][attrs[unit]["module"]] += weight
    main = {n: main_of(by_module[n]) for n in domain if n in by_module}
    for a, b in combinations(sorted(main), 2):
        same, one_file = domain[a] == domain[b], attrs[a]["module"] == attrs[b]["module"]
        if one_file:
            mains = "one main writer module" if main[a] == main[b] else "two main writer modules"
            tally[(f"same module, {mains}", same)] += 1
        elif main[a] == main[b]:
            tally[("two modules, one main writer module", same)] += 1


def _url_nouns(
    project: ProjectGraph,
    canon: Mapping[str, str | None],
    written: entities.Uses,
    read: entities.Uses,
    domain: Mapping[str, str],
    tally: Tally,
) -> None:
    attrs = node_attrs(project.graph)
    nouns: dict[str, set[str]] = defaultdict(set)
    for route, targets in successors(project.graph).items():
        noun = route_noun(str(attrs[route].get("pattern", ""))) if attrs[route]["kind"] == "route" else None
        if noun is None:
            continue
        for view, keyed in targets.items():
            if (unit := canon.get(view)) and any(d["kind"] == "route-view" for d in keyed.values()):
                nouns[unit].add(noun)
    score: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for unit, found in sorted(nouns.items()):
        uses = {e: 0.5 * w for e, w in read.get(unit, {}).items()} | written.get(unit, {})
        for entity, weight in uses.items():
            for noun in found:
                score[entity][noun] += weight / len(found)
    main = {n: main_of(score[n]) for n in domain if n in score}
    for a, b in combinations(sorted(main), 2):
        if main[a] == main[b]:
            tally[("one main URL noun", domain[a] == domain[b])] += 1


def _hub_ties(
    project: ProjectGraph,
    written: entities.Uses,
    read: entities.Uses,
    domain: Mapping[str, str],
    tally: Tally,
) -> None:
    graph, attrs = project.graph, node_attrs(project.graph)
    hubs = set(entities.hubs(graph))
    for hub in sorted(hubs & set(domain)):
        for target, keyed in successors(graph)[hub].items():
            if (
                target in domain
                and target != hub
                and attrs[target]["module"] != attrs[hub]["module"]
                and any(d["kind"] in RELATION_KINDS for d in keyed.values())
            ):
                tally[("relation: from a hub across modules", domain[hub] == domain[target])] += 1
    for unit in sorted(written):
        touched = sorted({*written[unit], *read.get(unit, {})})
        share = 1.0 / max(1, len(touched) - 1) ** 2
        for a, b in combinations([t for t in touched if t in domain], 2):
            if a in written[unit] and b in written[unit] and (a in hubs or b in hubs):
                tally[("co-use: hub written with another", domain[a] == domain[b])] += (
                    entities.CO_WRITE * share
                )
    canon = canonical_ids(graph)
    for a, b in sorted(p for p in entities.written_together(project.transactions, canon) if p[0] < p[1]):
        if a in domain and b in domain and (a in hubs or b in hubs):
            tally[("atomic block with a hub", domain[a] == domain[b])] += 1


def _named_only(
    project: ProjectGraph,
    canon: Mapping[str, str | None],
    skip: Collection[str],
    members: set[str],
    written: entities.Uses,
    read: entities.Uses,
    domain: Mapping[str, str],
    tally: Tally,
) -> None:
    named: dict[str, set[str]] = defaultdict(set)
    for source, targets in successors(project.graph).items():
        unit = canon.get(source)
        if unit is None or unit in members or unit in skip:
            continue
        for target, keyed in targets.items():
            entity = canon.get(target)
            if entity is not None and entity in members and any(d["kind"] == "call" for d in keyed.values()):
                named[unit].add(entity)
    for unit, found in sorted(named.items()):
        only = sorted(e for e in found - set(written.get(unit, {})) - set(read.get(unit, {})) if e in domain)
        share = 1.0 / max(1, len(only) - 1) ** 2
        for a, b in combinations(only, 2):
            tally[("co-use: named only", domain[a] == domain[b])] += share
