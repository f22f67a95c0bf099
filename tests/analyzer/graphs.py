"""Hand-built dependency graphs for the boundary tests: small, with an obvious right answer."""

from __future__ import annotations

from typing import Unpack

import networkx as nx

from analyzer.graph.build import ProjectGraph, Transaction, Write
from analyzer.graph.schema import (
    EdgeAttrs,
    EdgeExtra,
    EdgeKind,
    NodeAttrs,
    NodeKind,
    add_edge,
    add_node,
    node_attrs,
)
from analyzer.graph.weights import DEFAULT_WEIGHTS


class GraphBuilder:
    """Adds nodes and edges through analyzer.graph.schema's constructors, as analyzer.graph.build does."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.transactions: list[Transaction] = []

    def _module(self, qualname: str, app: str | None) -> tuple[str, str]:
        module = qualname.rpartition(".")[0]
        app = app if app is not None else module.split(".")[0]
        if f"module:{module}" not in self.graph:
            add_node(self.graph, f"module:{module}", {
                "kind": "module", "app": app, "module": module, "path": module.replace(".", "/") + ".py",
                "line": 1, "lines": 10})
        return module, app

    def model(
        self, qualname: str, app: str | None = None, table: str | None = None, abstract: bool = False
    ) -> GraphBuilder:
        """Add a model ``app.models.Name`` and, unless abstract, its table ``app_name``."""
        module, app = self._module(qualname, app)
        name = qualname.rsplit(".", 1)[-1]
        table = table or f"{app}_{name.lower()}"
        add_node(self.graph, qualname, {
            "kind": "model", "app": app, "module": module, "path": module.replace(".", "/") + ".py",
            "line": 1, "lines": 20, "label": f"{app}.{name}", "abstract": abstract,
            "table": "" if abstract else table})
        if not abstract:
            add_node(self.graph, f"table:{table}", {
                "kind": "table", "app": app, "module": module, "path": "", "line": 1, "lines": 0,
                "model": qualname})
        return self

    def function(self, qualname: str, app: str | None = None, kind: NodeKind = "function") -> GraphBuilder:
        """Add a function (or class) unit."""
        module, app = self._module(qualname, app)
        add_node(self.graph, qualname, {
            "kind": kind, "app": app, "module": module, "path": module.replace(".", "/") + ".py",
            "line": 1, "lines": 10})
        return self

    def table(
        self, name: str, related: tuple[tuple[str, str], ...] = (), framework: str = ""
    ) -> GraphBuilder:
        """Add a table no model maps (raw SQL only), with what annotate_tables would record on it."""
        attrs: NodeAttrs = {"kind": "table", "app": "", "module": "", "path": "", "line": 1, "lines": 0}
        if related:
            attrs["related"] = related
        if framework:
            attrs["framework"] = framework
        add_node(self.graph, f"table:{name}", attrs)
        return self

    def route(self, pattern: str, view: str) -> GraphBuilder:
        """Add a route and its route-view edge."""
        add_node(self.graph, f"route:{pattern}", {
            "kind": "route", "app": "", "module": "", "path": "urls.py", "line": 1, "lines": 0,
            "pattern": pattern})
        return self.edge(f"route:{pattern}", view, "route-view")

    def edge(
        self,
        source: str,
        target: str,
        kind: EdgeKind,
        path: str = "x.py",
        line: int = 1,
        times: int = 1,
        **extra: Unpack[EdgeExtra],
    ) -> GraphBuilder:
        """Add ``times`` edges of ``kind``; a model target of an ORM/SQL edge means its table."""
        attrs = node_attrs(self.graph)
        if kind.startswith(("orm-", "sql-")) and attrs[target]["kind"] == "model":
            target = f"table:{attrs[target]['table']}"
        for _ in range(times):
            add_edge(self.graph, source, target,
                     {"kind": kind, "weight": DEFAULT_WEIGHTS[kind], "path": path, "line": line, **extra})
        return self

    def atomic(self, unit: str, path: str, line: int, *writes: tuple[str, str]) -> GraphBuilder:
        """Add a transaction in ``unit`` writing (model qualname, op) pairs in order."""
        entries = []
        for offset, (model, op) in enumerate(writes, start=1):
            table = f"table:{node_attrs(self.graph)[model]['table']}"
            entries.append(Write(table, op, line + offset))
            self.edge(unit, model, "orm-write", path, line + offset, op=op)
            atomic: EdgeAttrs = {"kind": "transaction", "weight": DEFAULT_WEIGHTS["transaction"],
                                 "path": path, "line": line}
            add_edge(self.graph, unit, table, atomic)
        self.transactions.append(Transaction(unit, path, line, tuple(entries)))
        return self

    def build(self) -> ProjectGraph:
        """The ProjectGraph for propose_boundaries."""
        return ProjectGraph(self.graph, tuple(self.transactions))


def legacy_app_with_two_domains() -> GraphBuilder:
    """One app, ``legacy``, holding billing (Invoice, Payment, Refund) and catalog (Product...)."""
    b = GraphBuilder()
    for name in ("Invoice", "Payment", "Refund", "Product", "Category", "Stock"):
        b.model(f"legacy.models.{name}")
    b.function("legacy.billing.charge").function("legacy.billing.refund")
    b.function("legacy.shop.list_products").function("legacy.shop.restock")
    m = "legacy.models."
    b.edge(m + "Payment", m + "Invoice", "fk").edge(m + "Refund", m + "Payment", "fk")
    b.edge(m + "Product", m + "Category", "fk").edge(m + "Stock", m + "Product", "fk")
    b.atomic(
        "legacy.billing.charge", "legacy/billing.py", 10, (m + "Invoice", "create"), (m + "Payment", "create")
    )
    b.atomic(
        "legacy.billing.refund", "legacy/billing.py", 30, (m + "Refund", "create"), (m + "Payment", "update")
    )
    b.edge("legacy.shop.list_products", m + "Product", "orm-read").edge(
        "legacy.shop.list_products", m + "Category", "orm-read"
    )
    b.edge("legacy.shop.restock", m + "Stock", "orm-write").edge(
        "legacy.shop.restock", m + "Product", "orm-read"
    )
    b.edge("legacy.billing.charge", m + "Product", "orm-read", "legacy/billing.py", 12)
    return b


def shop_with_orders_split_over_two_apps() -> GraphBuilder:
    """Apps orders (Order) and lines (OrderLine) that belong together; catalog and customers apart."""
    b = GraphBuilder()
    b.model("orders.models.Order").model("lines.models.OrderLine")
    b.model("catalog.models.Product").model("catalog.models.Category")
    b.model("customers.models.Customer").model("customers.models.Address")
    b.function("orders.services.place_order").function("catalog.views.product_list")
    b.function("customers.views.profile").function("lines.views.line_detail")
    b.edge("lines.models.OrderLine", "orders.models.Order", "fk", "lines/models.py", 5, field="order",
           on_delete="CASCADE")
    b.edge("lines.models.OrderLine", "catalog.models.Product", "fk", "lines/models.py", 6, field="product")
    b.edge("orders.models.Order", "customers.models.Customer", "fk", "orders/models.py", 4, field="customer")
    b.edge("catalog.models.Product", "catalog.models.Category", "fk")
    b.edge("customers.models.Address", "customers.models.Customer", "fk")
    b.atomic(
        "orders.services.place_order",
        "orders/services.py",
        20,
        ("orders.models.Order", "create"),
        ("lines.models.OrderLine", "bulk_create"),
    )
    b.edge("catalog.views.product_list", "catalog.models.Product", "orm-read", times=2)
    b.edge("catalog.views.product_list", "catalog.models.Category", "orm-read")
    b.edge("customers.views.profile", "customers.models.Customer", "orm-write")
    b.edge("customers.views.profile", "customers.models.Address", "orm-read")
    b.edge("lines.views.line_detail", "lines.models.OrderLine", "orm-read")
    b.edge("lines.views.line_detail", "orders.models.Order", "orm-read")
    return b


LAYERED_DOMAINS = {
    "catalog": ("Item", "Variation", "Quota"),
    "orders": ("Order", "Position", "Fee"),
    "checkin": ("CheckinList", "Checkin", "Device"),
}


def layered_ticket_shop() -> GraphBuilder:
    """A god app ``base`` (every model in one file) with a hub ``Event`` that all nine other models
    reference with CASCADE; three domains, each written by its own service module; layer apps
    ``control`` and ``api`` whose views each write one domain and read the hub and other domains."""
    b = GraphBuilder()
    m = "base.models."
    b.model(m + "Event")
    for models in LAYERED_DOMAINS.values():
        for name in models:
            b.model(m + name).edge(m + name, m + "Event", "fk", "base/models.py", 1, field="event",
                                   on_delete="CASCADE")
    for child, root, rule in (("Variation", "Item", "CASCADE"), ("Quota", "Item", "CASCADE"),
                              ("Position", "Order", "CASCADE"), ("Fee", "Order", "CASCADE"),
                              ("Position", "Item", "PROTECT"), ("Checkin", "CheckinList", "CASCADE"),
                              ("Checkin", "Position", "PROTECT"), ("Device", "CheckinList", "SET_NULL")):
        b.edge(m + child, m + root, "fk", "base/models.py", 2, field=root.lower(), on_delete=rule)
    for domain, models in LAYERED_DOMAINS.items():
        service = f"base.services.{domain}.save"
        b.function(service)
        for name in models:
            b.edge(service, m + name, "orm-write", f"base/services/{domain}.py", 3)
        b.edge(service, m + "Event", "orm-read", f"base/services/{domain}.py", 4, times=4)
        for layer in ("control", "api"):
            view = f"{layer}.views.{domain}_edit"
            b.function(view).edge(view, service, "call").edge(view, m + models[0], "orm-write")
            b.edge(view, m + "Event", "orm-read", times=4)
            for other, others in LAYERED_DOMAINS.items():
                if other != domain:
                    b.edge(view, m + others[0], "orm-read")
    b.function("control.views.dashboard")
    for models in LAYERED_DOMAINS.values():
        b.edge("control.views.dashboard", m + models[0], "orm-read")
    b.edge("control.views.dashboard", "control.views.catalog_edit", "call", times=3)
    b.edge("base.services.orders.save", m + "Item", "orm-read")
    b.edge("base.services.checkin.save", m + "Position", "orm-read")
    return b
