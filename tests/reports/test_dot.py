"""DOT output: deterministic, escaped, and the inside graph shows what a service holds."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from analyzer.model.analysis import Analysis
from reports.dot import module_of, module_of_path, quote, service_inside_dot, service_map_dot
from tests.reports.fakes import HOSTILE, hostile_analysis


def test_service_map_has_one_node_per_service_and_weighted_edges(analysis: Analysis) -> None:
    dot = service_map_dot(analysis)
    assert '"catalog" [URL="#svc-catalog"' in dot
    assert '"orders" [URL="#svc-orders"' in dot
    assert '"orders" -> "catalog" [label="5", penwidth=6' in dot


def test_service_map_is_the_same_whatever_the_input_order(analysis: Analysis) -> None:
    shuffled = dataclasses.replace(analysis, services=analysis.services[::-1],
                                   dependencies=analysis.dependencies[::-1])
    assert service_map_dot(shuffled) == service_map_dot(analysis)


def test_quote_escapes_what_dot_would_interpret() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_inside_graph_links_routes_modules_models_tables_and_foreign_models(
        analysis: Analysis) -> None:
    dot = service_inside_dot(analysis, analysis.service("orders"))
    assert '"route:/api/orders/checkout/" -> "module:orders.views"' in dot
    assert '"module:orders.models" -> "model:orders.Order"' in dot
    assert '"model:orders.Order" -> "table:orders_order"' in dot
    assert '"model:orders.Order" -> "model:catalog.Product" [style="dashed"]' in dot
    assert '"module:orders.views" -> "unit:catalog.models.Product" [style="dashed"]' in dot


def test_module_helpers() -> None:
    assert module_of("orders.views.checkout", ["orders", "orders.views"]) == "orders.views"
    assert module_of("x.y.z", []) == "x.y"
    assert module_of_path("orders/api/__init__.py") == "orders.api"


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
def test_real_dot_accepts_hostile_names_and_escapes_them_in_svg() -> None:
    analysis = hostile_analysis()
    renamed = dataclasses.replace(analysis.services[0], name=f'cat"alog\\{HOSTILE}')
    analysis = dataclasses.replace(analysis, services=(renamed, *analysis.services[1:]))
    for dot in (service_map_dot(analysis), service_inside_dot(analysis, renamed)):
        proc = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True,
                              timeout=30, check=False)
        assert proc.returncode == 0, proc.stderr
        assert "<script" not in proc.stdout
