"""The whole boundary step on hand-built graphs: split a mixed app, merge two halves of a domain."""

from __future__ import annotations

from analyzer.boundaries.config import Config
from analyzer.boundaries.propose import cluster_units, describe, propose_boundaries
from tests.analyzer.graphs import legacy_app_with_two_domains, shop_with_orders_split_over_two_apps


def _models_by_service(proposal: object) -> dict[str, set[str]]:
    return {s.name: set(s.models) for s in proposal.services}  # type: ignore[attr-defined]


def test_a_legacy_app_mixing_two_domains_is_split_and_the_split_explained() -> None:
    proposal = propose_boundaries(legacy_app_with_two_domains().build(), Config())
    groups = sorted(sorted(m) for m in _models_by_service(proposal).values())
    assert groups == [
        ["legacy.Category", "legacy.Product", "legacy.Stock"],
        ["legacy.Invoice", "legacy.Payment", "legacy.Refund"],
    ]
    (placement,) = proposal.app_placements
    assert placement.verdict == "split" and len(placement.services) == 2
    assert "mixes domains" in placement.reason
    kinds = {v.kind for v in proposal.violations}
    assert kinds == {"cross-service-query"}  # billing reads Product: the only crossing


def test_two_apps_of_one_domain_are_merged_and_named_after_the_root_model() -> None:
    proposal = propose_boundaries(shop_with_orders_split_over_two_apps().build(), Config())
    assert _models_by_service(proposal) == {
        "catalog": {"catalog.Category", "catalog.Product"},
        "customers": {"customers.Address", "customers.Customer"},
        "orders": {"lines.OrderLine", "orders.Order"},
    }
    verdicts = {p.app_label: p.verdict for p in proposal.app_placements}
    assert verdicts == {"catalog": "kept", "customers": "kept", "lines": "merged", "orders": "merged"}
    assert proposal.table_owner()["table:lines_orderline"] == "orders"
    assert {(v.kind, v.path, v.line) for v in proposal.violations} == {
        ("cross-service-fk", "lines/models.py", 6),
        ("cross-service-fk", "orders/models.py", 4),
    }
    assert "3 services" in proposal.count_reason


def test_services_option_and_every_unit_placed_once() -> None:
    project = shop_with_orders_split_over_two_apps().build()
    proposal = propose_boundaries(project, Config(), services=2)
    assert len(proposal.services) == 2
    placed = [u for s in proposal.services for u in s.units]
    assert len(placed) == len(set(placed))
    units = {n for n, k in project.graph.nodes(data="kind") if k in ("class", "function", "model")}
    assert set(placed) == units


def test_pins_and_renames_from_config() -> None:
    config = Config(pin=(("customers", "crm"),), names=(("orders", "ordering"),))
    proposal = propose_boundaries(shop_with_orders_split_over_two_apps().build(), config)
    assert set(_models_by_service(proposal)) == {"catalog", "crm", "ordering"}


def test_the_partition_alone_decides_the_clusters_and_describe_only_names_and_explains_them() -> None:
    project = legacy_app_with_two_domains().build()
    clustering = cluster_units(project, Config())
    proposal = describe(project, Config(), clustering)
    assert proposal == propose_boundaries(project, Config())
    placed = proposal.partition()
    for cluster in clustering.clusters:  # one service per cluster, every unit of it placed there
        assert len({placed[unit] for unit in cluster if unit in placed}) == 1
    assert len(clustering.clusters) == len(proposal.services) == 2
