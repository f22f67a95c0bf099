"""Data-aware refinement and the user's constraints."""

from __future__ import annotations

from analyzer.boundaries.config import Config
from analyzer.boundaries.partition import canonical_id, renumber
from analyzer.boundaries.refine import apply_constraints, refine_transactions
from analyzer.graph.build import Transaction, Write
from tests.analyzer.graphs import shop_with_orders_split_over_two_apps


def test_tables_written_directly_in_one_block_land_together_transitively() -> None:
    graph = shop_with_orders_split_over_two_apps().graph
    start = {
        "orders.models.Order": 0,
        "lines.models.OrderLine": 1,
        "catalog.models.Product": 2,
        "orders.services.place_order": 0,
    }
    blocks = [
        Transaction(
            "orders.services.place_order",
            "o.py",
            1,
            (Write("table:orders_order", "create", 2), Write("table:lines_orderline", "create", 3)),
        ),
        Transaction(
            "orders.services.place_order",
            "o.py",
            9,
            (Write("table:lines_orderline", "update", 10), Write("table:catalog_product", "update", 11)),
        ),
    ]
    refined = refine_transactions(start, blocks, lambda n: canonical_id(graph, n))
    assert len(set(refined.values())) == 1


def test_writes_through_a_called_function_stay_with_their_writer() -> None:
    graph = shop_with_orders_split_over_two_apps().graph
    start = {"orders.models.Order": 0, "catalog.models.Product": 1, "orders.services.place_order": 0}
    block = Transaction(
        "orders.services.place_order",
        "o.py",
        1,
        (
            Write("table:orders_order", "create", 2),
            Write("table:catalog_product", "update", 3, via="catalog.services.take_stock"),
        ),
    )
    assert refine_transactions(start, [block], lambda n: canonical_id(graph, n)) == renumber(start)


def test_keep_together_keep_apart_and_pins() -> None:
    graph = shop_with_orders_split_over_two_apps().graph
    start = {
        "orders.models.Order": 0,
        "lines.models.OrderLine": 0,
        "catalog.models.Product": 1,
        "catalog.models.Category": 1,
        "customers.models.Customer": 2,
    }
    together, _ = apply_constraints(start, graph, Config(keep_together=(("catalog", "customers"),)))
    assert together["catalog.models.Product"] == together["customers.models.Customer"]
    apart, _ = apply_constraints(start, graph, Config(keep_apart=(("lines", "orders"),)))
    assert apart["orders.models.Order"] != apart["lines.models.OrderLine"]
    pinned, names = apply_constraints(
        start,
        graph,
        Config(keep_together=(("catalog.Product", "orders"),), pin=(("catalog.Product", "shop"),)),
    )
    assert names == {"catalog.models.Product": "shop"}
    assert pinned["catalog.models.Product"] not in {
        pinned["orders.models.Order"],
        pinned["catalog.models.Category"],
    }
