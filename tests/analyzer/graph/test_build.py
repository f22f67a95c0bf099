"""build_graph on small hand-written facts: nodes, one edge of each kind, weights from the table."""

from __future__ import annotations

from typing import Any

import networkx as nx

from analyzer.boundaries.config import Config
from analyzer.graph.build import build_graph
from analyzer.graph.weights import DEFAULT_WEIGHTS
from analyzer.model.facts import (
    AppFact,
    AtomicBlock,
    Definition,
    FieldFact,
    ImportFact,
    ModelFact,
    ModuleFacts,
    OrmQuery,
    ProjectFacts,
    Reference,
    RouteFact,
    SettingsFacts,
    SignalReceiver,
    SqlSite,
)


def definition(qualname: str, kind: str, line: int, end: int, bases: tuple[str, ...] = ()) -> Definition:
    path = qualname.split(".")[0] + "/" + qualname.split(".")[1] + ".py"
    return Definition(qualname, kind, bases, (), path, line, end)


def call(scope: str, target: str, path: str, line: int) -> Reference:
    return Reference(scope, target, "call", True, 1, path, line)


def model(label: str, qualname: str, table: str, line: int, fields: tuple[FieldFact, ...] = (),
          abstract: bool = False) -> ModelFact:
    app, name = label.split(".")
    module = qualname.rsplit(".", 1)[0]
    return ModelFact(name, label, qualname, module, app, "" if abstract else table, abstract, False, (), (),
                     fields, ("objects",), module.replace(".", "/") + ".py", line, line + 9)


def orm(scope: str, label: str, access: str, methods: tuple[str, ...], line: int,
        related: tuple[str, ...] = ()) -> OrmQuery:
    return OrmQuery(scope, label, "objects", methods, access, (), "orders/services.py", line, related)


FK = FieldFact("product", "django.db.models.ForeignKey", "fk", "catalog.Product", None, None, 22,
               target_label="catalog.Product", on_delete="PROTECT")
M2M = FieldFact("tags", "django.db.models.ManyToManyField", "m2m", "catalog.Tag", None, None, 23,
                target_label="catalog.Tag", m2m_table="orders_order_tags")
MODULES = (
    ModuleFacts("catalog/models.py", "catalog.models", False, 40, definitions=(
        definition("catalog.models.Stamped", "class", 3, 8),
        definition("catalog.models.Product", "class", 10, 19, bases=("catalog.models.Stamped",)),
        definition("catalog.models.Tag", "class", 21, 30),
    )),
    ModuleFacts("catalog/services.py", "catalog.services", False, 30, definitions=(
        definition("catalog.services.price", "function", 3, 9),
        definition("catalog.services.Pricer", "class", 11, 25),
        definition("catalog.services.Pricer.quote", "method", 12, 25),
        definition("catalog.services.on_order", "function", 27, 30),
    )),
    ModuleFacts("orders/models.py", "orders.models", False, 30,
                definitions=(definition("orders.models.Order", "class", 20, 29),)),
    ModuleFacts(
        "orders/services.py", "orders.services", False, 60,
        imports=(ImportFact("orders.services", "price", "catalog.services.price", 0,
                            "orders/services.py", 1),),
        definitions=(definition("orders.services.place_order", "function", 5, 20),
                     definition("orders.services.Checkout", "class", 22, 40),
                     definition("orders.services.Checkout.run", "method", 23, 40)),
        references=(call("orders.services.place_order", "catalog.services.price", "orders/services.py", 8),
                    call("orders.services.Checkout.run", "catalog.services.Pricer.quote",
                         "orders/services.py", 30)),
    ),
    ModuleFacts("orders/views.py", "orders.views", False, 10,
                definitions=(definition("orders.views.order_list", "function", 3, 10),)),
    ModuleFacts("orders/reports.py", "orders.reports", False, 10,
                definitions=(definition("orders.reports.totals", "function", 3, 10),)),
)
SQL = SqlSite("orders.reports.totals", "execute", "…", False, True, ("orders_order", "catalog_product"),
              ("report_cache",), (("orders_order", "catalog_product"),), "orders/reports.py", 5)


def facts() -> ProjectFacts:
    """Two apps, three models, and one fact of each kind that makes an edge."""
    settings = SettingsFacts("shop.settings", "shop/settings.py", ("catalog", "orders"), "sqlite3", "sqlite",
                             "auth.User", "shop.urls")
    return ProjectFacts(
        schema_version=1, tool_version="test", settings=settings,
        apps=(AppFact("catalog", "catalog", "catalog"), AppFact("orders", "orders", "orders")),
        models=(model("catalog.Product", "catalog.models.Product", "catalog_product", 10),
                model("catalog.Stamped", "catalog.models.Stamped", "", 3, abstract=True),
                model("catalog.Tag", "catalog.models.Tag", "catalog_tag", 21),
                model("orders.Order", "orders.models.Order", "orders_order", 20, (FK, M2M))),
        routes=(RouteFact("orders/", "orders.views.order_list", "function", "orders:list", "orders.urls",
                          True, "orders/urls.py", 4),),
        orm=(orm("orders.services.place_order", "orders.Order", "write", ("create",), 12),
             orm("orders.views.order_list", "orders.Order", "read", ("filter",), 5,
                 related=("catalog.Tag",))),
        signals=(SignalReceiver("django.db.models.signals.post_save", "catalog.services.on_order",
                                "orders.Order", "receiver", "catalog.services", "catalog/services.py", 26),),
        atomic_blocks=(AtomicBlock("orders.services.place_order", "with", ("orders.Order",), (), (),
                                   "orders/services.py", 10, 15),),
        tasks=(), commands=(), sql=(SQL,), modules=MODULES, warnings=(),
    )


def edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(u, v, a["kind"]): a for u, v, a in graph.edges(data=True)}


def test_nodes_are_units_modules_models_tables_and_routes_with_their_attributes() -> None:
    graph = build_graph(facts()).graph
    kinds = dict(graph.nodes(data="kind"))
    assert kinds["module:orders.services"] == "module"
    assert kinds["orders.services.place_order"] == "function"
    assert kinds["orders.services.Checkout"] == "class"
    assert "orders.services.Checkout.run" not in graph  # methods fold into their class: the placed unit
    assert kinds["orders.models.Order"] == kinds["catalog.models.Stamped"] == "model"
    assert {n for n, k in kinds.items() if k == "table"} == {
        "table:catalog_product", "table:catalog_tag", "table:orders_order", "table:orders_order_tags",
        "table:report_cache",
    }
    assert kinds["route:/orders/"] == "route"
    order = graph.nodes["orders.models.Order"]
    assert (order["app"], order["module"], order["label"], order["table"]) == (
        "orders", "orders.models", "orders.Order", "orders_order")
    assert graph.nodes["table:orders_order"]["model"] == "orders.models.Order"
    assert graph.nodes["table:report_cache"]["app"] == ""  # a raw-SQL table without a model
    assert graph.nodes["orders.services.place_order"]["lines"] == 16
    assert graph.nodes["catalog.models.Stamped"]["abstract"] is True


def test_one_edge_of_each_kind_weighted_from_the_default_table() -> None:
    project = build_graph(facts())
    found = edges(project.graph)
    expected = {
        ("module:orders.services", "catalog.services.price", "import"),
        ("orders.services.place_order", "catalog.services.price", "call"),
        ("orders.services.Checkout", "catalog.services.Pricer", "call"),
        ("catalog.models.Product", "catalog.models.Stamped", "inherit"),
        ("orders.models.Order", "catalog.models.Product", "fk"),
        ("orders.models.Order", "catalog.models.Tag", "m2m"),
        ("orders.views.order_list", "table:orders_order", "orm-read"),
        ("orders.views.order_list", "table:catalog_tag", "orm-read"),
        ("orders.services.place_order", "table:orders_order", "orm-write"),
        ("orders.reports.totals", "table:orders_order", "sql-read"),
        ("orders.reports.totals", "table:catalog_product", "sql-read"),
        ("orders.reports.totals", "table:report_cache", "sql-write"),
        ("orders.reports.totals", "table:orders_order", "sql-join"),
        ("orders.reports.totals", "table:catalog_product", "sql-join"),
        ("catalog.services.on_order", "orders.models.Order", "signal"),
        ("orders.services.place_order", "table:orders_order", "transaction"),
        ("route:/orders/", "orders.views.order_list", "route-view"),
    }
    assert set(found) == expected
    for (_, _, kind), attrs in found.items():
        assert attrs["weight"] == DEFAULT_WEIGHTS[kind]
        assert attrs["path"] and attrs["line"] > 0
    assert found[("orders.models.Order", "catalog.models.Product", "fk")]["subject"] == (
        "orders.Order.product -> catalog.Product")
    assert found[("orders.models.Order", "catalog.models.Product", "fk")]["on_delete"] == "PROTECT"
    assert "on_delete" not in found[("orders.models.Order", "catalog.models.Tag", "m2m")]
    assert found[("orders.views.order_list", "table:catalog_tag", "orm-read")]["via"] == "orders.Order"
    assert found[("orders.reports.totals", "table:orders_order", "sql-join")]["join"] == (
        "orders_order JOIN catalog_product")
    (transaction,) = project.transactions
    assert (transaction.unit, [w.table for w in transaction.writes]) == (
        "orders.services.place_order", ["table:orders_order"])
    assert DEFAULT_WEIGHTS["orm-write"] > DEFAULT_WEIGHTS["call"] > DEFAULT_WEIGHTS["import"]


def test_weights_come_from_the_configuration_when_overridden() -> None:
    config = Config(weight_overrides=(("call", 7.5), ("fk", 0.25), ("sql-join", 0.0)))
    found = edges(build_graph(facts(), config.weights).graph)
    assert found[("orders.services.place_order", "catalog.services.price", "call")]["weight"] == 7.5
    assert found[("orders.models.Order", "catalog.models.Product", "fk")]["weight"] == 0.25
    assert found[("orders.reports.totals", "table:orders_order", "sql-join")]["weight"] == 0.0
    assert found[("orders.models.Order", "catalog.models.Tag", "m2m")]["weight"] == DEFAULT_WEIGHTS["m2m"]


def test_the_same_facts_give_the_same_graph_in_the_same_order() -> None:
    first, second = build_graph(facts()).graph, build_graph(facts()).graph
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))
