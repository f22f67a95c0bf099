"""The "common" trap: modules that nearly every app uses become shared-library candidates.

A module whose code is imported, called or inherited from by many apps (``common.utils``,
``core.money``) would drag everything into one service if it took part in clustering. It is
recognised here and left out of the clustering, to be reported as a library to publish.
A module that defines tables is never a candidate: data needs an owning service. Nor is test
code (a base test case every app's tests use): it is not deployed, so there is nothing to publish.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.graph.schema import (
    CODE_KINDS,
    CODE_NODE_KINDS,
    PLACED_KINDS,
    NodeAttrs,
    node_attrs,
    out_edges,
    successors,
)
from analyzer.model.source_paths import is_test_path


@dataclass(frozen=True)
class SharedModule:
    """A module recognised as shared: its nodes and the apps that use it."""

    module: str
    nodes: tuple[str, ...]
    used_by_apps: tuple[str, ...]


def module_nodes(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Return dotted module -> its module node and code units (tables and routes excluded)."""
    members: dict[str, list[str]] = defaultdict(list)
    for node, attrs in node_attrs(graph).items():
        if attrs["kind"] in PLACED_KINDS and attrs["module"]:
            members[attrs["module"]].append(node)
    return {module: sorted(nodes) for module, nodes in sorted(members.items())}


def shared_candidates(graph: nx.MultiDiGraph) -> tuple[SharedModule, ...]:
    """The shared modules (:func:`find_shared_modules`), widened to their apps (:func:`shared_apps`)."""
    members = module_nodes(graph)
    return shared_apps(graph, find_shared_modules(graph, members=members), members)


def find_shared_modules(
    graph: nx.MultiDiGraph, min_apps: int = 3, app_share: float = 0.5,
    members: Mapping[str, list[str]] | None = None,
) -> tuple[SharedModule, ...]:
    """Return the modules used by at least ``max(min_apps, app_share * other apps)`` other apps.

    ``members``: the :func:`module_nodes` of ``graph``, when the caller has them.
    """
    attrs = node_attrs(graph)
    apps = sorted({app for each in attrs.values() if (app := each["app"])})
    threshold = max(min_apps, math.ceil(app_share * max(0, len(apps) - 1)))
    result = []
    ties = _CodeTies.of(graph)
    for module, nodes in (module_nodes(graph) if members is None else members).items():
        if any(_holds_data(attrs[node]) for node in nodes) or is_test_path(attrs[nodes[0]]["path"]):
            continue
        home = attrs[nodes[0]]["app"]
        users = ties.apps_using(nodes) - {home, ""}
        if len(users) >= threshold and len(ties.apps_used(nodes) - {home, ""}) <= 1:
            result.append(SharedModule(module, tuple(nodes), tuple(sorted(users))))
    return tuple(result)


def _holds_data(attrs: NodeAttrs) -> bool:
    return attrs["kind"] == "model" and not attrs.get("abstract", False)


def _apps_used(graph: nx.MultiDiGraph, nodes: list[str]) -> set[str]:
    return {node_attrs(graph)[target]["app"] for node in nodes
            for target, edge in out_edges(graph, node) if edge["kind"] in CODE_KINDS}


@dataclass(frozen=True)
class _CodeTies:
    """Per node, the apps of the nodes on the other end of its code edges (one walk over the edges)."""

    using: dict[str, set[str]]  # node -> apps whose code imports, calls or inherits it
    used: dict[str, set[str]]  # node -> apps whose code it imports, calls or inherits

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> _CodeTies:
        """Walk the graph's edges once."""
        app_of = {node: attrs["app"] for node, attrs in node_attrs(graph).items()}
        using: dict[str, set[str]] = defaultdict(set)
        used: dict[str, set[str]] = defaultdict(set)
        for source, neighbours in successors(graph).items():
            source_app = app_of[source]
            for target, keyed in neighbours.items():
                for attrs in keyed.values():
                    if attrs["kind"] in CODE_KINDS:  # at least one code edge: once per target
                        using[target].add(source_app)
                        used[source].add(app_of[target])
                        break
        return cls(dict(using), dict(used))

    def apps_using(self, nodes: list[str]) -> set[str]:
        """The apps using any of ``nodes``."""
        return set().union(*(self.using.get(node, ()) for node in nodes))

    def apps_used(self, nodes: list[str]) -> set[str]:
        """The apps any of ``nodes`` uses."""
        return set().union(*(self.used.get(node, ()) for node in nodes))


def find_hubs(
    graph: nx.MultiDiGraph, projected: Mapping[str, Iterable[str]], min_apps: int = 4, app_share: float = 0.4
) -> tuple[str, ...]:
    """Return the code units tied to many apps at once (seeders, root URLconfs, orchestrators).

    Such "omnipresent" units would glue unrelated domains together during clustering; they are
    clustered without, then placed with the cluster they are most tied to. ``projected``: each unit
    of the unit graph -> its neighbours.
    """
    node_attrs_of = node_attrs(graph)
    app_of = {node: attrs["app"] for node, attrs in node_attrs_of.items()}
    threshold = max(min_apps, math.ceil(app_share * len({a for a in app_of.values() if a})))
    hubs = []
    for node, ties in projected.items():
        attrs = node_attrs_of[node]
        if attrs["kind"] not in CODE_NODE_KINDS:
            continue
        touched = {app_of[n] for n in ties} - {attrs["app"], ""}
        if len(touched) >= threshold:
            hubs.append(node)
    return tuple(sorted(hubs))


def shared_apps(
    graph: nx.MultiDiGraph, shared: tuple[SharedModule, ...], members: Mapping[str, list[str]] | None = None,
) -> tuple[SharedModule, ...]:
    """Widen shared modules to their whole app when the app holds no table and uses no other app.

    Such an app (``common``: money, HTTP helpers, abstract base models, a health view) is a library
    as a whole: its modules that few apps use yet (an abstract model inherited by two) go with the
    rest of it rather than into one service. Returns the candidates with such an app's modules
    replaced by one entry for the app package. ``members``: the :func:`module_nodes` of ``graph``,
    when the caller has them.
    """
    members = module_nodes(graph) if members is None else members
    attrs = node_attrs(graph)
    by_app: dict[str, list[SharedModule]] = defaultdict(list)
    for module in shared:
        by_app[attrs[module.nodes[0]]["app"]].append(module)
    result: list[SharedModule] = []
    for app, modules in sorted(by_app.items()):
        own = [m for m, nodes in members.items() if attrs[nodes[0]]["app"] == app]
        has_data = any(_holds_data(attrs[n]) for m in own for n in members[m])
        app_nodes = [n for m in own for n in members[m]]
        if app and not has_data and len(_apps_used(graph, app_nodes) - {app, ""}) <= 1:
            nodes = tuple(sorted(n for m in own for n in members[m]))
            users = tuple(sorted({a for m in modules for a in m.used_by_apps}))
            result.append(SharedModule(app, nodes, users))
        else:
            result.extend(modules)
    return tuple(sorted(result, key=lambda m: m.module))
