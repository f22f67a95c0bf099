"""A small hand-built Analysis (two services of a shop) for tests that need one without disk."""

from __future__ import annotations

from analyzer.model import (
    Analysis,
    AnalysisWarning,
    FieldInfo,
    Interface,
    Location,
    Metrics,
    MetricsComparison,
    ModelInfo,
    PlanStep,
    RouteInfo,
    Saga,
    SagaStep,
    Service,
    ServiceDependency,
    SharedCandidate,
    TableUsage,
    Violation,
)


def small_analysis(source_root: str = "/nonexistent/shop") -> Analysis:
    """Return a two-service Analysis: catalog (Product) and orders (Order -> Product FK)."""
    product = ModelInfo(
        label="catalog.Product", app_label="catalog", name="Product", module="catalog.models",
        db_table="catalog_product", path="catalog/models.py", line=5, end_line=12,
        fields=(FieldInfo("name", "CharField", 7), FieldInfo("price", "DecimalField", 8)),
    )
    order = ModelInfo(
        label="orders.Order", app_label="orders", name="Order", module="orders.models",
        db_table="orders_order", path="orders/models.py", line=4, end_line=10,
        fields=(
            FieldInfo("product", "ForeignKey", 6, relation="fk", target="catalog.Product",
                      column="product_id"),
            FieldInfo("quantity", "IntegerField", 7),
        ),
    )
    metrics = Metrics(services=2, sm=0.4, icp=0.1, ifn=1.0, ned=1.0, modularity=0.3,
                      cross_service_data_edges=1, transactional_purity=0.5)
    return Analysis(
        tool_version="0.1.0", source_root=source_root, project_name="shop",
        django_version="5.2", settings_module="shop.settings", database_engine="sqlite3",
        models=(product, order),
        routes=(
            RouteInfo("/api/catalog/products/", "catalog.views.product_list",
                      "catalog/views.py", 3, name="catalog:products", methods=("GET",)),
            RouteInfo("/api/orders/checkout/", "orders.views.checkout", "orders/views.py", 9,
                      methods=("POST",), login_required=True),
        ),
        services=(
            Service("catalog", ("catalog",), ("catalog.models", "catalog.views"),
                    ("catalog.models.Product", "catalog.views.product_list"),
                    ("catalog.Product",), ("catalog_product",), ("/api/catalog/products/",),
                    lines=40, rationale="catalog's models and views form one cluster."),
            Service("orders", ("orders",), ("orders.models", "orders.views"),
                    ("orders.models.Order", "orders.views.checkout"),
                    ("orders.Order",), ("orders_order",), ("/api/orders/checkout/",),
                    lines=60, rationale="orders' models and checkout form one cluster.",
                    name_reason="named after Order, root of 1 of its 1 models"),
        ),
        tables=(
            TableUsage("catalog_product", "catalog", "catalog.Product",
                       readers=("catalog", "orders"), writers=("catalog", "orders")),
            TableUsage("orders_order", "orders", "orders.Order", readers=("orders",),
                       writers=("orders",)),
        ),
        violations=(
            Violation("V-cross-service-fk-0001", "cross-service-fk", "orders/models.py", 6,
                      "orders", ("catalog",), "orders.Order.product -> catalog.Product",
                      "Replace the ForeignKey with product_id and read products via catalog's API.",
                      snippet=("class Order(models.Model):", "    # the product bought",
                               "    product = models.ForeignKey(Product, on_delete=models.PROTECT)"),
                      snippet_start=4),
            Violation("V-distributed-transaction-0002", "distributed-transaction",
                      "orders/views.py", 12, "orders", ("catalog",),
                      "orders.views.checkout writes orders_order, catalog_product",
                      "Replace the atomic block with a saga.",
                      saga=Saga("checkout", (
                          SagaStep("orders", "create Order", "cancel Order"),
                          SagaStep("catalog", "decrement stock", "restore stock"),
                      ))),
        ),
        interfaces=(Interface("catalog", "catalog.models.Product", "model", ("orders",),
                              (Location("orders/views.py", 14),)),),
        dependencies=(ServiceDependency("orders", "catalog", 5.0, ("fk", "orm-read")),),
        shared=(SharedCandidate("common.utils", ("catalog", "orders"), "imported by every service"),),
        metrics=MetricsComparison(proposal=metrics, per_app=metrics,
                                  monolith=Metrics(1, 0.0, 0.0, 0.0, 1.0, 0.0, 0, 1.0)),
        plan=(
            PlanStep(1, "catalog", ("/api/catalog/products/",), ("catalog_product",), (), "S",
                     "catalog has no outbound dependencies and needs no saga."),
            PlanStep(2, "orders", ("/api/orders/checkout/",), ("orders_order",),
                     ("V-distributed-transaction-0002",), "M",
                     "orders needs a saga for checkout.", needs_saga=True),
        ),
        warnings=(AnalysisWarning("legacy/py2.py", 3, "syntax error: Python 2 print statement"),),
    )
