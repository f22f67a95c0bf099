"""The boundary ratchet behind ``demonolith check``: fail only when crossings grow.

A *crossing* (:mod:`analyzer.model.crossings`, the count ``analyze`` prints too) is a boundary
violation or a use of one service's unit from another (``cross-service-use``). Crossings are
compared by what crosses, not where nor between which services: the key is ``(kind, subject)``
(``orders.Order.customer -> customers.Customer``, or the unit used across), so moving code never
counts as new, nor does a unit the re-run places a little differently. For every key, the
current count may not exceed the baseline's; the extra ones are reported as new, with
``path:line``, preferring the places the baseline did not know.

:func:`placement_from` maps the units of a freshly built graph to the services of a baseline
Analysis (units by name, then by module, then by app), so the same violation finder runs again.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.boundaries.config import Config, load_config
from analyzer.graph.schema import NodeAttrs, node_attrs, out_edges
from analyzer.model.analysis import Analysis
from analyzer.model.crossings import (
    USE_KIND,
    Crossing,
    Key,
    analysis_crossings,
    count_by_kind,
    crossings,
)
from analyzer.model.wording import plural
from analyzer.progress import NoPhases, Phases
from analyzer.project_facts.pipeline import FactsOptions, extract_keyed_facts
from analyzer.source.discover_config import discover_options

if TYPE_CHECKING:  # the graph's stages (and networkx) are imported only when the crossings are found again
    import networkx as nx

    from analyzer.model.facts import ProjectFacts

__all__ = ["USE_KIND", "Crossing", "RatchetResult", "baseline_crossings", "compare_crossings",
           "crossings", "current_crossings", "found_again", "placement_from", "result_to_json"]


@dataclass(frozen=True)
class RatchetResult:
    """Baseline against current: the crossings that are new and those that went away."""

    baseline: int
    current: int
    new: tuple[Crossing, ...]
    fixed: tuple[Crossing, ...]
    current_kinds: tuple[tuple[str, int], ...] = ()  # (kind, count) of the current crossings

    @property
    def ok(self) -> bool:
        """True when no crossing was added."""
        return not self.new


def _by_key(items: Iterable[Crossing]) -> dict[Key, list[Crossing]]:
    groups: dict[Key, list[Crossing]] = defaultdict(list)
    for item in items:
        groups[item.key()].append(item)
    return groups


def _surplus(mine: list[Crossing], theirs: list[Crossing]) -> list[Crossing]:
    """The ``len(mine) - len(theirs)`` items of ``mine``, those at places ``theirs`` lacks first."""
    extra = len(mine) - len(theirs)
    if extra <= 0:
        return []
    places = {(c.path, c.line) for c in theirs}
    ranked = sorted(mine, key=lambda c: ((c.path, c.line) in places, c.path, c.line))
    return sorted(ranked[:extra], key=lambda c: (c.path, c.line, c.key()))


def compare_crossings(baseline: Iterable[Crossing], current: Iterable[Crossing]) -> RatchetResult:
    """Compare two sets of crossings key by key; growth anywhere is new, shrinkage is fixed."""
    before, after = _by_key(baseline), _by_key(current)
    new, fixed = [], []
    for key in sorted(set(before) | set(after)):
        new += _surplus(after.get(key, []), before.get(key, []))
        fixed += _surplus(before.get(key, []), after.get(key, []))
    return RatchetResult(
        baseline=sum(len(v) for v in before.values()),
        current=sum(len(v) for v in after.values()),
        new=tuple(sorted(new, key=lambda c: (c.path, c.line, c.key()))),
        fixed=tuple(sorted(fixed, key=lambda c: (c.path, c.line, c.key()))),
        current_kinds=count_by_kind(c for group in after.values() for c in group),
    )


def baseline_crossings(analysis: Analysis) -> tuple[Crossing, ...]:
    """The crossings recorded in an analysis.json (counted as ``analyze`` counts them)."""
    return analysis_crossings(analysis)


def result_to_json(result: RatchetResult) -> str:
    """The ratchet's verdict as deterministic JSON for CI."""
    document = {
        "ok": result.ok,
        "baseline": result.baseline,
        "current": result.current,
        "current_by_kind": dict(result.current_kinds),
        "new": [asdict(c) for c in result.new],
        "fixed": [asdict(c) for c in result.fixed],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _module_services(analysis: Analysis) -> dict[str, str]:
    """Module -> its service: the only one listing it, else the one holding most of its units."""
    listed: dict[str, set[str]] = defaultdict(set)
    holds: dict[str, Counter[str]] = defaultdict(Counter)
    for service in analysis.services:
        for module in service.modules:
            listed[module].add(service.name)
        for unit in service.units:
            holds[unit.rpartition(".")[0]][service.name] += 1
    result = {}
    for module, names in sorted(listed.items()):
        counts = holds[module]
        result[module] = min(names, key=lambda name: (-counts[name], name))
    return result


def _app_services(analysis: Analysis) -> dict[str, str]:
    result: dict[str, str] = {}
    for service in sorted(analysis.services, key=lambda s: (-s.lines, s.name)):
        if service.apps:
            result.setdefault(service.apps[0], service.name)
    return result


def placement_from(analysis: Analysis, graph: nx.MultiDiGraph) -> Callable[[str], str | None]:
    """Place the nodes of ``graph`` in the services of ``analysis`` (a baseline analysis.json).

    Units keep their service by name (module-level code by ``Service.module_code``), models by
    label, tables by owner; the units of the shared libraries (``Analysis.shared``) are in no
    service, as when the analysis was made; other units go with their module, else with their
    app's dominant service; routes follow their view.
    """
    by_unit = {u: s.name for s in analysis.services for u in s.units}
    by_unit.update({f"module:{m}": s.name for s in analysis.services for m in s.module_code})
    by_label = {m: s.name for s in analysis.services for m in s.models}
    by_module, by_app = _module_services(analysis), _app_services(analysis)
    owners = {f"table:{t}": owner for t, owner in analysis.table_owner().items()}
    shared = {candidate.module for candidate in analysis.shared}

    nodes = node_attrs(graph)

    def unit_service(node: str, attrs: NodeAttrs) -> str | None:
        module = attrs["module"]
        if node not in by_unit and (module in shared or node.removeprefix("module:") in shared):
            return None
        return (by_unit.get(node) or by_label.get(attrs.get("label", ""))
                or by_module.get(module) or by_module.get(node.removeprefix("module:"))
                or by_app.get(attrs["app"]))

    def place(node: str) -> str | None:
        if node not in nodes:
            return None
        attrs = nodes[node]
        kind = attrs["kind"]
        if kind == "table":
            model = attrs.get("model")
            return owners.get(node) or (place(model) if model else None)
        if kind == "route":
            views = sorted(v for v, edge in out_edges(graph, node) if edge["kind"] == "route-view")
            return place(views[0]) if views else None
        return unit_service(node, attrs)

    return place


def current_crossings(root: Path, baseline: Analysis, use_cache: bool = True,
                      phases: Phases | None = None, cache_dir: Path | None = None) -> tuple[Crossing, ...]:
    """Re-read the tree at ``root`` and list its crossings of ``baseline``'s boundaries (the I/O
    edge; the facts cache in ``cache_dir``, default ``root/.demonolith-cache``); ``phases`` hears
    of the facts' phases, then ``crossings``. :func:`analyzer.ci.check_run.check_tree` is the
    cached whole check."""
    phases = phases or NoPhases()
    options = FactsOptions(cache_dir=cache_dir, use_cache=use_cache, discover=discover_options(root))
    facts = extract_keyed_facts(root, options, phases).facts
    phases.begin("crossings")
    result = found_again(facts, load_config(root), baseline)
    phases.end(f"{plural(len(result), 'crossing')} of the baseline's boundaries")
    return result


def found_again(facts: ProjectFacts, config: Config, baseline: Analysis) -> tuple[Crossing, ...]:
    """The crossings of ``baseline``'s boundaries in the graph of ``facts``."""
    from analyzer.boundaries.interfaces import interfaces
    from analyzer.boundaries.violations import find_violations
    from analyzer.graph.build import build_graph

    project = build_graph(facts, config.weights)
    place = placement_from(baseline, project.graph)
    found = find_violations(project.graph, place, project.transactions)
    return crossings(found, interfaces(project.graph, place))
