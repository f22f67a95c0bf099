"""Service names a team would pick: the service's domain app, else its domain noun, with the reason.

Names depend only on what a cluster holds (never on cluster numbers), are unique, and respect the
user's pins and renames. A cluster is named after an app only when the app is a domain app (it
holds models, its code is not mostly views/serializers/forms, its name is not a layer or utility
word such as ``control``, ``base``, ``api``, ``utils``), the cluster holds most of that
app's models and they are at least half of the cluster's models (a payment plugin's two models
do not name the service of the orders); otherwise it is named after its domain noun: a hub
entity it holds (``organizers`` for the Organizer every model refers to), else the root of its
largest CASCADE aggregate (``orders`` for Order, root of an aggregate of 6 models), else the model
most of its other models refer to through foreign keys; a model whose name the others' names are
built on (Review in ReviewScore, ReviewPhase) goes before a root that gathers fewer, and models
whose names all end in one word no model has are named after it (``templates``). A god app
holding every model therefore never names a service, nor does a layer app.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.entities import hub_scales, is_hub, referrers
from analyzer.boundaries.reasons import aggregate_root
from analyzer.graph.schema import WRITE_KINDS, NodeAttrs, in_edges, node_attrs, out_edges

# Words a team never names a service after: layers, utilities, catch-alls.
LAYER_WORDS = frozenset({
    "admin", "api", "apis", "app", "apps", "backend", "backoffice", "base", "common", "control",
    "core", "dashboard", "dependencies", "frontend", "generic", "helpers", "lib", "libs", "main",
    "misc", "presale", "project", "rest", "shared", "site", "storefront", "support", "tools", "ui",
    "util", "utils", "views", "web",
})
# Module names of the presentation layer: an app whose code lives mostly there is a layer app.
LAYER_MODULES = frozenset({
    "admin", "api", "forms", "serializers", "templatetags", "urls", "views", "viewsets", "widgets",
})


def snake(name: str) -> str:
    """``OrderLine`` -> ``order_line``; keeps lowercase names as they are."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def plural(word: str) -> str:
    """A naive English plural for service names: category -> categories, batch -> batches."""
    if word.endswith("s"):
        return word
    if word.endswith(("ch", "sh", "x", "z")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


@dataclass(frozen=True)
class _Apps:
    """Per app label over the whole graph: its concrete models and whether it is a layer app."""

    models: Mapping[str, int]
    layer: frozenset[str]


def _is_model(attrs: NodeAttrs) -> bool:
    return attrs["kind"] == "model" and not attrs.get("abstract") and not attrs.get("proxy")


def _layer_module(module: str) -> bool:
    return any(part in LAYER_MODULES for part in module.split(".")[1:])


def _apps(graph: nx.MultiDiGraph) -> _Apps:
    """Which apps can give a service its name: structure first (models, layer modules), then words."""
    models: Counter[str] = Counter()
    code: Counter[str] = Counter()
    layered: Counter[str] = Counter()
    for attrs in node_attrs(graph).values():
        app, kind = attrs["app"], attrs["kind"]
        if not app or kind in ("table", "route", "module"):
            continue
        if _is_model(attrs):
            models[app] += 1
        code[app] += 1
        layered[app] += _layer_module(attrs["module"])
    labels = set(code)
    # an app with no models never qualifies (a service must hold most of its models), so only
    # the apps with models need the structural test
    layer = {app for app in labels if (layered[app] >= 0.75 * code[app] and models[app] * 10 < code[app])
             or _layer_word(app, labels)}
    return _Apps(dict(models), frozenset(layer))


def _layer_word(app: str, labels: set[str]) -> bool:
    """``utils``, ``base``; also ``pretixbase`` when ``pretix`` prefixes another app's label."""
    name = snake(app)
    if name in LAYER_WORDS or name.rsplit("_", 1)[-1] in LAYER_WORDS:
        return True
    for word in LAYER_WORDS:
        prefix = app[: -len(word)]
        if app.endswith(word) and prefix and any(o != app and o.startswith(prefix) for o in labels):
            return True
    return False


@dataclass(frozen=True)
class _Root:
    """A model a cluster could be named after, with what makes it the domain noun."""

    model: str
    hub: int  # models referring to it when it is a hub (:func:`entities.is_hub`), else 0
    aggregate: int  # the models of its CASCADE aggregate in the cluster, itself included
    reach: int  # the cluster's models reaching it through foreign keys
    named: int = 0  # the cluster's models whose names hold its name as whole words, when that decided


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name))


def _holds(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _shared_word(models: Sequence[str]) -> str:
    """The word every one of three or more model names ends in when no model is called just that
    (``Template`` for ConsolePortTemplate, RearPortTemplate, ...), else ""."""
    names = [_words(m.rsplit(".", 1)[-1]) for m in models]
    last = {n[-1] for n in names if n}
    if len(names) < 3 or len(last) != 1 or any(len(n) == 1 for n in names):
        return ""
    word = last.pop()
    return word if len(word) > 2 else ""


def _noun_first(roots: list[_Root]) -> list[_Root]:
    """Move to the front the model whose name the others' names are built on (Review in ReviewPhase,
    ReviewScore, ReviewScoreCategory) when more names hold it than the first root's and at least as
    many as that root's aggregate or foreign keys gather, unless that root is a hub."""
    if not roots or roots[0].hub:
        return roots
    words = {r.model: _words(r.model.rsplit(".", 1)[-1]) for r in roots}
    named = {m: sum(_holds(other, words[m]) for other in words.values()) for m in words}
    best = max(roots, key=lambda r: named[r.model])  # the first of the most named, in roots order
    first = roots[0]
    if named[best.model] < 2 or named[best.model] <= named[first.model] \
            or named[best.model] < max(first.aggregate, first.reach + 1):
        return roots
    chosen = dataclasses.replace(best, named=named[best.model])
    return [chosen, *(r for r in roots if r is not best)]


def _roots(cluster: Sequence[str], graph: nx.MultiDiGraph, scales: Mapping[str, float]) -> list[_Root]:
    """The cluster's concrete models, the domain noun first: a hub it holds (the referrers of a hub
    hold its id: it is the service's identity), then the root of the largest CASCADE aggregate,
    then the owner by foreign keys: most direct referrers here (an Item before the ItemCategory it
    points at), most reaching it, most references from anywhere; then the one whose aggregate the
    project's code writes most, the id (:func:`_noun_first` may then put a shared name first)."""
    node = node_attrs(graph)
    models = [u for u in cluster if _is_model(node[u])]
    fks = nx.DiGraph()
    fks.add_nodes_from(models)
    members = set(models)
    for child in models:
        for parent, attrs in out_edges(graph, child):
            if attrs["kind"] == "fk" and parent in members and parent != child:
                fks.add_edge(child, parent)
    here = dict.fromkeys(models, "")
    aggregate: dict[str, list[str]] = {m: [] for m in models}
    for model in models:
        aggregate[aggregate_root(graph, model, here, scales)].append(model)
    refs = referrers(graph)
    hub = {m: len(refs.get(m, ())) if is_hub(scales.get(m, 1.0)) else 0 for m in models}
    writes = {m: _writes_into(graph, aggregate[m], members) for m in models}
    reach = {m: len(nx.ancestors(fks, m)) for m in models}
    key = {m: (-hub[m], -len(aggregate[m]), -fks.in_degree(m), -reach[m], -graph.in_degree(m), -writes[m], m)
           for m in models}
    ranked = sorted(models, key=key.__getitem__)
    return _noun_first([_Root(m, hub[m], len(aggregate[m]), reach[m]) for m in ranked])


def _writes_into(graph: nx.MultiDiGraph, models: Sequence[str], cluster: set[str]) -> int:
    """How many writes (ORM or SQL edges) the code outside ``cluster``'s models makes to the tables of
    ``models``; the code of the whole project counts, the aggregate's own model methods do not."""
    node = node_attrs(graph)
    count = 0
    for model in models:
        table = f"table:{node[model].get('table', '')}"
        if table in node:
            count += sum(1 for source, attrs in in_edges(graph, table)
                         if attrs["kind"] in WRITE_KINDS and source not in cluster)
    return count


def _model_name(unit: str) -> str:
    return plural(snake(unit.rsplit(".", 1)[-1]))


def _root_reason(root: _Root, models: int) -> str:
    """What a name after ``root`` comes from, in words."""
    short = root.model.rsplit(".", 1)[-1]
    if models == 1:
        return f"named after {short}, its only model"
    if root.named:
        return f"named after {short}, the word in the names of {root.named} of its {models} models"
    if root.hub:
        return f"named after {short}, a hub: {root.hub} models refer to it ({models} models here)"
    if root.aggregate > 1:
        return f"named after {short}, root of a CASCADE aggregate of {root.aggregate} of its {models} models"
    if root.reach:
        return f"named after {short}, root of {root.reach + 1} of its {models} models"
    return f"named after {short}, the most referenced of its {models} models"


def _candidates(
    cluster: Sequence[str], graph: nx.MultiDiGraph, apps: _Apps, weights: Mapping[str, float],
    scales: Mapping[str, float],
) -> list[tuple[str, str]]:
    """(name, reason) in order of preference: domain apps it holds most of, then the roots."""
    node = node_attrs(graph)
    held = Counter(node[u]["app"] for u in cluster if _is_model(node[u]))
    here = sum(held.values())
    found = []
    for app in sorted(weights, key=lambda a: (-weights[a], a)):
        if app not in apps.layer and held[app] * 2 > apps.models.get(app, 0) > 0 and held[app] * 2 >= here:
            total = apps.models[app]
            share = ("its one model is here" if total == 1 else f"all {total} of its models are here"
                     if held[app] == total else f"{held[app]} of its {total} models are here")
            found.append((snake(app), f"named after the {app} app: {share}"))
    roots = _roots(cluster, graph, scales)
    word = _shared_word([r.model for r in roots]) if roots and not roots[0].hub and not roots[0].named else ""
    if word:
        found.append((plural(snake(word)), f"named after {word}, the word the names of all {len(roots)} "
                                           "of its models end in"))
    for root in roots:
        found.append((_model_name(root.model), _root_reason(root, len(roots))))
    for app in sorted(weights, key=lambda a: (a in apps.layer, -weights[a], a)):  # no models
        found.append((snake(app), f"named after the {app} app, which holds most of its code"))
    return found or [("service", "no app and no model to name it after")]


def _app_weights(cluster: Sequence[str], graph: nx.MultiDiGraph) -> dict[str, float]:
    """A model counts 10 (plus a little per relation pointing at it), another unit 1: data decides."""
    weights: dict[str, float] = {}
    node = node_attrs(graph)
    for unit in cluster:
        attrs = node[unit]
        app = attrs["app"]
        if app:
            is_model = attrs["kind"] == "model"
            weights[app] = weights.get(app, 0.0) + (10 + graph.in_degree(unit) / 1000 if is_model else 1)
    return weights


def name_clusters(
    clusters: Sequence[Sequence[str]], graph: nx.MultiDiGraph,
    pinned: Mapping[str, str] | None = None, renames: Mapping[str, str] | None = None,
) -> list[str]:
    """Return one unique name per cluster (same order as ``clusters``)."""
    return [name for name, _ in explain_names(clusters, graph, pinned, renames)]


def explain_names(
    clusters: Sequence[Sequence[str]], graph: nx.MultiDiGraph,
    pinned: Mapping[str, str] | None = None, renames: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """One unique (name, what the name comes from) per cluster, in the order of ``clusters``."""
    pinned = pinned or {}
    named: list[tuple[str, str] | None] = [
        next(((pinned[u], f"pinned in [tool.demonolith] (holds {u})") for u in c if u in pinned), None)
        for c in clusters]
    taken = {n[0] for n in named if n is not None}
    apps, weights = _apps(graph), [_app_weights(cluster, graph) for cluster in clusters]
    scales = hub_scales(graph)
    order = sorted(range(len(clusters)), key=lambda i: _claim_key(clusters[i], weights[i]))
    for index in order:
        if named[index] is None:
            candidates = _candidates(clusters[index], graph, apps, weights[index], scales)
            choice = next((c for c in candidates if c[0] not in taken), None)
            if choice is None:
                choice = (_numbered(candidates[0][0], taken), candidates[0][1])
            named[index] = choice
            taken.add(choice[0])
    renames = renames or {}
    return [(renames.get(n, n),
             why + (f"; renamed from {n} in [tool.demonolith] names" if n in renames else ""))
            for n, why in (c for c in named if c is not None)]


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
