"""Entities first: hubs, aggregates and the data graph, then code placed by the data it writes."""

from __future__ import annotations

import pytest

from analyzer.boundaries import entities
from analyzer.boundaries.config import Config
from analyzer.boundaries.entities import entity_edges, hub_scales, hubs
from analyzer.boundaries.projection import canonical_ids
from analyzer.boundaries.propose import propose_boundaries
from tests.analyzer.graphs import (
    LAYERED_DOMAINS,
    GraphBuilder,
    layered_ticket_shop,
    shop_with_orders_split_over_two_apps,
)

M = "base.models."


def _groups(proposal: object) -> list[list[str]]:
    return sorted(sorted(s.models) for s in proposal.services)  # type: ignore[attr-defined]


def test_a_model_referenced_by_most_models_is_a_hub_and_its_relations_count_for_less() -> None:
    graph = layered_ticket_shop().build().graph
    scales = hub_scales(graph)  # limit: max(2, 10% of the 10 models) referrers
    assert scales[M + "Event"] == pytest.approx(2 / 9)  # 9 referrers
    assert scales[M + "Item"] == pytest.approx(2 / 3)  # Variation, Quota, Position
    assert scales[M + "Order"] == 1.0  # Position, Fee
    assert hubs(graph) == (M + "Event",)  # Item's relations are scaled, but not by half


def test_a_cascade_relation_weighs_more_than_a_protect_one() -> None:
    b = GraphBuilder().model("lines.models.Line").model("orders.models.Order").model("catalog.models.Item")
    b.edge("lines.models.Line", "orders.models.Order", "fk", on_delete="CASCADE")
    b.edge("lines.models.Line", "catalog.models.Item", "fk", on_delete="PROTECT")
    graph = b.build().graph
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["lines.models.Line"]
    fk = Config().weights["fk"] * entities.CROSS_MODULE_FACTOR * entities.CROSS_APP_FACTOR  # three apps
    assert ties == {"orders.models.Order": fk * entities.CASCADE_FACTOR, "catalog.models.Item": fk,
                    "lines.models.Line": pytest.approx(ties["lines.models.Line"])}
    assert entities.CASCADE_FACTOR > 1


def test_a_set_null_relation_weighs_less_than_a_protect_one() -> None:
    b = GraphBuilder().model("shop.models.Order").model("shop.models.Voucher").model("shop.models.Line")
    b.edge("shop.models.Line", "shop.models.Order", "fk", on_delete="PROTECT")
    b.edge("shop.models.Line", "shop.models.Voucher", "fk", on_delete="SET_NULL")
    graph = b.build().graph
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["shop.models.Line"]
    fk = Config().weights["fk"]
    assert ties["shop.models.Order"] - ties["shop.models.Voucher"] == pytest.approx(
        fk * (1 - entities.SET_NULL_FACTOR))
    assert entities.SET_NULL_FACTOR < 1


def test_a_relation_within_one_models_module_weighs_more_than_one_into_another_module() -> None:
    b = GraphBuilder().model("orders.models.Order").model("orders.models.Line").model("catalog.models.Item")
    b.edge("orders.models.Line", "orders.models.Order", "fk")
    b.edge("orders.models.Line", "catalog.models.Item", "fk")
    graph = b.build().graph
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["orders.models.Line"]
    weights = Config().weights
    group = weights["same-module"] + weights["same-app"] * entities.APP_FACTOR  # one module, one app
    assert ties["orders.models.Order"] == pytest.approx(weights["fk"] + group)
    assert ties["catalog.models.Item"] == pytest.approx(
        weights["fk"] * entities.CROSS_MODULE_FACTOR * entities.CROSS_APP_FACTOR)  # another app too
    assert entities.CROSS_MODULE_FACTOR < 1


def test_two_models_of_one_module_named_alike_are_tied_more_than_their_module_neighbour() -> None:
    b = GraphBuilder().model("shop.models.Order").model("shop.models.OrderLine").model("shop.models.Invoice")
    graph = b.build().graph
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["shop.models.OrderLine"]
    name = Config().weights["same-module"] * entities.NAME_SHARE
    assert ties["shop.models.Order"] - ties["shop.models.Invoice"] == pytest.approx(name)
    assert ties["shop.models.Order"] > ties["shop.models.Invoice"]


def test_two_models_named_alike_each_written_by_its_own_code_are_not_tied_by_their_names() -> None:
    def order_ties(shared_writer: bool) -> dict[str, float]:
        b = GraphBuilder().model("shop.models.Order").model("shop.models.OrderPayment")
        b.model("shop.models.OrderLine")
        b.function("shop.checkout.place").edge("shop.checkout.place", "shop.models.Order", "orm-write")
        b.edge("shop.checkout.place", "shop.models.OrderLine", "orm-write")
        b.function("shop.psp.confirm").edge("shop.psp.confirm", "shop.models.OrderPayment", "orm-write")
        if shared_writer:
            b.edge("shop.checkout.place", "shop.models.OrderPayment", "orm-write")
        graph = b.build().graph
        return entity_edges(graph, canonical_ids(graph), Config().weights).ties()["shop.models.Order"]

    name = Config().weights["same-module"] * entities.NAME_SHARE
    apart, together = order_ties(False), order_ties(True)
    # OrderLine is written with Order (one life cycle); OrderPayment by its own code only
    assert apart["shop.models.OrderLine"] - apart["shop.models.OrderPayment"] == pytest.approx(
        name + entities.CO_WRITE)
    assert together["shop.models.OrderPayment"] == pytest.approx(together["shop.models.OrderLine"])


def test_every_pair_of_a_large_app_is_tied_alike_not_its_alphabetical_neighbours_more() -> None:
    b = GraphBuilder()
    names = [f"M{i:02d}" for i in range(70)]  # more than a ring's old threshold of 60
    for name in names:
        b.model(f"base.models.{name.lower()}.{name}", app="base")
    graph = b.build().graph
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()
    first = ties["base.models.m00.M00"]
    pair = Config().weights["same-app"] * entities.APP_FACTOR / (len(names) - 1)
    assert first["base.models.m01.M01"] == pytest.approx(pair)  # its neighbour in sorted order
    assert first["base.models.m35.M35"] == pytest.approx(pair)  # and one far from it
    assert len(first) == len(names)  # the 69 others and its self-loop (alone in its file)


def test_a_cascade_child_is_tied_to_its_root_more_than_a_protect_referrer() -> None:
    project = layered_ticket_shop().build()
    ties = entity_edges(project.graph, canonical_ids(project.graph), Config().weights).ties()
    position = ties[M + "Position"]
    assert position[M + "Order"] > position[M + "Item"]  # CASCADE to Order, PROTECT to Item
    assert position[M + "Event"] < position[M + "Order"] / 2


def test_relations_to_a_hub_and_reads_of_it_are_scaled_down(monkeypatch: pytest.MonkeyPatch) -> None:
    project = layered_ticket_shop().build()
    canon, weights = canonical_ids(project.graph), Config().weights
    scaled = entity_edges(project.graph, canon, weights).ties()
    monkeypatch.setattr(entities, "HUB_SHARE", 10.0)  # nothing is a hub any more
    plain = entity_edges(project.graph, canon, weights).ties()
    for name in ("Item", "Order", "CheckinList"):
        assert scaled[M + name][M + "Event"] < plain[M + name][M + "Event"] / 2
    assert scaled[M + "Order"][M + "Fee"] == pytest.approx(plain[M + "Order"][M + "Fee"])


def test_the_hub_does_not_pull_the_domains_of_a_layered_monolith_together() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    expected = [sorted(f"base.{n}" for n in names) for names in LAYERED_DOMAINS.values()]
    groups = _groups(proposal)
    assert all(domain in groups or any(set(domain) < set(g) and len(g) == 4 for g in groups)
               for domain in expected)
    assert not any(len(g) > 4 for g in groups)


def test_code_follows_the_data_it_writes_and_a_layer_module_is_split_by_it() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    service_of = dict(proposal.placement)
    for layer in ("control", "api"):
        for domain, models in LAYERED_DOMAINS.items():
            assert service_of[f"{layer}.views.{domain}_edit"] == service_of[M + models[0]]
    control = {service_of[f"control.views.{d}_edit"] for d in LAYERED_DOMAINS}
    assert len(control) == 3  # one layer module, three domains: split by what each part writes
    assert "control" not in {s.name for s in proposal.services}  # a layer app never names a service


def test_code_that_writes_nothing_goes_with_its_community() -> None:
    proposal = propose_boundaries(layered_ticket_shop().build(), Config())
    service_of = dict(proposal.placement)
    assert service_of["control.views.dashboard"] == service_of["control.views.catalog_edit"]


def test_a_model_alone_in_its_app_and_module_is_tied_to_itself() -> None:
    project = shop_with_orders_split_over_two_apps().build()
    edges = entity_edges(project.graph, canonical_ids(project.graph), Config().weights).edges
    loops = {u: w for u, v, w in edges if u == v}
    weights = Config().weights
    lone = entities.LONE_FACTOR * (weights["same-module"] + weights["same-app"] * entities.APP_FACTOR)
    assert loops == {"orders.models.Order": pytest.approx(lone),
                     "lines.models.OrderLine": pytest.approx(lone)}


def test_code_reading_a_hub_ties_it_by_the_hub_scale_and_writing_it_never_scales() -> None:
    b = GraphBuilder().model("events.models.Event")
    for name in ("A", "B", "C"):
        model = f"{name.lower()}.models.{name}"
        b.model(model).edge(model, "events.models.Event", "fk")
    b.function("a.views.edit").edge("a.views.edit", "a.models.A", "orm-write")
    b.edge("a.views.edit", "events.models.Event", "orm-read")
    b.function("b.views.rename").edge("b.views.rename", "events.models.Event", "orm-write")
    b.edge("b.views.rename", "b.models.B", "orm-read")
    graph = b.build().graph
    scale = hub_scales(graph)["events.models.Event"]
    assert scale == pytest.approx(2 / 3)
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["events.models.Event"]
    fk = Config().weights["fk"] * entities.CROSS_MODULE_FACTOR * scale
    other_app = fk * entities.CROSS_APP_FACTOR  # no code of a's app writes the hub
    assert ties["a.models.A"] == pytest.approx(other_app + entities.CO_WRITE_READ * scale)
    assert ties["b.models.B"] == pytest.approx(fk + entities.CO_WRITE_READ)  # b's code writes the hub


def test_the_hubs_own_code_reading_a_referrer_does_not_tie_them_the_referrers_code_does() -> None:
    b = GraphBuilder().model("events.models.Event").model("notes.models.Note")
    for name in ("A", "B", "C", "D"):
        model = f"{name.lower()}.models.{name}"
        b.model(model).edge(model, "events.models.Event", "fk")
    b.function("events.tasks.cleanup").edge("events.tasks.cleanup", "events.models.Event", "orm-write")
    b.edge("events.tasks.cleanup", "a.models.A", "orm-read")  # Event.objects.filter(a=None)
    b.function("events.tasks.annotate").edge("events.tasks.annotate", "events.models.Event", "orm-write")
    b.edge("events.tasks.annotate", "notes.models.Note", "orm-read")
    b.function("b.services.count").edge("b.services.count", "events.models.Event", "orm-write")
    b.edge("b.services.count", "b.models.B", "orm-read")  # the referrer's own code: a denormalised count
    graph = b.build().graph
    scale = hub_scales(graph)["events.models.Event"]
    assert entities.is_hub(scale)  # 4 referrers, limit 2
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["events.models.Event"]
    fk = Config().weights["fk"] * entities.CROSS_MODULE_FACTOR * scale
    other_app = fk * entities.CROSS_APP_FACTOR
    assert ties["a.models.A"] == pytest.approx(other_app) == pytest.approx(ties["c.models.C"])
    assert ties["b.models.B"] == pytest.approx(fk + entities.CO_WRITE_READ)  # b's code writes the hub
    assert ties["notes.models.Note"] == pytest.approx(entities.CO_WRITE_READ)


def test_a_model_alone_in_its_file_but_not_its_app_is_tied_to_itself_less() -> None:
    b = GraphBuilder().model("billing.models.invoice.Invoice", app="billing")
    b.model("billing.models.attachment.Attachment", app="billing")
    graph = b.build().graph
    edges = entity_edges(graph, canonical_ids(graph), Config().weights).edges
    loops = {u: w for u, v, w in edges if u == v}
    lone = entities.LONE_IN_FILE_FACTOR * Config().weights["same-module"]
    assert loops == {"billing.models.invoice.Invoice": pytest.approx(lone),
                     "billing.models.attachment.Attachment": pytest.approx(lone)}
    assert lone < Config().weights["same-app"] * entities.APP_FACTOR * 2  # the app still holds them


def _language_hub() -> GraphBuilder:
    """``lang.models``: the hub Language (5 referrers, limit 2) and its part Plural (CASCADE)."""
    b = GraphBuilder().model("lang.models.Language").model("lang.models.Plural")
    b.edge("lang.models.Plural", "lang.models.Language", "fk", on_delete="CASCADE")
    for name in ("Memory", "Glossary", "Font", "Profile"):
        model = f"{name.lower()}.models.{name}"
        b.model(model).edge(model, "lang.models.Language", "fk")
    return b


def test_a_relation_from_another_module_to_a_part_of_a_hub_weighs_as_one_to_the_hub() -> None:
    b = _language_hub().model("trans.models.Translation").model("lang.models.Alias")
    b.edge("trans.models.Translation", "lang.models.Plural", "fk", on_delete="CASCADE")
    b.edge("lang.models.Alias", "lang.models.Plural", "fk", on_delete="CASCADE")
    graph = b.build().graph
    scale = hub_scales(graph)
    assert entities.is_hub(scale["lang.models.Language"]) and scale.get("lang.models.Plural", 1.0) == 1.0
    assert entities.hub_parts(graph, scale) == {"lang.models.Plural": "lang.models.Language"}
    ties = entity_edges(graph, canonical_ids(graph), Config().weights).ties()["lang.models.Plural"]
    cascade = Config().weights["fk"] * entities.CASCADE_FACTOR
    assert ties["trans.models.Translation"] == pytest.approx(
        cascade * entities.CROSS_MODULE_FACTOR * entities.CROSS_APP_FACTOR * scale["lang.models.Language"])
    same_module = Config().weights["same-module"] + Config().weights["same-app"] * entities.APP_FACTOR
    assert ties["lang.models.Alias"] == pytest.approx(cascade + same_module / 2)  # its own module: whole


def test_a_unit_deleting_one_model_and_writing_another_does_not_tie_them() -> None:
    def voucher_ties(op: str) -> dict[str, float]:
        b = GraphBuilder().model("vouchers.models.Voucher").model("carts.models.Cart")
        b.function("vouchers.views.bulk_action")
        b.edge("vouchers.views.bulk_action", "vouchers.models.Voucher", "orm-write", op="delete")
        b.edge("vouchers.views.bulk_action", "vouchers.models.Voucher", "orm-write", op="update")
        b.edge("vouchers.views.bulk_action", "carts.models.Cart", "orm-write", op=op)
        graph = b.build().graph
        return entity_edges(graph, canonical_ids(graph), Config().weights).ties()["vouchers.models.Voucher"]

    assert voucher_ties("update")["carts.models.Cart"] == pytest.approx(entities.CO_WRITE)
    assert "carts.models.Cart" not in voucher_ties("delete")  # the voucher's carts cleared by hand


def test_code_that_only_deletes_a_model_still_writes_it_for_code_follows_data() -> None:
    b = GraphBuilder().model("carts.models.Cart").function("carts.tasks.clean")
    b.edge("carts.tasks.clean", "carts.models.Cart", "orm-write", op="delete")
    graph = b.build().graph
    canon = canonical_ids(graph)
    written, _ = entities.data_used(graph, canon, {"carts.models.Cart"})
    assert written == {"carts.tasks.clean": {"carts.models.Cart": Config().weights["orm-write"]}}
    assert entities.data_used(graph, canon, {"carts.models.Cart"}, deletes=False) == ({}, {})


def test_a_relation_into_another_app_weighs_less_unless_the_referrers_app_writes_the_target() -> None:
    def review_ties(writer: str | None) -> dict[str, float]:
        b = GraphBuilder().model("reviews.models.Review").model("catalog.models.Product")
        b.model("catalog.stock.Stock", app="catalog")
        b.edge("reviews.models.Review", "catalog.models.Product", "fk", on_delete="CASCADE")
        b.edge("catalog.stock.Stock", "catalog.models.Product", "fk", on_delete="CASCADE")
        if writer is not None:  # e.g. reviews.services.refresh_rating: the product's denormalised rating
            b.function(writer).edge(writer, "catalog.models.Product", "orm-write")
        graph = b.build().graph
        return entity_edges(graph, canonical_ids(graph), Config().weights).ties()["catalog.models.Product"]

    cascade = Config().weights["fk"] * entities.CASCADE_FACTOR * entities.CROSS_MODULE_FACTOR
    alone, rated, written_elsewhere = (review_ties(None), review_ties("reviews.services.refresh_rating"),
                                       review_ties("catalog.views.edit"))
    assert alone["reviews.models.Review"] == pytest.approx(cascade * entities.CROSS_APP_FACTOR)
    assert rated["reviews.models.Review"] == pytest.approx(cascade)  # the referrer's app writes it
    assert written_elsewhere["reviews.models.Review"] == pytest.approx(alone["reviews.models.Review"])
    assert alone["catalog.stock.Stock"] == pytest.approx(rated["catalog.stock.Stock"])  # one app: whole
    assert alone["catalog.stock.Stock"] > cascade
    assert entities.CROSS_APP_FACTOR < 1
