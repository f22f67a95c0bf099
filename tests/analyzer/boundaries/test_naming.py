"""Service names: dominant app, then central model, unique, independent of cluster order."""

from __future__ import annotations

from analyzer.boundaries.naming import name_clusters, plural, snake
from tests.analyzer.graphs import GraphBuilder


def test_words() -> None:
    assert snake("OrderLine") == "order_line" and plural("category") == "categories"
    assert plural("order") == "orders" and plural("address") == "address"


def test_dominant_app_then_model_names_unique_and_order_independent() -> None:
    b = GraphBuilder()
    for name in ("Order", "OrderLine", "Payment", "Refund", "Product"):
        b.model(f"shop.models.{name}", app="shop")
    b.model("catalog.models.Category")
    b.edge("shop.models.OrderLine", "shop.models.Order", "fk")
    b.edge("shop.models.Refund", "shop.models.Payment", "fk")
    clusters = [
        ("shop.models.Order", "shop.models.OrderLine", "shop.models.Product"),
        ("shop.models.Payment", "shop.models.Refund"),
        ("catalog.models.Category",),
    ]
    names = name_clusters(clusters, b.graph)
    assert names == ["shop", "payments", "catalog"]
    assert name_clusters(clusters[::-1], b.graph) == names[::-1]
    assert name_clusters(clusters, b.graph, renames={"shop": "orders"})[0] == "orders"
