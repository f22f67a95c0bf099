"""Hand-written: the ``reporting_product_sales`` view behind ``reporting.ProductSales``,
and an index on ``orders_order`` that the sales reports need.

The view reads the tables of three apps (catalog, orders, inventory); the index is DDL on a
table the orders app owns. Both are the kind of coupling a split has to untangle.
"""

from django.db import migrations

CREATE_VIEW = """
CREATE VIEW reporting_product_sales AS
SELECT
    p.id                          AS product_id,
    p.sku                         AS sku,
    p.name                        AS name,
    c.slug                        AS category_slug,
    COALESCE(sold.units, 0)       AS units_sold,
    COALESCE(sold.revenue, 0)     AS revenue,
    COALESCE(stock.on_hand, 0)    AS on_hand
FROM catalog_product AS p
JOIN catalog_category AS c ON c.id = p.category_id
LEFT JOIN (
    SELECT l.product_id AS product_id,
           SUM(l.quantity) AS units,
           ROUND(SUM(l.quantity * l.unit_price), 2) AS revenue
    FROM orders_orderline AS l
    JOIN orders_order AS o ON o.id = l.order_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
    GROUP BY l.product_id
) AS sold ON sold.product_id = p.id
LEFT JOIN (
    SELECT product_id, SUM(quantity) AS on_hand
    FROM stock_levels
    GROUP BY product_id
) AS stock ON stock.product_id = p.id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("catalog", "0001_initial"),
        ("orders", "0001_initial"),
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=CREATE_VIEW,
            reverse_sql="DROP VIEW IF EXISTS reporting_product_sales;",
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS orders_order_status_placed_idx "
            "ON orders_order (status, placed_at);",
            reverse_sql="DROP INDEX IF EXISTS orders_order_status_placed_idx;",
        ),
    ]
