"""The two obvious alternatives to a proposal, measured on the same graph and the same units.

* **per app** — one service per Django app (units outside every app go by their top-level
  package, e.g. ``common``);
* **monolith** — everything in one service.

:func:`compare_with_baselines` measures the proposal and both baselines with
:func:`analyzer.metrics.measure.measure`, deriving each partition's table owners with the same rule
(``owner_rule``) so the three rows are comparable, and scores each against a reference
decomposition when one is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import networkx as nx

from analyzer.graph.schema import node_attrs
from analyzer.metrics.graph_view import MetricsView, metrics_view
from analyzer.metrics.measure import (
    OwnerRule,
    Partition,
    as_table_nodes,
    is_table,
    measure_view,
    table_owners,
    view_table_owners,
)
from analyzer.metrics.reference import (
    ReferenceDecomposition,
    placed_differently,
    reference_partition,
    scores_against,
)
from analyzer.model.analysis import Metrics, MetricsComparison, ReferenceDifference

MONOLITH = "monolith"


def app_of(graph: nx.MultiDiGraph, node: str) -> str:
    """The Django app of a node, else the top-level package of its module (or of its id)."""
    attrs = node_attrs(graph).get(node)
    if attrs is None:
        return node.removeprefix("module:").split(".")[0]
    return attrs["app"] or (attrs["module"] or node.removeprefix("module:")).split(".")[0]


def _placeable(graph: nx.MultiDiGraph, units: Iterable[str]) -> list[str]:
    """Units a baseline places itself; tables are left to the owner rule."""
    return sorted(unit for unit in units if not (unit in graph and is_table(graph, unit)))


def per_app_partition(graph: nx.MultiDiGraph, units: Iterable[str]) -> dict[str, str]:
    """One service per Django app, over the given units."""
    return {unit: app_of(graph, unit) for unit in _placeable(graph, units)}


def monolith_partition(graph: nx.MultiDiGraph, units: Iterable[str], name: str = MONOLITH) -> dict[str, str]:
    """The whole monolith as one service, over the given units."""
    return dict.fromkeys(_placeable(graph, units), name)


def model_partition(
    graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str]
) -> dict[str, str]:
    """``app_label.ModelName`` -> service for every model node placed (or owning a placed table)."""
    labels: dict[str, str] = {}
    for node, attrs in sorted(node_attrs(graph).items()):
        if attrs["kind"] != "model":
            continue
        table = f"table:{attrs.get('table', '')}"
        service = partition.get(node) or owners.get(table)
        if service is not None:
            labels[attrs.get("label") or node] = service
    return labels


def models_of(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """``(label, module)`` of every model node, for :func:`analyzer.metrics.reference.reference_partition`."""
    return sorted(
        (attrs.get("label") or node, attrs["module"])
        for node, attrs in node_attrs(graph).items()
        if attrs["kind"] == "model"
    )


def measure_against(
    graph: nx.MultiDiGraph, partition: Partition, owners: Mapping[str, str], target: Mapping[str, str] | None,
    view: MetricsView | None = None,
) -> Metrics:
    """Measure one partition and, when ``target`` (model label -> service) is given, score against it
    (``view``: what the metrics read of ``graph``, when already gathered)."""
    owners = as_table_nodes(graph, owners)
    result = measure_view(graph, view or metrics_view(graph), partition, owners)
    if not target:
        return result
    ari, mojo = scores_against(model_partition(graph, partition, owners), target)
    return replace(result, reference_ari=ari, reference_mojofm=mojo)


def differences_from_reference(
    graph: nx.MultiDiGraph, proposal: Partition, owners: Mapping[str, str], reference: ReferenceDecomposition
) -> tuple[ReferenceDifference, ...]:
    """The models the proposal places apart from where the reference puts them."""
    target = reference_partition(reference, models_of(graph))
    return placed_differently(model_partition(graph, proposal, as_table_nodes(graph, owners)), target)


def compare_with_baselines(
    graph: nx.MultiDiGraph,
    proposal: Partition,
    owners: Mapping[str, str] | None = None,
    owner_rule: OwnerRule = table_owners,
    reference: ReferenceDecomposition | None = None,
) -> MetricsComparison:
    """Metrics of the proposal beside one-service-per-app and the monolith-as-one.

    ``owners`` are the proposal's table owners (table node or bare table name -> service), by
    default ``owner_rule(graph, proposal)``; the baselines always use ``owner_rule``.
    """
    target = reference_partition(reference, models_of(graph)) if reference else None
    view = metrics_view(graph)
    rows = []
    for partition, given in (
        (dict(proposal), owners),
        (per_app_partition(graph, proposal), None),
        (monolith_partition(graph, proposal), None),
    ):
        if given is not None:
            row_owners: Mapping[str, str] = given
        elif owner_rule is table_owners:
            row_owners = view_table_owners(view, partition)
        else:
            row_owners = owner_rule(graph, partition)
        rows.append(measure_against(graph, partition, row_owners, target, view))
    return MetricsComparison(proposal=rows[0], per_app=rows[1], monolith=rows[2])
