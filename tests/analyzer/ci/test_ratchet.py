"""The ratchet: crossings compared by what crosses, failing only when they grow."""

from __future__ import annotations

import json
from dataclasses import replace

from analyzer.ci.ratchet import (
    USE_KIND,
    baseline_crossings,
    compare_crossings,
    crossings,
    placement_from,
    result_to_json,
)
from analyzer.model.analysis import Violation
from tests.analyzer.graphs import GraphBuilder
from tests.helpers.small_analysis import small_analysis

NEW_JOIN = Violation("V-cross-service-join-9", "cross-service-join", "orders/report.py", 7, "orders",
                     ("catalog",), "orders_order JOIN catalog_product", "Compose through the API.")


def test_the_baseline_holds_violations_and_cross_service_uses() -> None:
    found = baseline_crossings(small_analysis())
    assert [c.kind for c in found] == ["cross-service-fk", USE_KIND, "distributed-transaction"]
    use = found[1]
    assert (use.source, use.targets, use.subject, use.path, use.line) == (
        "orders", ("catalog",), "catalog.models.Product", "orders/views.py", 14)


def test_unchanged_code_passes() -> None:
    analysis = small_analysis()
    result = compare_crossings(baseline_crossings(analysis), baseline_crossings(analysis))
    assert result.ok and (result.baseline, result.current, result.new, result.fixed) == (3, 3, (), ())


def test_a_new_violation_fails_and_is_reported_with_its_place() -> None:
    analysis = small_analysis()
    current = crossings((*analysis.violations, NEW_JOIN), analysis.interfaces)
    result = compare_crossings(baseline_crossings(analysis), current)
    assert not result.ok
    assert [(c.kind, c.path, c.line) for c in result.new] == [("cross-service-join", "orders/report.py", 7)]


def test_moved_code_is_not_new_and_a_removed_crossing_is_fixed() -> None:
    analysis = small_analysis()
    fk = analysis.violations[0]
    moved = replace(fk, path="orders/models.py", line=60)
    result = compare_crossings(baseline_crossings(analysis), crossings((moved,), analysis.interfaces))
    assert result.ok
    assert [c.kind for c in result.fixed] == ["distributed-transaction"]


def test_a_second_place_for_the_same_crossing_counts_as_growth() -> None:
    analysis = small_analysis()
    fk = analysis.violations[0]
    again = replace(fk, id="V-other", path="orders/legacy.py", line=3)
    result = compare_crossings(baseline_crossings(analysis),
                               crossings((*analysis.violations, again), analysis.interfaces))
    assert [(c.path, c.line) for c in result.new] == [("orders/legacy.py", 3)]


def test_json_output() -> None:
    analysis = small_analysis()
    current = crossings((*analysis.violations, NEW_JOIN), analysis.interfaces)
    document = json.loads(result_to_json(compare_crossings(baseline_crossings(analysis), current)))
    assert document["ok"] is False
    assert (document["baseline"], document["current"]) == (3, 4)
    assert document["new"][0]["subject"] == "orders_order JOIN catalog_product"


def test_placement_follows_the_baseline_by_unit_module_app_and_table() -> None:
    b = GraphBuilder().function("catalog.views.product_list").function("catalog.views.new_view")
    b.function("orders.api.new").function("misc.x", app="")
    b.model("orders.models.Order", app="", table="orders_line")
    b.model("catalog.models.Product", app="", table="catalog_product")
    b.route("/new/", "catalog.views.new_view")
    place = placement_from(small_analysis(), b.graph)
    assert [place(n) for n in ("catalog.views.product_list", "catalog.views.new_view", "orders.api.new",
                               "misc.x", "orders.models.Order", "table:catalog_product",
                               "table:orders_line", "route:/new/", "absent")] == [
        "catalog", "catalog", "orders", None, "orders", "catalog", "orders", "catalog", None]


def test_the_shared_libraries_are_placed_in_no_service_as_analyze_placed_them() -> None:
    # oscar.core.loading is shared, and its app (oscar) is the first app of a service: analyze
    # counts no crossing into it, so check must not either.
    analysis = small_analysis()
    orders = replace(analysis.services[1], apps=("common", "orders"))
    analysis = replace(analysis, services=(analysis.services[0], orders))
    graph = GraphBuilder().function("common.utils.slugify").function("common.other.helper").graph
    place = placement_from(analysis, graph)
    assert [place(n) for n in ("common.utils.slugify", "module:common.utils", "common.other.helper")] == [
        None, None, "orders"]
