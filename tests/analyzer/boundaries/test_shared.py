"""The "common" trap: a utility module used by every app is a shared-library candidate."""

from __future__ import annotations

from analyzer.boundaries.shared import find_shared_modules
from tests.analyzer.graphs import GraphBuilder


def _apps_using_common(with_table: bool = False) -> GraphBuilder:
    b = GraphBuilder().function("common.money.to_money").function("common.money.Money", kind="class")
    if with_table:
        b.model("common.money.Rate")
    for app in ("orders", "catalog", "payments", "shipping"):
        b.model(f"{app}.models.Thing").function(f"{app}.views.view")
        b.edge(f"{app}.views.view", "common.money.to_money", "call")
        b.edge(f"module:{app}.views", "common.money.Money", "import")
    return b


def test_a_module_every_app_calls_is_shared() -> None:
    (shared,) = find_shared_modules(_apps_using_common().graph)
    assert shared.module == "common.money"
    assert shared.used_by_apps == ("catalog", "orders", "payments", "shipping")
    assert "module:common.money" in shared.nodes and "common.money.to_money" in shared.nodes


def test_a_module_with_a_table_or_few_users_is_not() -> None:
    assert find_shared_modules(_apps_using_common(with_table=True).graph) == ()
    b = GraphBuilder().function("common.money.to_money")
    for app in ("orders", "catalog"):
        b.function(f"{app}.views.view").edge(f"{app}.views.view", "common.money.to_money", "call")
    assert find_shared_modules(b.graph) == ()


def test_a_test_base_every_app_tests_use_is_not_a_library() -> None:
    b = GraphBuilder().function("common.testing.base.BaseTestCase", kind="class")
    for app in ("orders", "catalog", "payments", "shipping"):
        b.model(f"{app}.models.Thing").function(f"{app}.tests.test_views.TestView", kind="class")
        b.edge(f"{app}.tests.test_views.TestView", "common.testing.base.BaseTestCase", "inherit")
    assert find_shared_modules(b.graph) == ()
