"""Explain each Django app's fate: kept whole, split over services, or merged with other apps.

An app is split when a second service holds a good share of it, or when one of the files in which
its developers grouped models (``models.py``, ``models/orders.py``) ends up in two services: then
the reason names, for every model that left the file's main service, the coupling that took it
there (``fk to catalog.Product``, ``orm-write from basket.views.add``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.leaves import is_follower_module
from analyzer.graph.schema import PLACED_KINDS, in_edges, node_attrs, out_edges
from analyzer.model.analysis import AppPlacement

SPLIT_SHARE = 0.2  # an app counts as split when a second service holds this share of it
MODEL_WEIGHT = 5  # a model counts as much as five code units in an app's shares
SHOWN = 6  # moved models named per file, at most


def app_placements(graph: nx.MultiDiGraph, service_of: Mapping[str, str]) -> tuple[AppPlacement, ...]:
    """Explain, for every Django app, whether it was kept whole, split or merged with others."""
    by_app: dict[str, Counter[str]] = defaultdict(Counter)
    apps_in: dict[str, Counter[str]] = defaultdict(Counter)
    node = node_attrs(graph)
    for unit, service in service_of.items():
        attrs = node[unit]
        if attrs["app"] and attrs["kind"] in PLACED_KINDS:
            weight = MODEL_WEIGHT if attrs["kind"] == "model" else 1
            by_app[attrs["app"]][service] += weight
            apps_in[service][attrs["app"]] += weight
    files = split_model_files(graph, service_of)
    return tuple(_placement(app, by_app[app], apps_in, files.get(app, [])) for app in sorted(by_app))


@dataclass(frozen=True)
class SplitFile:
    """A models file whose models landed in several services, and the sentence that says why."""

    module: str
    services: tuple[str, ...]
    sentence: str


def split_model_files(graph: nx.MultiDiGraph, service_of: Mapping[str, str]) -> dict[str, list[SplitFile]]:
    """Return app -> the models files of the app whose models landed in two services or more."""
    files: dict[str, list[str]] = defaultdict(list)
    node = node_attrs(graph)
    for unit in sorted(service_of):
        attrs = node[unit]
        if attrs["kind"] == "model" and not attrs.get("abstract") and attrs["module"]:
            files[attrs["module"]].append(unit)
    result: dict[str, list[SplitFile]] = defaultdict(list)
    for module, models in sorted(files.items()):
        services = Counter(service_of[m] for m in models)
        if len(services) > 1:
            app = node[models[0]]["app"]
            sentence = _file_sentence(graph, service_of, module, models, services)
            result[app].append(SplitFile(module, tuple(sorted(services)), sentence))
    return dict(result)


def _file_sentence(
    graph: nx.MultiDiGraph, service_of: Mapping[str, str], module: str, models: list[str],
    services: Counter[str],
) -> str:
    main = min(services, key=lambda s: (-services[s], s))
    moved = [m for m in models if service_of[m] != main]
    parts = [f"{_label(graph, m)} goes to {service_of[m]} "
             f"({coupling_to(graph, service_of, m, service_of[m])})" for m in moved[:SHOWN]]
    more = f" and {len(moved) - SHOWN} more" if len(moved) > SHOWN else ""
    return (f"{node_attrs(graph)[models[0]]['path']} keeps {services[main]} of its {len(models)} "
            f"models in {main}; " + "; ".join(parts) + more)


def coupling_to(graph: nx.MultiDiGraph, service_of: Mapping[str, str], model: str, service: str) -> str:
    """Name the strongest ties of ``model`` (and its tables) to units of ``service``."""
    ties: dict[str, float] = defaultdict(float)
    table = f"table:{node_attrs(graph)[model].get('table', '')}"
    ends = [model, table] if table in graph else [model]
    for end in ends:
        for source, attrs in in_edges(graph, end):
            if _counts(graph, service_of, source, service) and source != model:
                ties[f"{attrs['kind']} from {_label(graph, source)}"] += attrs["weight"]
        for target, attrs in out_edges(graph, end):
            if _counts(graph, service_of, target, service) and target != model:
                ties[f"{attrs['kind']} to {_label(graph, target)}"] += attrs["weight"]
    top = sorted(ties, key=lambda t: (-ties[t], t))[:2]
    return ", ".join(top) if top else "coupled through the code that uses it"


def _counts(graph: nx.MultiDiGraph, service_of: Mapping[str, str], node: str, service: str) -> bool:
    """Whether ``node`` is production code or data of ``service`` (tests and migrations follow)."""
    module = node_attrs(graph)[node]["module"]
    return _service(graph, service_of, node) == service and not is_follower_module(module)


def _service(graph: nx.MultiDiGraph, service_of: Mapping[str, str], node: str) -> str | None:
    if node in service_of:
        return service_of[node]
    model = node_attrs(graph)[node].get("model")
    return service_of.get(model) if model else None


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    nodes = node_attrs(graph)
    attrs = nodes[node]
    model = attrs.get("model")
    if attrs["kind"] == "table" and model is not None and model in nodes:
        return nodes[model].get("label", node)
    return attrs.get("label") or node


def _placement(
    app: str, services: Counter[str], apps_in: Mapping[str, Counter[str]], split_files: list[SplitFile]
) -> AppPlacement:
    total = sum(services.values())
    main = min(services, key=lambda s: (-services[s], s))
    major = sorted(s for s, w in services.items() if w >= SPLIT_SHARE * total)
    if len(major) > 1 or split_files:
        involved = sorted(set(major) | {main} | {s for f in split_files for s in f.services})
        parts = ", ".join(f"{s} {services[s] / total:.0%}" for s in involved)
        sentences = " | ".join(f.sentence for f in split_files)
        files = f" Model files split: {sentences}." if split_files else ""
        return AppPlacement(app, tuple(involved), "split",
                            f"{app} mixes domains whose code and data are coupled apart: {parts}.{files}")
    others = sorted(a for a, w in apps_in[main].items() if a != app and w >= SPLIT_SHARE * apps_in[main][app])
    if others:
        return AppPlacement(app, (main,), "merged",
                            f"{app} is coupled to {', '.join(others)} more than to the rest: "
                            f"they form one service, {main}.")
    return AppPlacement(app, (main,), "kept", f"{app} is cohesive and forms (most of) {main}.")
