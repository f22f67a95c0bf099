"""bench/evidence_code.py: main writer modules, URL nouns and the ties only named, on a built graph."""

from __future__ import annotations

from collections import defaultdict

from bench.evidence_code import Tally, count_all, main_of, route_noun
from tests.analyzer.graphs import GraphBuilder

M = "shop.models."


def _shop() -> GraphBuilder:
    """Order and Payment declared in one module, each written by its own service module; Item apart."""
    b = GraphBuilder()
    for name in ("Order", "Payment", "Item"):
        b.model(M + name, app="shop")
    b.function("shop.orders.place", app="shop").function("shop.payments.confirm", app="shop")
    b.function("shop.catalog.edit", app="shop").function("shop.views.OrderView", app="shop", kind="class")
    b.edge("shop.orders.place", M + "Order", "orm-write").edge(
        "shop.payments.confirm", M + "Payment", "orm-write"
    )
    b.edge("shop.catalog.edit", M + "Item", "orm-write").edge("shop.views.OrderView", M + "Order", "orm-read")
    b.edge("shop.views.OrderView", M + "Payment", "orm-read")
    b.route("/shop/<int:pk>/orders/", "shop.views.OrderView")
    b.function("shop.admin.export", app="shop").edge("shop.admin.export", M + "Order", "call")
    return b.edge("shop.admin.export", M + "Item", "call")


def test_the_noun_of_a_route_is_its_first_fixed_segment_after_a_parameter() -> None:
    assert route_noun("/control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/orders/add$") == "orders"
    assert route_noun("/orga/event/<slug:event>/speakers/<code>/") == "speakers"
    assert route_noun("/api/v1/oauth/revoke_token$") is None
    assert main_of({"b": 2.0, "a": 2.0, "c": 1.0}) == "a" and main_of({}) is None


def test_writer_modules_url_nouns_and_named_only_pairs_are_counted_by_the_truth() -> None:
    b = _shop()
    label = {M + n: f"shop.{n}" for n in ("Order", "Payment", "Item")}
    truth = {"shop.Order": "orders", "shop.Payment": "payments", "shop.Item": "catalog"}
    tally: Tally = defaultdict(float)
    count_all(b.build(), label, truth, tally)
    # three models of one module, each its own main writer module: three pairs, none of one domain
    assert tally[("same module, two main writer modules", False)] == 3
    assert tally[("same module, one main writer module", False)] == 0
    # the one routed view reads Order and Payment: both have its noun
    assert tally[("one main URL noun", False)] == 1
    # export names Order and Item and uses neither
    assert tally[("co-use: named only", False)] == 1.0
    assert not any(same for _, same in tally)
