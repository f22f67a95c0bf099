"""Aggregates as a hard rule: which CASCADE relations are compositional, and groups moved whole."""

from __future__ import annotations

from analyzer.boundaries.aggregates import compositional, keep_aggregates
from analyzer.boundaries.projection import canonical_ids
from tests.analyzer.graphs import GraphBuilder


def _shop() -> GraphBuilder:
    b = GraphBuilder()
    for name in ("Event", "Order", "OrderPosition", "Payment", "Ledger", "Note"):
        b.model(f"base.models.{name}")
    b.model("base.other.Invoice")
    for name in ("Order", "OrderPosition", "Payment", "Ledger", "Note", "Invoice"):
        module = "base.other" if name == "Invoice" else "base.models"
        b.edge(f"{module}.{name}", "base.models.Event", "fk", on_delete="CASCADE")
    return b


def test_compositional_cascades_share_a_models_module_and_a_name_a_transaction_or_a_non_hub_root() -> None:
    b = _shop()
    b.edge("base.models.OrderPosition", "base.models.Order", "fk", on_delete="CASCADE")  # named alike
    b.edge("base.models.Payment", "base.models.Order", "fk", on_delete="PROTECT")  # not a cascade
    b.edge("base.other.Invoice", "base.models.Payment", "fk", on_delete="CASCADE")  # another module
    b.edge("base.models.Ledger", "base.models.Payment", "fk", on_delete="CASCADE")  # root is no hub
    b.function("base.services.pay")
    b.atomic("base.services.pay", "base/services.py", 10, ("base.models.Note", "create"),
             ("base.models.Order", "update"))
    b.edge("base.models.Note", "base.models.Order", "fk", on_delete="CASCADE")  # written together
    project = b.build()
    found = compositional(project.graph, canonical_ids(project.graph), project.transactions)
    # Event is a hub (6 referrers of 7 models): its cascades are not compositional, except by name
    assert ("base.models.Order", "base.models.Event") not in found
    assert ("base.models.OrderPosition", "base.models.Order") in found
    assert ("base.models.Ledger", "base.models.Payment") in found
    assert ("base.models.Note", "base.models.Order") in found
    assert ("base.other.Invoice", "base.models.Payment") not in found
    assert ("base.models.Payment", "base.models.Order") not in found


def test_a_group_moves_whole_to_the_cluster_holding_most_of_it() -> None:
    assignment = {"a.Root": 0, "a.Child": 1, "a.Grandchild": 0, "b.Other": 1, "c.Pair": 2, "c.Part": 3}
    moved = keep_aggregates(assignment, [("a.Child", "a.Root"), ("a.Grandchild", "a.Child"),
                                          ("c.Part", "c.Pair"), ("x.Missing", "a.Root")])
    assert moved == {"a.Root": 0, "a.Child": 0, "a.Grandchild": 0, "b.Other": 1, "c.Pair": 2, "c.Part": 2}


def test_an_optional_cascade_composes_only_as_part_of_an_exclusive_arc() -> None:
    b = GraphBuilder()
    for name in ("Ticket", "Queue", "Article", "Cart", "Order", "Answer"):
        b.model(f"desk.models.{name}")
    b.edge("desk.models.Ticket", "desk.models.Queue", "fk", on_delete="CASCADE")
    b.edge("desk.models.Ticket", "desk.models.Article", "fk", on_delete="CASCADE", null=True)
    b.edge("desk.models.Answer", "desk.models.Cart", "fk", on_delete="CASCADE", null=True)
    b.edge("desk.models.Answer", "desk.models.Order", "fk", on_delete="CASCADE", null=True)
    project = b.build()
    found = compositional(project.graph, canonical_ids(project.graph), project.transactions)
    assert ("desk.models.Ticket", "desk.models.Queue") in found
    assert ("desk.models.Ticket", "desk.models.Article") not in found  # a link it can live without
    arc = {("desk.models.Answer", "desk.models.Cart"), ("desk.models.Answer", "desk.models.Order")}
    assert arc <= set(found)  # an answer belongs to whichever of the two is set
