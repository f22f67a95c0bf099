"""Why each model and module is where it is: aggregates, strongest ties with path:line, splits."""

from __future__ import annotations

from analyzer.boundaries.config import Config
from analyzer.boundaries.propose import propose_boundaries
from analyzer.boundaries.reasons import aggregate_root, module_splits, strongest_ties
from analyzer.model.explanations import IN, OUT, PlacementTie, tie_phrase
from tests.analyzer.graphs import GraphBuilder, layered_ticket_shop, shop_with_orders_split_over_two_apps

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
    save = "base.services.orders.save"
    assert PlacementTie("orm-write", save, 6.0, "base/services/orders.py", 3, IN) in ties
    assert PlacementTie("fk", "base.Order", 3.0, "base/models.py", 2, OUT) in ties  # Position -> Order


def test_a_tie_says_its_direction_and_each_direction_is_its_own_tie() -> None:
    b = GraphBuilder().model("shop.models.Order").model("shop.models.Customer")
    b.edge("shop.models.Order", "shop.models.Customer", "fk", "shop/models.py", 7, field="customer")
    b.edge("shop.models.Customer", "shop.models.Order", "fk", "shop/models.py", 3, field="last_order")
    graph = b.build().graph
    both = {"shop.models.Order": "shop", "shop.models.Customer": "shop"}
    ties = strongest_ties(graph, "shop.models.Order", both)
    assert sorted((t.direction, t.path, t.line) for t in ties) == [
        (IN, "shop/models.py", 3), (OUT, "shop/models.py", 7)]
    said = {tie_phrase(t) for t in ties}
    assert said == {"its foreign key points at shop.Customer",
                    "a foreign key from shop.Customer points at it"}


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
    # the god app has no service holding half of it: no model is "away from most of base"
    assert root.reason.startswith("in orders (base is spread over 3 services): ")


def test_a_module_split_over_services_says_what_each_part_writes() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    splits = {s.module: s for s in proposal.module_splits}
    control = splits["control.views"]
    assert len(control.services) == 3
    assert "they write base.Item" in control.reason and "they write base.Order" in control.reason
    assert "base.services.orders" not in splits  # one function, one service
    assert control.reason.startswith("its parts write different data: ")


def test_a_split_module_whose_parts_write_nothing_says_what_they_read_call_or_serve() -> None:
    b = GraphBuilder().model("orders.models.Order").model("catalog.models.Item")
    for name in ("order_total", "item_label", "item_check", "served"):
        b.function(f"checks.views.{name}")
    b.function("catalog.services.label").function("orders.views.page")
    b.edge("checks.views.order_total", "orders.models.Order", "orm-read", "checks/views.py", 4)
    b.edge("checks.views.item_label", "catalog.services.label", "call", "checks/views.py", 9)
    b.edge("checks.views.item_check", "catalog.services.label", "call", "checks/views.py", 12)
    b.edge("orders.views.page", "checks.views.served", "call", "orders/views.py", 2)
    service_of = {"checks.views.order_total": "orders", "checks.views.item_label": "catalog",
                  "checks.views.item_check": "catalog", "checks.views.served": "billing",
                  "catalog.services.label": "catalog", "orders.views.page": "billing",
                  "orders.models.Order": "orders", "catalog.models.Item": "catalog"}
    (split,) = module_splits(b.build().graph, service_of)
    assert split.module == "checks.views" and split.services == ("billing", "catalog", "orders")
    assert split.reason == (
        "no part of it writes data; each goes with what it reads or calls: "
        "2 to catalog (they write nothing and call catalog.services.label); "
        "1 to billing (they write nothing and are used by orders.views.page); "
        "1 to orders (they read orders.Order)")
    assert "serve different data" not in split.reason and "write different data" not in split.reason


def test_a_split_part_names_its_own_services_data_first_and_never_tests_or_migrations() -> None:
    b = GraphBuilder().model("orders.models.Order").model("catalog.models.Item")
    for name in ("pay", "label", "old"):
        b.function(f"shop.views.{name}")
    b.function("orders.migrations.0002_fill.forwards")
    b.edge("shop.views.pay", "orders.models.Order", "orm-write", "shop/views.py", 3)
    b.edge("shop.views.pay", "catalog.models.Item", "orm-write", "shop/views.py", 4)
    b.edge("shop.views.label", "catalog.models.Item", "orm-write", "shop/views.py", 8)
    b.edge("orders.migrations.0002_fill.forwards", "shop.views.old", "call", "orders/migrations/x.py", 5)
    service_of = {"shop.views.pay": "orders", "shop.views.label": "catalog", "shop.views.old": "orders",
                  "orders.migrations.0002_fill.forwards": "orders",
                  "orders.models.Order": "orders", "catalog.models.Item": "catalog"}
    (split,) = module_splits(b.build().graph, service_of)
    assert split.reason == ("its parts write different data: 2 to orders (they write orders.Order); "
                            "1 to catalog (they write catalog.Item)")
    del service_of["shop.views.pay"]
    (split,) = module_splits(b.build().graph, service_of)
    assert "1 to orders (they write, read and call nothing there" in split.reason  # not "used by" a migration


def test_cascade_relations_in_a_circle_give_every_model_of_it_the_same_root() -> None:
    b = GraphBuilder()
    for name in ("Thread", "Post", "Revision", "Flag", "Vote"):
        b.model(f"forum.models.{name}")
    for child, parent in (("Post", "Thread"), ("Revision", "Post"), ("Thread", "Revision"),
                          ("Flag", "Post"), ("Vote", "Post"), ("Vote", "Vote")):
        b.edge(f"forum.models.{child}", f"forum.models.{parent}", "fk", on_delete="CASCADE")
    graph = b.build().graph
    service_of = {f"forum.models.{n}": "forum" for n in ("Thread", "Post", "Revision", "Flag", "Vote")}
    roots = {m: aggregate_root(graph, m, service_of, {}) for m in service_of}
    assert set(roots.values()) == {"forum.models.Post"}  # the one with three CASCADE children
