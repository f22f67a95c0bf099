"""Why each model and module is where it is: aggregates, strongest ties with path:line, splits."""

from __future__ import annotations

from analyzer.boundaries.config import Config
from analyzer.boundaries.propose import propose_boundaries
from analyzer.model.explanations import PlacementTie
from tests.analyzer.graphs import layered_ticket_shop, shop_with_orders_split_over_two_apps

M = "base.models."


def test_every_model_has_its_aggregate_root_and_its_strongest_ties_with_their_place() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    placed = {p.label: p for p in proposal.model_placements}
    names = ("Event", "Item", "Variation", "Quota", "Order", "Position", "Fee", "CheckinList", "Checkin",
             "Device")
    assert sorted(placed) == sorted(f"base.{n}" for n in names)
    assert placed["base.Position"].root == "base.Order" and placed["base.Fee"].root == "base.Order"
    assert placed["base.Order"].root == "" and placed["base.Checkin"].root == "base.CheckinList"
    assert placed["base.Device"].root == ""  # SET_NULL: a reference, not a part
    ties = placed["base.Position"].ties
    assert 0 < len(ties) <= 3 and ties == tuple(sorted(ties, key=lambda t: -t.weight))
    assert all(t.path and t.line > 0 for t in ties)
    assert PlacementTie("orm-write", "base.services.orders.save", 6.0, "base/services/orders.py", 3) in ties


def test_services_list_their_aggregates_and_a_hub_says_why() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    orders = next(s for s in proposal.services if "base.Order" in s.models)
    assert orders.aggregates == ("base.Order",)
    event = next(p for p in proposal.model_placements if p.label == "base.Event")
    assert event.hub and event.reason.startswith("a hub: 9 models refer to it")


def test_a_model_away_from_its_app_says_why_with_path_and_line() -> None:
    proposal = propose_boundaries(shop_with_orders_split_over_two_apps().build(), Config())
    line = next(p for p in proposal.model_placements if p.label == "lines.OrderLine")
    assert line.service == "orders" and line.root == "orders.Order"
    assert line.reason.startswith("in orders (the service of app lines): ")
    assert "in the aggregate of orders.Order (CASCADE)" in line.reason
    assert "lines/models.py:5" in line.reason or "orders/services.py:" in line.reason
    kept = next(p for p in proposal.model_placements if p.label == "catalog.Product")
    assert kept.reason == ""
    layered = propose_boundaries(layered_ticket_shop().build(), Config()).model_placements
    root = next(p for p in layered if p.label == "base.Order")
    assert root.reason.startswith("in orders (") and "aggregate of" not in root.reason  # a root


def test_a_module_split_over_services_says_what_each_part_writes() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    splits = {s.module: s for s in proposal.module_splits}
    control = splits["control.views"]
    assert len(control.services) == 3
    assert "they write base.Item" in control.reason and "they write base.Order" in control.reason
    assert "base.services.orders" not in splits  # one function, one service
