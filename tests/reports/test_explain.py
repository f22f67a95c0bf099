"""The analyzer's explanations in sentences: per model, per aggregate, per split module."""

from __future__ import annotations

import dataclasses

from analyzer.model.analysis import FieldInfo, ModelInfo
from analyzer.model.explanations import ModelPlacement, PlacementTie, app_home
from reports.explain import aggregates_of, model_stories, notable_stories, split_stories, tie_text
from tests.reports.fakes import explained_analysis


def test_a_cascade_child_names_its_root_and_the_line_of_its_relation() -> None:
    story = model_stories(explained_analysis())["orders.OrderLine"]
    assert story.sentence == ("orders.OrderLine is here because it is a CASCADE child of orders.Order "
                              "(orders/models.py:15).")
    assert story.root == "orders.Order" and not story.moved


def test_a_root_says_how_many_models_its_aggregate_has_and_its_strongest_tie() -> None:
    story = model_stories(explained_analysis())["orders.Order"]
    assert story.sentence == ("orders.Order is here because it is the root of an aggregate of 2 models, "
                              "and orders.views.checkout writes it (orders/views.py:12).")
    assert [(t.text, t.where) for t in story.ties] == [
        ("orders.views.checkout writes it", "orders/views.py:12"),
        ("a foreign key ties it to orders.OrderLine", "orders/models.py:15")]


def test_a_model_away_from_its_app_says_where_its_app_is_and_what_pulled_it() -> None:
    story = model_stories(explained_analysis())["catalog.Review"]
    assert story.moved and story.home == "catalog"
    assert story.sentence == ("catalog.Review is in orders, away from most of catalog (in catalog), "
                              "because orders.views.checkout writes it (orders/views.py:14).")


def test_a_hub_says_why_its_referrers_hold_its_id() -> None:
    story = model_stories(explained_analysis())["catalog.Product"]
    assert story.hub and story.sentence.startswith("catalog.Product is a hub: 2 models refer to it")
    assert [s.label for s in notable_stories(model_stories(explained_analysis()))] == [
        "catalog.Product", "catalog.Review"]


def test_a_tie_between_two_models_claims_no_direction_and_a_module_node_is_named() -> None:
    models = frozenset({"orders.Order"})
    assert tie_text(PlacementTie("orm-write", "orders.Order", 1.0, "a.py", 1), models) == \
        "an ORM write ties it to orders.Order"
    assert tie_text(PlacementTie("orm-write", "orders.views.pay", 1.0, "a.py", 1), models) == \
        "orders.views.pay writes it"
    assert tie_text(PlacementTie("import", "module:shop.models", 1.0, "a.py", 1)) == \
        "the module shop.models imports it"


def test_a_model_without_ties_says_so() -> None:
    analysis = explained_analysis()
    bare = tuple(dataclasses.replace(p, ties=()) if p.label == "catalog.Review" else p
                 for p in analysis.model_placements)
    story = model_stories(dataclasses.replace(analysis, model_placements=bare))["catalog.Review"]
    assert story.sentence == ("catalog.Review is in orders, away from most of catalog (in catalog); "
                              "no tie of it there is strong enough to name.")


def test_aggregates_list_their_cascade_members_and_splits_say_what_each_part_writes() -> None:
    analysis = explained_analysis()
    orders = aggregates_of(analysis)["orders"]
    assert [g.sentence for g in orders] == ["catalog.Review", "orders.Order with 1 model: orders.OrderLine"]
    (split,) = split_stories(analysis)
    assert split.sentence == ("orders.views is split over 2 services (catalog, orders): its parts serve "
                              "different data: 1 to orders (they write orders.Order); 1 to catalog "
                              "(they write catalog.Product).")


def test_an_analysis_without_explanations_has_no_stories() -> None:
    analysis = dataclasses.replace(explained_analysis(), model_placements=(), module_splits=())
    assert model_stories(analysis) == {} and split_stories(analysis) == ()


def test_a_grandchild_names_the_line_of_its_relation_inside_the_aggregate() -> None:
    analysis = explained_analysis()
    fields = (FieldInfo("product", "ForeignKey", 31, relation="fk", target="catalog.Product"),
              FieldInfo("line", "ForeignKey", 32, relation="fk", target="orders.OrderLine"))
    tax = ModelInfo("orders.LineTax", "orders", "LineTax", "orders.models", "orders_linetax",
                    "orders/models.py", 30, 33, fields=fields)
    child = ModelPlacement("orders.LineTax", "orders", "orders", "orders.Order", False, (), "")
    grown = dataclasses.replace(analysis, models=(*analysis.models, tax),
                                model_placements=(*analysis.model_placements, child))
    assert model_stories(grown)["orders.LineTax"].sentence == (
        "orders.LineTax is here because it is a CASCADE child of orders.Order (orders/models.py:32).")


def test_a_model_of_an_app_spread_over_services_is_not_away_from_it() -> None:
    assert app_home({"orders": 3, "catalog": 1}) == "orders"
    assert app_home({"orders": 1, "catalog": 1}) == "catalog"  # half, ties by name
    assert app_home({"orders": 2, "catalog": 2, "checkin": 1}) == ""
    analysis = explained_analysis()
    moved = {"catalog.Product": "catalog", "catalog.Review": "orders", "orders.Order": "billing"}
    spread = tuple(dataclasses.replace(p, app_label="base", service=moved[p.label]) if p.label in moved else p
                   for p in analysis.model_placements)  # base: one model in each of three services
    stories = model_stories(dataclasses.replace(analysis, model_placements=spread))
    assert not any(s.moved for s in stories.values()) and notable_stories(stories)[0].hub
    assert stories["catalog.Review"].sentence == (
        "catalog.Review is here because orders.views.checkout writes it (orders/views.py:14).")
