"""Code follows data: writers by what they write, the rest by their community's data."""

from __future__ import annotations

from analyzer.boundaries.follow_data import community_homes, follow_data

ENTITIES = {"Item": 0, "Order": 1, "Event": 2}


def test_a_writer_goes_with_what_it_writes_most_whatever_its_community() -> None:
    written = {"edit_item": {"Item": 6.0}, "edit_order": {"Order": 6.0, "Item": 3.0}}
    community = {"edit_item": 7, "edit_order": 7, "Item": 7, "Order": 8, "Event": 9}
    placed = follow_data(ENTITIES, written, {}, {}, community)
    assert (placed["edit_item"], placed["edit_order"]) == (0, 1)  # one module, split by its writes


def test_a_reader_goes_with_its_community_whose_code_writes_most() -> None:
    written = {"save_order": {"Order": 12.0}, "touch_item": {"Item": 6.0}}
    read = {"dashboard": {"Item": 30.0}}
    community = {"save_order": 5, "touch_item": 5, "dashboard": 5, "Item": 6, "Order": 5, "Event": 6}
    assert follow_data(ENTITIES, written, read, {}, community)["dashboard"] == 1


def test_a_community_without_writes_goes_by_the_entities_it_holds_then_by_reads() -> None:
    read = {"report": {"Event": 9.0, "Item": 2.0}, "list": {"Order": 1.0}}
    community = {"report": 3, "Event": 3, "list": 4, "Item": 5, "Order": 5}
    assert community_homes(ENTITIES, {}, read, {}, community) == {3: 2, 4: 1, 5: 0}
    scaled = community_homes(ENTITIES, {}, {"report": read["report"]}, {"Event": 0.1},
                             {"report": 3, "Event": 6, "Item": 5, "Order": 5})
    assert scaled[3] == 0  # a hub's reads count by its scale: 0.9 for Event, 2 for Item


def test_code_of_a_community_without_data_is_left_to_attach() -> None:
    placed = follow_data(ENTITIES, {}, {}, {}, {"helper": 4, "Item": 1, "Order": 1, "Event": 2})
    assert "helper" not in placed and placed["Item"] == 0


def test_a_module_is_split_only_by_what_its_parts_write() -> None:
    from analyzer.boundaries.follow_data import keep_modules_whole

    placed = {"svc.cart": 0, "svc.totals": 0, "svc.render": 0, "svc.ship": 1, "svc.quote": 1, "svc.zone": 2,
              "checks.a": 3, "checks.b": 3, "checks.c": 4}
    module_of = {u: u.split(".")[0] for u in placed}
    kept = keep_modules_whole(placed, module_of, writers={"svc.cart", "svc.ship"})
    assert kept["svc.quote"] == 1  # a writer of its module is there: shipping's helpers stay with it
    assert kept["svc.zone"] == 0  # no writer of its module in cluster 2: back to the module's main
    assert kept["checks.c"] == 3  # a module that writes nothing stays whole
    assert {u: kept[u] for u in ("svc.cart", "svc.ship", "svc.totals")} == {"svc.cart": 0, "svc.ship": 1,
                                                                           "svc.totals": 0}
