"""Propose service and database boundaries: graph -> entities -> code -> owners -> violations.

The steps, each a function of its own module, run in this order:

1. :mod:`analyzer.boundaries.shared` sets aside modules used by nearly every app (shared-library
   candidates);
2. entities first: :mod:`analyzer.boundaries.entities` builds the graph of the data (hubs scaled
   down, CASCADE aggregates up), :mod:`analyzer.boundaries.partition` clusters it (seeded Louvain,
   N scored), :mod:`analyzer.boundaries.follow_data` places the code with the data it writes,
   else with its community's, and :mod:`analyzer.boundaries.aggregates` keeps each aggregate whole;
   a tree with fewer than two entities clusters the unit graph instead and
   :mod:`analyzer.boundaries.refine` pulls the tables written in one transaction together;
3. :mod:`analyzer.boundaries.refine` applies the user's constraints (keep together, keep apart,
   pins);
4. :mod:`analyzer.boundaries.ownership` gives every table one owner;
5. :mod:`analyzer.boundaries.naming` names the services; :mod:`analyzer.boundaries.violations` lists
   the crossings; :mod:`analyzer.boundaries.reasons` says why each model and split module is where
   it is.

Steps 1-4 and the names of step 5 are :func:`cluster_units` (the partition, a :class:`Clustering`:
nothing there reads a position, so it is kept across an edit that moves lines), the rest of step 5
and of the output are :func:`describe`; :func:`propose_boundaries` runs both.

The result, a :class:`Proposal`, holds the Analysis parts; it explains each Django app's fate
(kept whole, split, merged) in :class:`AppPlacement`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import networkx as nx

from analyzer.boundaries.aggregates import compositional, keep_aggregates
from analyzer.boundaries.config import Config
from analyzer.boundaries.crossings import scan_edges
from analyzer.boundaries.entities import data_used, entity_edges, hub_scales
from analyzer.boundaries.fold_minor import Fold, fold_minor
from analyzer.boundaries.follow_data import follow_data
from analyzer.boundaries.interfaces import dependencies, interfaces
from analyzer.boundaries.leaves import follower_units
from analyzer.boundaries.naming import explain_names
from analyzer.boundaries.ownership import assign_owners, table_users
from analyzer.boundaries.partition import (
    ScoredClusters,
    absorb_dataless,
    attach,
    choose_partition,
    clusters_of,
    follow_numbers,
)
from analyzer.boundaries.placements import app_placements
from analyzer.boundaries.projection import canonical_ids, unit_projection
from analyzer.boundaries.reasons import (
    PlacementGrounds,
    aggregate_roots,
    module_splits,
    placed_at,
    placement_grounds,
)
from analyzer.boundaries.refine import apply_constraints, refine_transactions
from analyzer.boundaries.shared import SharedModule, find_hubs, shared_candidates
from analyzer.boundaries.unit_edges import UnitEdges, UnitTies, louvain
from analyzer.boundaries.violations import find_violations
from analyzer.errors import ConfigError
from analyzer.graph.build import ProjectGraph, Transaction
from analyzer.graph.gc_pause import collector_paused
from analyzer.graph.schema import (
    CODE_NODE_KINDS,
    PLACED_KINDS,
    NodeAttrs,
    node_attrs,
    predecessors,
)
from analyzer.model.analysis import (
    AppPlacement,
    CountScore,
    Interface,
    Service,
    ServiceDependency,
    SharedCandidate,
    TableUsage,
    Violation,
)
from analyzer.model.explanations import ModelPlacement, ModuleSplit
from analyzer.model.wording import plural


@dataclass(frozen=True)
class Proposal:
    """The proposed boundaries: the parts of an Analysis that this step decides."""

    placement: tuple[tuple[str, str], ...]  # (unit node id, service name), sorted
    services: tuple[Service, ...]
    tables: tuple[TableUsage, ...]
    violations: tuple[Violation, ...]
    shared: tuple[SharedCandidate, ...]
    app_placements: tuple[AppPlacement, ...]
    count_scores: tuple[CountScore, ...]
    count_reason: str
    dependencies: tuple[ServiceDependency, ...]
    interfaces: tuple[Interface, ...]
    model_placements: tuple[ModelPlacement, ...] = ()
    module_splits: tuple[ModuleSplit, ...] = ()
    count_curve_choice: int = 0  # the count taken on the score curve, before splits and folds

    def partition(self) -> dict[str, str]:
        """Unit node id -> service name (the team's partition form)."""
        return dict(self.placement)

    def table_owner(self) -> dict[str, str]:
        """Table node id (``table:<name>``) -> owning service."""
        return {f"table:{usage.table}": usage.owner for usage in self.tables}


@dataclass(frozen=True)
class Clustering:
    """What the partition decides (graph -> unit clusters -> table owners), before it is described."""

    assignment: dict[str, int]  # unit -> cluster number
    clusters: tuple[tuple[str, ...], ...]
    owners: dict[str, int]  # table node -> owning cluster, numbered as before the folds
    new_of: dict[int, int]  # cluster number before the folds -> after
    pinned: dict[str, str]  # unit -> the service name the user pinned it to
    folds: tuple[Fold, ...]
    partition: ScoredClusters  # the clustering proper: N chosen, the score of each N
    shared: tuple[SharedModule, ...]
    projected: UnitTies
    canon: dict[str, str | None]
    named: tuple[tuple[str, str], ...] = ()  # per cluster: its name and where the name comes from


@collector_paused()
def propose_boundaries(project: ProjectGraph, config: Config, services: int | None = None) -> Proposal:
    """Run the boundary steps on a project graph; pure and deterministic."""
    return describe(project, config, cluster_units(project, config, services))


@collector_paused()
def cluster_units(project: ProjectGraph, config: Config, services: int | None = None) -> Clustering:
    """The partition: shared modules set aside, the units clustered (N chosen or ``services``),
    refined by transactions and the user's constraints, tables owned, minor clusters folded."""
    graph, attrs, canon = project.graph, node_attrs(project.graph), canonical_ids(project.graph)
    shared = shared_candidates(graph)
    weights = config.weights
    unit_edges = unit_projection(
        graph, (n for s in shared for n in s.nodes), weights["contains"], project.transactions,
        weights["transaction"], weights["same-app"], weights["same-module"], canon)
    projected = unit_edges.ties()
    hubs = find_hubs(graph, projected)
    followers = follower_units(graph, unit_edges.nodes)
    is_data = {n: _is_data(attrs[n]) for n in projected}
    # a seeder's or a test's atomic block says nothing about which data belong together
    hub_set = frozenset((*hubs, *followers))
    transactions = [t for t in project.transactions if t.unit not in hub_set]
    aggregates = compositional(graph, canon, transactions)
    partition, assignment = _entities_first(project.graph, canon, unit_edges, hub_set, aggregates,
                                            transactions, config, services)
    if partition is None:  # fewer than two entities: the code alone decides
        core = unit_edges.without(hub_set)
        partition = choose_partition(core, is_data, services or config.services, config.seed)
        assignment = {unit: i for i, cluster in enumerate(partition.clusters) for unit in cluster}
        assignment = refine_transactions(attach(projected, assignment, hub_set), transactions, canon.get)
    assignment = attach(projected, assignment, sorted(set(unit_edges.nodes) - set(assignment)))
    assignment = absorb_dataless(unit_edges, assignment, is_data)
    assignment, pinned = apply_constraints(assignment, graph, config)
    owned, owners = assign_owners(graph, assignment, canon.get, pinned, ignored=hub_set,
                                  aggregates=aggregates)
    assignment = absorb_dataless(unit_edges, owned, is_data, keep=pinned)
    owners = follow_numbers(owners, owned, assignment)
    assignment, new_of, folds = fold_minor(graph, projected, assignment, pinned)
    clusters = clusters_of(assignment)
    named = tuple(explain_names(clusters, graph, pinned, dict(config.names)))  # reads no position
    return Clustering(assignment, clusters, owners, new_of, pinned, folds, partition, shared,
                      projected, canon, named)


def _entities_first(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], units: UnitEdges, skip: frozenset[str],
    aggregates: list[tuple[str, str]], transactions: list[Transaction], config: Config,
    services: int | None,
) -> tuple[ScoredClusters | None, dict[str, int]]:
    """Cluster the entities (:mod:`analyzer.boundaries.entities`), then place the code that uses
    them (:func:`follow_data`); None when there are fewer than two entities to cluster."""
    placed = set(units.nodes)
    entities = entity_edges(graph, canon, config.weights, transactions, skip)
    entities = entities.within([n for n in entities.nodes if n in placed])
    if len(entities.nodes) < 2:
        return None, {}
    partition = choose_partition(entities, dict.fromkeys(entities.nodes, True),
                                 services or config.services, config.seed)
    data = {unit: i for i, cluster in enumerate(partition.clusters) for unit in cluster}
    written, read = data_used(graph, canon, data, skip)
    community = louvain(units.without(skip), 1.0, config.seed)  # the code each unit works with
    attrs = node_attrs(graph)
    module_of = {u: attrs[u]["module"] for u in community if attrs[u]["kind"] in CODE_NODE_KINDS}
    followed = keep_aggregates(follow_data(data, written, read, hub_scales(graph), community, module_of),
                               aggregates)
    return partition, {unit: c for unit, c in followed.items() if unit in placed}


@dataclass(frozen=True)
class Described:
    """What :func:`describe` says that reads no position (kept with the partition): the placement,
    services, tables, shared modules, app placements, module splits, the grounds of each model's
    place and the count's reason."""

    placement: tuple[tuple[str, str], ...]
    services: tuple[Service, ...]
    tables: tuple[TableUsage, ...]
    shared: tuple[SharedCandidate, ...]
    app_placements: tuple[AppPlacement, ...]
    module_splits: tuple[ModuleSplit, ...]
    grounds: tuple[PlacementGrounds, ...]
    count_reason: str


@collector_paused()
def describe(project: ProjectGraph, config: Config, clustering: Clustering,
             described: Described | None = None) -> Proposal:
    """Describe the clusters: services, tables, violations, interfaces, reasons (``described``:
    :func:`describe_without_positions` of the same inputs, when kept)."""
    graph = project.graph
    free = described or describe_without_positions(project, config, clustering)
    place = _placer(clustering.canon, *_services_of(clustering))
    scan = scan_edges(graph, place)
    models = placed_at(graph, free.grounds)
    roots = aggregate_roots(models)
    return Proposal(
        placement=free.placement,
        services=tuple(replace(s, aggregates=roots.get(s.name, ())) for s in free.services),
        tables=free.tables,
        violations=find_violations(graph, place, project.transactions, scan),
        shared=free.shared,
        app_placements=free.app_placements,
        count_scores=clustering.partition.scores,
        count_reason=free.count_reason,
        dependencies=dependencies(graph, place, scan),
        interfaces=interfaces(graph, place, scan, clustering.canon),
        model_placements=models,
        module_splits=free.module_splits,
        count_curve_choice=clustering.partition.curve_choice,
    )


@collector_paused()
def describe_without_positions(project: ProjectGraph, config: Config, clustering: Clustering) -> Described:
    """The part of :func:`describe` that reads no position (so it is the same after lines moved)."""
    graph, attrs, clusters = project.graph, node_attrs(project.graph), clustering.clusters
    names = [name for name, _ in clustering.named]
    if len(set(names)) != len(names):
        raise ConfigError("[tool.demonolith] names: two services would get the same name")
    service_of, owner_of = _services_of(clustering)
    place = _placer(clustering.canon, service_of, owner_of)
    partition = clustering.partition
    placed = {u: s for u, s in service_of.items() if attrs[u]["kind"] in PLACED_KINDS}
    return Described(
        placement=tuple(sorted(placed.items())),
        services=_services(graph, clusters, list(clustering.named), owner_of, place, clustering.projected),
        tables=_tables(graph, owner_of, place),
        shared=_shared(graph, clustering.shared, place),
        app_placements=app_placements(graph, service_of),
        module_splits=module_splits(graph, placed),
        grounds=placement_grounds(graph, placed, hub_scales(graph)),
        count_reason=_final_reason(partition.reason, len(partition.clusters), len(clusters))
        + "".join(_fold_note(fold, names) for fold in clustering.folds),
    )


def _services_of(clustering: Clustering) -> tuple[dict[str, str], dict[str, str]]:
    """Unit -> its service's name, table -> its owner's."""
    names = [name for name, _ in clustering.named]
    service_of = {unit: names[c] for unit, c in clustering.assignment.items()}
    return service_of, {table: names[clustering.new_of[c]] for table, c in clustering.owners.items()}


def _final_reason(reason: str, clustered: int, final: int) -> str:
    if clustered == final:
        return reason
    return f"{reason}; {final} after the data-aware refinement, the constraints and the folds"


def _fold_note(fold: Fold, names: list[str]) -> str:
    code = [u for u in fold.units if not u.startswith(("table:", "module:"))]
    what = ", ".join(code[:3]) + (" ..." if len(code) > 3 else "") or ", ".join(fold.units[:3])
    tables = f", table {', '.join(fold.tables)}" if fold.tables else ""
    return (f"; folded {what} ({plural(fold.lines, 'line')}{tables}) into {names[fold.into]}: "
            "no models and no routes, so tooling rather than a service")


def _is_data(attrs: NodeAttrs) -> bool:
    return attrs["kind"] == "table" or (attrs["kind"] == "model" and not attrs.get("abstract"))


def _placer(
    canon: Mapping[str, str | None], service_of: Mapping[str, str], owner_of: Mapping[str, str]
) -> Callable[[str], str | None]:
    """Node -> its service: tables by owner, units by the partition, the rest with their unit.

    ``canon``: every graph node -> its canonical unit; other names have no place (every key of
    ``owner_of`` and ``service_of`` is a graph node).
    """
    def place(node: str, unit: str | None) -> str | None:
        if node in owner_of:
            return owner_of[node]
        if node in service_of:
            return service_of[node]
        return service_of.get(unit) if unit is not None else None
    return {node: place(node, unit) for node, unit in canon.items()}.get


def _services(
    graph: nx.MultiDiGraph, clusters: Iterable[tuple[str, ...]], named: list[tuple[str, str]],
    owner_of: Mapping[str, str], place: Callable[[str], str | None], projected: UnitTies,
) -> tuple[Service, ...]:
    routes: dict[str, list[str]] = defaultdict(list)
    node = node_attrs(graph)
    for route, attrs in node.items():
        if attrs["kind"] == "route" and place(route) is not None:
            routes[str(place(route))].append(str(attrs.get("pattern", route[len("route:"):])))
    result = []
    for cluster, (name, name_reason) in zip(clusters, named, strict=True):
        units = [u for u in cluster if node[u]["kind"] in PLACED_KINDS]
        code = [u for u in units if node[u]["kind"] != "module"]
        modules = {node[u]["module"] for u in units if node[u]["module"]}
        apps = Counter(node[u]["app"] for u in units if node[u]["app"])
        models = sorted(str(node[u]["label"]) for u in units
                        if node[u]["kind"] == "model" and not node[u].get("abstract"))
        result.append(Service(
            name=name,
            apps=tuple(sorted(apps, key=lambda a: (-apps[a], a))),
            modules=tuple(sorted(modules)),
            units=tuple(sorted(code)),
            models=tuple(models),
            tables=tuple(sorted(t[len("table:"):] for t, s in owner_of.items() if s == name)),
            routes=tuple(sorted(routes.get(name, []))),
            lines=sum(node[u]["lines"] for u in code),
            rationale=_rationale(cluster, models, apps, projected),
            module_code=tuple(sorted(node[u]["module"] for u in units
                                     if node[u]["kind"] == "module")),
            name_reason=name_reason,
        ))
    return tuple(sorted(result, key=lambda s: s.name))


def _rationale(cluster: tuple[str, ...], models: list[str], apps: Counter[str], projected: UnitTies) -> str:
    members = set(cluster)
    inside = outside = 0.0
    for unit in cluster:
        if unit in projected:
            for neighbour, weight in projected[unit].items():
                if neighbour in members:
                    inside += weight / 2
                else:
                    outside += weight
    share = inside / (inside + outside) if inside + outside else 1.0
    around = ", ".join(models[:4]) + (" ..." if len(models) > 4 else "") if models else "no models"
    origin = ", ".join(sorted(apps, key=lambda a: (-apps[a], a))[:3]) or "the project"
    return (f"{len(cluster)} units from {origin} around {around}; "
            f"{share:.0%} of their weighted coupling stays inside.")


def _tables(
    graph: nx.MultiDiGraph, owner_of: Mapping[str, str], place: Callable[[str], str | None]
) -> tuple[TableUsage, ...]:
    result = []
    node = node_attrs(graph)
    for table, owner in sorted(owner_of.items()):
        model = node[table].get("model")
        label = node[model].get("label") if model is not None and model in node else None
        readers, writers = table_users(graph, table, place)
        result.append(TableUsage(table[len("table:"):], owner, label, readers, writers))
    return tuple(result)


def _shared(
    graph: nx.MultiDiGraph, shared: Iterable[SharedModule], place: Callable[[str], str | None]
) -> tuple[SharedCandidate, ...]:
    result = []
    for module in shared:
        users = {place(source) for node in module.nodes  # the sources of in_edges
                 for source in predecessors(graph)[node]}
        services = tuple(sorted(s for s in users if s is not None))
        reason = (f"used by {len(module.used_by_apps)} apps ({', '.join(module.used_by_apps)}) and "
                  "depends on none of them: publish it as a library instead of placing it in one service")
        models = tuple(sorted(str(node_attrs(graph)[n]["label"]) for n in module.nodes
                              if node_attrs(graph)[n]["kind"] == "model"))
        if models:
            reason += f"; its abstract models ({', '.join(models)}) are code reuse and go with it"
        result.append(SharedCandidate(module.module, services, reason, models))
    return tuple(result)
