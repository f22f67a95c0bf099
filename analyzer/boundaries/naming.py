"""Service names a human would choose: the dominant app, else the central model, else the routes.

Names depend only on what a cluster holds (never on cluster numbers), are unique, and respect the
user's pins and renames. The cluster holding most of an app's models gets the app's name; another
cluster mostly made of that app is named after its biggest model (``payments`` for Payment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import networkx as nx

from analyzer.graph.build import node_attrs


def snake(name: str) -> str:
    """``OrderLine`` -> ``order_line``; keeps lowercase names as they are."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def plural(word: str) -> str:
    """A naive English plural for service names: category -> categories, order -> orders."""
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _app_weights(cluster: Sequence[str], graph: nx.MultiDiGraph) -> dict[str, float]:
    """A model counts 10 (plus a little per relation pointing at it), another unit 1: data decides."""
    weights: dict[str, float] = {}
    node = node_attrs(graph)
    for unit in cluster:
        attrs = node[unit]
        app = attrs.get("app", "")
        if app:
            is_model = attrs.get("kind") == "model"
            weights[app] = weights.get(app, 0.0) + (10 + graph.in_degree(unit) / 1000 if is_model else 1)
    return weights


def _candidates(cluster: Sequence[str], graph: nx.MultiDiGraph, apps: Mapping[str, float]) -> list[str]:
    names = [snake(app) for app in sorted(apps, key=lambda a: (-apps[a], a))]
    node = node_attrs(graph)
    models = sorted((u for u in cluster if node[u].get("kind") == "model" and not node[u].get("abstract")),
                    key=lambda u: (-graph.degree(u), u))
    names += [plural(snake(u.rsplit(".", 1)[-1])) for u in models]
    return names or ["service"]


def name_clusters(
    clusters: Sequence[Sequence[str]], graph: nx.MultiDiGraph,
    pinned: Mapping[str, str] | None = None, renames: Mapping[str, str] | None = None,
) -> list[str]:
    """Return one unique name per cluster (same order as ``clusters``)."""
    pinned = pinned or {}
    names: list[str | None] = [next((pinned[u] for u in c if u in pinned), None) for c in clusters]
    taken = {n for n in names if n is not None}
    apps = [_app_weights(cluster, graph) for cluster in clusters]
    order = sorted(range(len(clusters)), key=lambda i: _claim_key(clusters[i], apps[i]))
    for index in order:
        if names[index] is None:
            candidates = _candidates(clusters[index], graph, apps[index])
            name = next((n for n in candidates if n not in taken), None) or _numbered(candidates[0], taken)
            names[index] = name
            taken.add(name)
    result = [n for n in names if n is not None]
    return [(renames or {}).get(n, n) for n in result]


def _claim_key(cluster: Sequence[str], apps: Mapping[str, float]) -> tuple[float, str]:
    """Clusters holding more of their dominant app choose first (``apps``: its app weights); ties by
    content."""
    top = max(apps.values(), default=0)
    return -top, min(cluster, default="")


def _numbered(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
