"""Service names: dominant app, then central model, unique, independent of cluster order."""

from __future__ import annotations

from analyzer.boundaries.naming import explain_names, name_clusters, plural, snake
from tests.analyzer.graphs import GraphBuilder


def test_words() -> None:
    assert snake("OrderLine") == "order_line" and plural("category") == "categories"
    assert plural("order") == "orders" and plural("address") == "address"
    assert plural("batch") == "batches" and plural("box") == "boxes"


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


def _layered() -> GraphBuilder:
    """A god app ``shop`` with most models (not a layer word: only its spread tells), a layer app
    ``control`` (views, no models), and ``frontdesk``: one model, yet its code is mostly views."""
    b = GraphBuilder()
    for name in ("Order", "OrderLine", "OrderFee", "Item", "ItemVariation", "ItemAddOn", "ItemCategory",
                 "Event"):
        b.model(f"shop.models.{name}", app="shop")
    b.model("frontdesk.models.Note", app="frontdesk")
    for child, parent in (("OrderLine", "Order"), ("OrderFee", "Order"), ("ItemVariation", "Item"),
                          ("ItemAddOn", "Item"), ("Item", "ItemCategory")):
        b.edge(f"shop.models.{child}", f"shop.models.{parent}", "fk")
    for module in ("control.views", "frontdesk.views"):
        for i in range(40):
            b.function(f"{module}.view_{i}")
    return b


def test_god_and_layer_apps_never_name_a_service_the_aggregate_root_does() -> None:
    b = _layered()
    items = ("Item", "ItemVariation", "ItemAddOn", "ItemCategory")
    clusters = [
        ("shop.models.Order", "shop.models.OrderLine", "shop.models.OrderFee",
         *(f"control.views.view_{i}" for i in range(40))),
        (*(f"shop.models.{m}" for m in items), "frontdesk.models.Note",
         *(f"frontdesk.views.view_{i}" for i in range(40))),
        ("shop.models.Event",),
    ]
    named = explain_names(clusters, b.graph)
    assert [n for n, _ in named] == ["orders", "items", "events"]
    assert named[0][1] == "named after Order, root of 3 of its 3 models"
    # Item owns its variations and add-ons; the ItemCategory it points at is reached by more
    assert named[1][1] == "named after Item, root of 3 of its 5 models"
    assert named[2][1] == "named after Event, its only model"
    assert name_clusters(clusters[::-1], b.graph) == ["events", "items", "orders"]


def test_a_project_prefixed_layer_word_is_a_layer_app() -> None:
    b = GraphBuilder()
    for name in ("Voucher", "VoucherBatch"):
        b.model(f"shopbase.models.{name}", app="shopbase")
    b.edge("shopbase.models.Voucher", "shopbase.models.VoucherBatch", "fk")
    b.function("shopcontrol.views.index")
    b.model("shipping.models.Parcel", app="shipping")
    clusters = [("shopbase.models.Voucher", "shopbase.models.VoucherBatch", "shopcontrol.views.index"),
                ("shipping.models.Parcel",)]
    named = explain_names(clusters, b.graph)
    assert [n for n, _ in named] == ["vouchers", "shipping"]  # the word of both names, not the batch
    assert named[1][1] == "named after the shipping app: its one model is here"


def test_a_plugin_app_names_a_service_only_when_its_models_are_half_of_it() -> None:
    b = GraphBuilder()
    for name in ("Order", "OrderPosition", "OrderFee", "Invoice"):
        b.model(f"base.models.{name}", app="base")
    for name in ("Order", "OrderPosition", "OrderFee"):
        b.model(f"base.models.{name}Log", app="base")
    b.model("stripe.models.StripeObject", app="stripe").model("stripe.models.ApplePayDomain", app="stripe")
    for child in ("OrderPosition", "OrderFee", "Invoice"):
        b.edge(f"base.models.{child}", "base.models.Order", "fk")
    b.edge("stripe.models.StripeObject", "base.models.Order", "fk")
    orders = ("base.models.Order", "base.models.OrderPosition", "base.models.OrderFee",
              "stripe.models.StripeObject", "stripe.models.ApplePayDomain")
    (name, why), = explain_names([orders], b.graph)
    assert (name, why) == ("orders", "named after Order, a hub: 4 models refer to it (5 models here)")
    (name, _), = explain_names([("stripe.models.StripeObject", "stripe.models.ApplePayDomain",
                                 "base.models.Invoice")], b.graph)
    assert name == "stripe"


def _checkin_shop() -> GraphBuilder:
    """One god app: a hub Event every model refers to, a check-in domain whose Device owns the most by
    foreign keys, a review domain whose models share one word, baskets whose CASCADE aggregate is
    larger than the Voucher more models point at, an Order aggregate beside the hub."""
    b = GraphBuilder()
    names = ("Event", "Device", "DeviceLog", "Gate", "Checkin", "CheckinList", "AutoCheckinRule",
             "Order", "OrderLine", "OrderFee", "Basket", "BasketLine", "Voucher", "Offer",
             "Review", "ReviewScore", "ReviewPhase")
    for name in names:
        b.model(f"base.models.{name}", app="base")
    for name in names[1:]:
        b.edge(f"base.models.{name}", "base.models.Event", "fk", field="event", on_delete="CASCADE")
    for child, parent, rule in (("DeviceLog", "Device", "CASCADE"), ("Checkin", "Device", "PROTECT"),
                                ("Checkin", "CheckinList", "PROTECT"),
                                ("AutoCheckinRule", "CheckinList", "PROTECT"),
                                ("OrderLine", "Order", "CASCADE"), ("OrderFee", "Order", "CASCADE"),
                                ("BasketLine", "Basket", "CASCADE"), ("BasketLine", "Voucher", "PROTECT"),
                                ("Offer", "Voucher", "PROTECT"), ("ReviewScore", "ReviewPhase", "PROTECT")):
        b.edge(f"base.models.{child}", f"base.models.{parent}", "fk", on_delete=rule)
    return b


def test_a_hub_then_a_cascade_root_then_the_shared_word_name_a_service() -> None:
    m = "base.models."
    checkin = ("Device", "DeviceLog", "Gate", "Checkin", "CheckinList", "AutoCheckinRule")
    clusters = [tuple(m + n for n in ("Event", "Order", "OrderLine", "OrderFee")),
                tuple(m + n for n in checkin),
                tuple(m + n for n in ("Basket", "BasketLine", "Voucher", "Offer")),
                tuple(m + n for n in ("Review", "ReviewScore", "ReviewPhase"))]
    named = explain_names(clusters, _checkin_shop().graph)
    # the Order aggregate is larger, but the hub every model refers to is the service's identity
    assert named[0] == ("events", "named after Event, a hub: 16 models refer to it (4 models here)")
    assert named[1] == ("checkins", "named after Checkin, the word in the names of 3 of its 6 models")
    # more models point at Voucher; the CASCADE aggregate (Basket, BasketLine) decides
    assert named[2] == ("baskets", "named after Basket, root of a CASCADE aggregate of 2 of its 4 models")
    assert named[3] == ("reviews", "named after Review, the word in the names of 3 of its 3 models")


def test_models_whose_names_all_end_in_one_word_no_model_has_are_named_after_it() -> None:
    b = GraphBuilder()
    names = ("RearPortTemplate", "FrontPortTemplate", "ConsolePortTemplate", "PortTemplateNote",
             "Device", "Rack", "Site", "Cable")
    for name in names:
        b.model(f"dcim.models.{name}", app="dcim")  # an app larger than either cluster
    b.edge("dcim.models.FrontPortTemplate", "dcim.models.RearPortTemplate", "fk", on_delete="CASCADE")
    three = [f"dcim.models.{n}" for n in names[:3]]
    rest = [f"dcim.models.{n}" for n in names[4:]]
    named = explain_names([three, rest], b.graph)
    assert named[0] == ("templates", "named after Template, the word the names of all 3 of its models end in")
    (name, _), _ = explain_names([[*three, "dcim.models.PortTemplateNote"], rest], b.graph)
    assert name == "rear_port_templates"  # one name ends otherwise: the aggregate root names it


def test_a_cluster_without_models_is_named_after_its_app() -> None:
    b = GraphBuilder().function("reporting.views.dashboard", app="reporting").model("shop.models.Order")
    named = explain_names([("reporting.views.dashboard",), ("shop.models.Order",)], b.graph)
    assert named[0] == ("reporting", "named after the reporting app, which holds most of its code")
