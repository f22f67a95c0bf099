"""Every kind of boundary crossing, with path:line, remedy, sagas and snippets."""

from __future__ import annotations

from analyzer.boundaries.snippets import attach_snippets
from analyzer.boundaries.violations import find_violations
from tests.analyzer.graphs import GraphBuilder

SERVICES = {"orders": "orders", "catalog": "catalog", "inventory": "inventory", "reporting": "reporting"}


def _shop() -> GraphBuilder:
    b = GraphBuilder()
    b.model("orders.models.Order").model("catalog.models.Product").model("inventory.models.StockItem")
    b.function("orders.services.checkout").function("reporting.queries.sales")
    b.function("inventory.receivers.on_order").function("inventory.services.allocate")
    b.edge(
        "orders.models.Order",
        "catalog.models.Product",
        "fk",
        "orders/models.py",
        7,
        field="product",
        subject="orders.Order.product -> catalog.Product",
    )
    b.edge(
        "orders.services.checkout",
        "catalog.models.Product",
        "orm-read",
        "orders/services.py",
        12,
        via="orders.Order",
    )
    b.edge("reporting.queries.sales", "table:orders_order", "sql-join", "reporting/queries.py", 30)
    b.edge("reporting.queries.sales", "table:catalog_product", "sql-join", "reporting/queries.py", 30)
    b.edge("reporting.queries.sales", "table:orders_order", "sql-read", "reporting/queries.py", 30)
    b.edge(
        "inventory.receivers.on_order",
        "orders.models.Order",
        "signal",
        "inventory/receivers.py",
        5,
        signal="django.db.models.signals.post_save",
    )
    b.edge("inventory.services.allocate", "inventory.models.StockItem", "orm-write")
    b.atomic(
        "orders.services.checkout",
        "orders/services.py",
        20,
        ("orders.models.Order", "create"),
        ("inventory.models.StockItem", "update"),
    )
    return b


def _place(node: str) -> str | None:
    if node.startswith("table:"):
        return SERVICES.get(node[len("table:") :].split("_")[0])
    return SERVICES.get(node.split(".")[0])


def test_each_kind_is_found_with_its_place_and_a_concrete_remedy() -> None:
    b = _shop()
    found = {(v.kind, v.path, v.line): v for v in find_violations(b.graph, _place, b.transactions)}
    assert set(found) == {
        ("cross-service-fk", "orders/models.py", 7),
        ("cross-service-query", "orders/services.py", 12),
        ("cross-service-join", "reporting/queries.py", 30),
        ("cross-service-signal", "inventory/receivers.py", 5),
        ("foreign-write", "orders/services.py", 22),
        ("distributed-transaction", "orders/services.py", 20),
    }
    assert "product_id" in found[("cross-service-fk", "orders/models.py", 7)].remedy
    join = found[("cross-service-join", "reporting/queries.py", 30)]
    assert join.target_services == ("catalog", "orders") and "API composition" in join.remedy
    assert "event" in found[("cross-service-signal", "inventory/receivers.py", 5)].remedy
    assert "through inventory's API" in found[("foreign-write", "orders/services.py", 22)].remedy


def test_a_multi_service_transaction_becomes_an_ordered_saga_with_compensations() -> None:
    b = _shop()
    (saga_violation,) = [
        v for v in find_violations(b.graph, _place, b.transactions) if v.kind == "distributed-transaction"
    ]
    assert saga_violation.saga is not None
    steps = saga_violation.saga.steps
    assert [s.service for s in steps] == ["orders", "inventory"]
    assert steps[0].action == "create orders.Order"
    assert steps[0].compensation == "delete the orders.Order rows created"
    assert steps[1].compensation == "restore the previous values of inventory.StockItem"


def test_same_service_crossings_are_not_violations_and_ids_are_stable() -> None:
    b = _shop()
    assert find_violations(b.graph, lambda n: "one", b.transactions) == ()
    first = find_violations(b.graph, _place, b.transactions)
    assert [v.id for v in first] == [v.id for v in find_violations(b.graph, _place, b.transactions)]


def test_snippets_come_from_the_reader_at_the_edge() -> None:
    b = _shop()
    source = [f"line {n}" for n in range(1, 41)]
    with_snippets = attach_snippets(
        find_violations(b.graph, _place, b.transactions),
        lambda path: source if path == "orders/models.py" else None,
    )
    fk = next(v for v in with_snippets if v.kind == "cross-service-fk")
    assert fk.snippet == ("line 5", "line 6", "line 7", "line 8", "line 9") and fk.snippet_start == 5
    assert all(v.snippet == () for v in with_snippets if v.path != "orders/models.py")


def test_a_many_to_many_across_services_becomes_a_join_table_of_ids_not_an_id_value() -> None:
    b = GraphBuilder().model("catalog.models.Product").model("orders.models.Order")
    b.edge("orders.models.Order", "catalog.models.Product", "m2m", "orders/models.py", 9, field="products",
           subject="orders.Order.products -> catalog.Product")
    (violation,) = find_violations(b.graph, _place, ())
    assert (violation.kind, violation.path, violation.line) == ("cross-service-fk", "orders/models.py", 9)
    assert "join table of orders.Order.products in orders" in violation.remedy
    assert "through catalog's API" in violation.remedy
    assert "Product id" in violation.remedy and "_id value" not in violation.remedy


def test_a_relation_to_a_hub_becomes_an_id_and_a_read_replica() -> None:
    b = GraphBuilder().model("inventory.models.Event")
    for app in ("orders", "catalog", "reporting"):
        b.model(f"{app}.models.Thing").edge(f"{app}.models.Thing", "inventory.models.Event", "fk",
                                            f"{app}/models.py", 4, field="event")
    b.model("orders.models.Line")
    b.edge("orders.models.Line", "inventory.models.Event", "fk", "orders/models.py", 8, field="event")
    b.edge("orders.models.Line", "catalog.models.Thing", "fk", "orders/models.py", 9, field="thing")
    found = {(v.path, v.line): v.remedy for v in find_violations(b.graph, _place, ())}
    to_hub = found[("orders/models.py", 4)]
    assert "a hub" in to_hub and "read-only replica" in to_hub and "event_id" in to_hub
    assert "through inventory's API" in to_hub
    assert "plain thing_id value" in found[("orders/models.py", 9)]  # Thing has one referrer: no hub


def test_a_remedy_names_a_service_ending_in_s_with_the_apostrophe_alone() -> None:
    b = GraphBuilder().model("orders.models.Order").model("catalog.models.Review")
    b.edge("catalog.models.Review", "orders.models.Order", "fk", "catalog/models.py", 3, field="order")
    (violation,) = find_violations(b.graph, _place, ())
    assert "through orders' API" in violation.remedy and "orders's" not in violation.remedy


def test_snippets_are_set_again_and_dropped_where_the_file_cannot_be_read() -> None:
    b = _shop()
    source = [f"line {n}" for n in range(1, 41)]
    found = attach_snippets(find_violations(b.graph, _place, b.transactions), lambda path: source)
    assert all(v.snippet for v in found)
    again = attach_snippets(found, lambda path: source)
    assert again == found and all(a is f for a, f in zip(again, found, strict=True))  # unchanged: kept
    moved = attach_snippets(found, lambda path: ["moved", *source])
    assert all(m.snippet != f.snippet for m, f in zip(moved, found, strict=True))
    unreadable = attach_snippets(found, lambda path: None)
    assert all(v.snippet == () and v.snippet_start == 0 for v in unreadable)
