"""The facts of sample_monolith/, asserted against what its code contains."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

SAMPLE = Path(__file__).resolve().parents[3] / "sample_monolith"

MODELS = {
    "catalog.Category": "catalog_category", "catalog.Product": "catalog_product",
    "catalog.Tag": "catalog_tag", "common.TimeStampedModel": "",
    "customers.Address": "customers_address", "customers.Customer": "customers_customer",
    "customers.WishlistItem": "customers_wishlistitem", "inventory.StockItem": "stock_levels",
    "inventory.StockMovement": "inventory_stockmovement",
    "inventory.Warehouse": "inventory_warehouse",
    "notifications.Notification": "notifications_notification", "orders.Cart": "orders_cart",
    "orders.CartItem": "orders_cartitem", "orders.Order": "orders_order",
    "orders.OrderLine": "orders_orderline", "orders.Promotion": "orders_promotion",
    "payments.Payment": "payments_payment", "payments.Refund": "payments_refund",
    "reporting.DailySalesSnapshot": "reporting_dailysalessnapshot",
    "reporting.ProductSales": "reporting_product_sales", "reviews.Review": "reviews_review",
    "shipping.Carrier": "shipping_carrier", "shipping.Shipment": "shipping_shipment",
}
CROSS_APP_RELATIONS = {
    ("customers.Customer", "user", "auth.User"),
    ("customers.Customer", "wishlist", "catalog.Product"),
    ("customers.WishlistItem", "product", "catalog.Product"),
    ("inventory.StockItem", "product", "catalog.Product"),
    ("notifications.Notification", "customer", "customers.Customer"),
    ("notifications.Notification", "order", "orders.Order"),
    ("orders.Cart", "customer", "customers.Customer"),
    ("orders.CartItem", "product", "catalog.Product"),
    ("orders.Order", "customer", "customers.Customer"),
    ("orders.Order", "shipping_address", "customers.Address"),
    ("orders.OrderLine", "product", "catalog.Product"),
    ("payments.Payment", "order", "orders.Order"),
    ("reporting.ProductSales", "product", "catalog.Product"),
    ("reviews.Review", "product", "catalog.Product"),
    ("reviews.Review", "customer", "customers.Customer"),
    ("shipping.Shipment", "order", "orders.Order"),
    ("shipping.Shipment", "address", "customers.Address"),
}
ROUTES = {
    "/api/catalog/products/": "catalog.views.api_products",
    "/api/catalog/products/<slug:slug>/": "catalog.views.api_product_detail",
    "/api/customers/me/": "customers.views.api_me",
    "/api/inventory/stock/<str:sku>/": "inventory.views.api_stock",
    "/api/notifications/": "notifications.views.api_notifications",
    "/api/orders/checkout/": "orders.views.api_checkout",
    "/api/orders/<int:order_id>/refund/": "orders.views.api_refund",
    "/api/payments/<str:reference>/": "payments.views.api_payment_detail",
    "/api/reporting/sales/": "reporting.views.api_sales",
    "/api/reviews/products/<slug:slug>/": "reviews.views.api_product_reviews",
    "/api/shipping/rates/": "shipping.views.api_rates",
    "/catalog/<slug:slug>/": "catalog.views.product_page",
    "/orders/checkout/": "orders.views.checkout",
    "/healthz/": "common.views.health",
    "/internal/whoami/": "customers.views.whoami",
}
SQL_SITES = {  # (path or .sql file, origin) -> tables read and written, across the sites of that file
    ("reporting/queries.py", "execute"): {
        "orders_order", "payments_payment", "payments_refund", "catalog_product",
        "inventory_warehouse", "orders_orderline", "stock_levels", "reporting_product_sales",
        "auth_user", "customers_customer", "reviews_review"},  # the last three: an f-string
    ("reporting/queries.py", "raw"): {"orders_order", "shipping_shipment"},
    ("reporting/migrations/0002_product_sales_view.py", "RunSQL"): {
        "catalog_category", "catalog_product", "orders_order", "orders_orderline",
        "stock_levels", "reporting_product_sales"},
    ("reporting/sql/daily_sales.sql", "sql-file"): {
        "orders_order", "orders_orderline", "payments_payment", "payments_refund"},
    ("reporting/sql/sales_by_category.sql", "sql-file"): {
        "catalog_category", "catalog_product", "orders_order", "orders_orderline",
        "payments_payment"},
}


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(SAMPLE, FactsOptions(use_cache=False))


def test_settings_and_apps(facts: ProjectFacts) -> None:
    assert facts.settings.module == "shop.settings"
    assert facts.settings.sql_dialect == "sqlite"
    assert facts.settings.root_urlconf == "shop.urls"
    assert {a.label for a in facts.apps} >= {
        "catalog", "common", "customers", "inventory", "notifications", "orders", "payments",
        "reporting", "reviews", "shipping"}


def test_every_model_with_its_table(facts: ProjectFacts) -> None:
    assert {m.label: m.db_table for m in facts.models} == MODELS
    assert next(m for m in facts.models if m.label == "common.TimeStampedModel").abstract


def test_every_cross_app_relation_with_its_target(facts: ProjectFacts) -> None:
    found = {
        (m.label, f.name, f.target_label)
        for m in facts.models for f in m.fields
        if f.relation and f.target_label and f.target_label.split(".")[0] != m.app_label
    }
    assert found == CROSS_APP_RELATIONS


def test_routes_and_their_views(facts: ProjectFacts) -> None:
    routes = {r.route: r.view for r in facts.routes}
    for route, view in ROUTES.items():
        assert routes.get(route) == view, route
    assert all(r.reachable for r in facts.routes)
    assert len([r for r in facts.routes if r.route.startswith("/api/")]) >= 30


def test_raw_sql_sites_and_their_tables(facts: ProjectFacts) -> None:
    for (path, origin), tables in SQL_SITES.items():
        sites = [s for s in facts.sql if (s.sql_file or s.path) == path and s.origin == origin]
        assert sites, (path, origin)
        assert all(s.parsed for s in sites)
        touched = {t for s in sites for t in (*s.tables_read, *s.tables_written)}
        assert touched == tables, path
    reporting = [s for s in facts.sql if s.path == "reporting/queries.py"]
    joined = {pair for s in reporting for pair in s.joins}
    assert ("orders_order", "shipping_shipment") in joined
    assert ("orders_order", "payments_payment") in joined
    assert ("customers_customer", "orders_order") in joined  # top_customers' f-string


def test_sql_files_are_linked_to_the_code_that_loads_them(facts: ProjectFacts) -> None:
    loaded = {(s.sql_file, s.path, s.line, s.scope) for s in facts.sql if s.sql_file}
    assert loaded == {
        ("reporting/sql/sales_by_category.sql", "reporting/queries.py", 93,
         "reporting.queries.sales_by_category"),
        ("reporting/sql/daily_sales.sql", "reporting/queries.py", 195,
         "reporting.queries.rebuild_daily_snapshots"),
    }
    assert not [s for s in facts.sql if s.path.endswith(".sql")]  # every .sql file is loaded
    own = {m.path: m.sql for m in facts.modules if m.path.endswith(".sql")}
    assert own["reporting/sql/daily_sales.sql"][0].line == 1  # the file's own facts are kept


def test_atomic_blocks_and_the_models_they_write(facts: ProjectFacts) -> None:
    blocks = {b.scope: set(b.models_written) for b in facts.atomic_blocks}
    assert blocks["orders.services.place_order"] >= {
        "orders.Order", "orders.OrderLine", "payments.Payment", "inventory.StockMovement",
        "shipping.Shipment"}
    assert blocks["orders.services.refund_order"] >= {
        "orders.Order", "payments.Refund", "inventory.StockItem"}
    assert blocks["inventory.services.release"] >= {"inventory.StockItem"}
    assert blocks["reporting.tasks.rebuild_snapshots"] == {"reporting.DailySalesSnapshot"}


def test_signal_receivers_with_senders(facts: ProjectFacts) -> None:
    receivers = {(s.signal.rsplit(".", 1)[1], s.receiver, s.sender) for s in facts.signals
                 if not s.path.endswith("tests.py")}
    assert receivers == {
        ("low_stock", "notifications.receivers.on_low_stock", None),
        ("order_placed", "notifications.receivers.on_order_placed", None),
        ("order_refunded", "notifications.receivers.on_order_refunded", None),
        ("post_save", "notifications.receivers.on_shipment_saved", "shipping.Shipment"),
        ("post_save", "reviews.receivers.update_product_rating", "reviews.Review"),
        ("post_delete", "reviews.receivers.update_product_rating", "reviews.Review"),
    }


def test_tasks_commands_and_no_warnings(facts: ProjectFacts) -> None:
    assert "reporting.tasks.rebuild_snapshots" in {t.qualname for t in facts.tasks}
    assert {c.name for c in facts.commands} >= {"seed_demo", "rebuild_sales_snapshots"}
    assert facts.warnings == ()
