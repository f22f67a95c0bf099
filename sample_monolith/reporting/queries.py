"""Hand-written SQL reports.

These queries grew over the years: they join the tables of half the shop directly, which is
fast in one database and exactly what has to go when the shop is split.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models.query import RawQuerySet
from django.utils import timezone

from common.money import to_money
from orders.models import Order
from reporting.models import DailySalesSnapshot

SQL_DIR = Path(__file__).resolve().parent / "sql"
SOLD_STATUSES = ("paid", "shipped", "delivered")
ALL_TIME = (date(2000, 1, 1), date(2100, 1, 1))


@cache
def load_sql(name: str) -> str:
    """The text of ``reporting/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _money(value: Any) -> str:
    return str(to_money(value or 0))


def _bounds(start: date | None, end: date | None) -> tuple[str, str]:
    """Half-open text bounds comparable with SQLite's stored datetimes."""
    first = start or ALL_TIME[0]
    last = (end + timedelta(days=1)) if end else ALL_TIME[1]
    return first.isoformat(), last.isoformat()


def _rows(sql: str, params: list[Any] | tuple[Any, ...]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [col[0] for col in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class SalesSummary:
    orders: int
    gross: str
    discounts: str
    shipping: str
    refunded: str
    net: str


def sales_summary(start: date | None = None, end: date | None = None) -> SalesSummary:
    """Totals over orders placed in ``[start, end]`` (whole days)."""
    low, high = _bounds(start, end)
    placeholders = ", ".join(["%s"] * (len(SOLD_STATUSES) + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), ROUND(COALESCE(SUM(o.total), 0), 2),"
            " ROUND(COALESCE(SUM(o.discount), 0), 2), ROUND(COALESCE(SUM(o.shipping_cost), 0), 2)"
            " FROM orders_order AS o"
            f" WHERE o.status IN ({placeholders}) AND o.placed_at >= %s AND o.placed_at < %s",
            [*SOLD_STATUSES, "refunded", low, high],
        )
        orders, gross, discounts, shipping = cursor.fetchone()
        cursor.execute(
            """
            SELECT ROUND(COALESCE(SUM(r.amount), 0), 2)
            FROM payments_refund AS r
            JOIN payments_payment AS p ON p.id = r.payment_id
            JOIN orders_order AS o ON o.id = p.order_id
            WHERE o.placed_at >= %s AND o.placed_at < %s
            """,
            [low, high],
        )
        (refunded,) = cursor.fetchone()
    net = to_money(gross or 0) - to_money(refunded or 0)
    return SalesSummary(
        orders, _money(gross), _money(discounts), _money(shipping), _money(refunded), _money(net)
    )


def sales_by_category(start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Revenue per category, from ``sql/sales_by_category.sql``."""
    rows = _rows(load_sql("sales_by_category"), _bounds(start, end))
    return [{**row, "revenue": _money(row["revenue"])} for row in rows]


def stock_cover(days: int = 30, today: date | None = None) -> list[dict[str, Any]]:
    """Units on hand against units sold in the last ``days``: inventory x catalog x orders."""
    since = ((today or timezone.now().date()) - timedelta(days=days)).isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.sku AS sku,
                   p.name AS name,
                   SUM(s.quantity) AS on_hand,
                   COALESCE((SELECT SUM(l.quantity)
                               FROM orders_orderline AS l
                               JOIN orders_order AS o ON o.id = l.order_id
                              WHERE l.product_id = p.id
                                AND o.status IN ('paid', 'shipped', 'delivered')
                                AND o.placed_at >= %s), 0) AS sold
            FROM stock_levels AS s
            JOIN catalog_product AS p ON p.id = s.product_id
            JOIN inventory_warehouse AS w ON w.id = s.warehouse_id AND w.is_active = 1
            GROUP BY p.id, p.sku, p.name
            ORDER BY on_hand ASC, p.sku
            """,
            [since],
        )
        columns = [col[0] for col in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        daily = Decimal(row["sold"]) / days
        row["days_of_cover"] = None if daily == 0 else int(row["on_hand"] / daily)
    return rows


TOP_CUSTOMER_ORDERINGS = {
    "revenue": "revenue",
    "orders": "order_count",
    "points": "cu.loyalty_points",
    "reviews": "review_count",
}


def top_customers(order_by: str = "revenue", limit: int = 10, ascending: bool = False) -> list[
    dict[str, Any]
]:
    """Customers ranked by a whitelisted column; the query text is assembled with f-strings."""
    column = TOP_CUSTOMER_ORDERINGS.get(order_by, "revenue")
    direction = "ASC" if ascending else "DESC"
    statuses = ", ".join(f"'{status}'" for status in SOLD_STATUSES)
    sql = f"""
        SELECT cu.id AS customer_id,
               u.username AS username,
               COUNT(DISTINCT o.id) AS order_count,
               ROUND(COALESCE(SUM(o.total), 0), 2) AS revenue,
               cu.loyalty_points AS loyalty_points,
               (SELECT COUNT(*) FROM reviews_review AS r WHERE r.customer_id = cu.id)
                   AS review_count
        FROM customers_customer AS cu
        JOIN auth_user AS u ON u.id = cu.user_id
        LEFT JOIN orders_order AS o ON o.customer_id = cu.id AND o.status IN ({statuses})
        GROUP BY cu.id, u.username, cu.loyalty_points
        ORDER BY {column} {direction}, u.username
        LIMIT %s
    """
    rows = _rows(sql, [limit])
    return [{**row, "revenue": _money(row["revenue"])} for row in rows]


def delayed_orders(older_than_days: int = 3, now: datetime | None = None) -> "RawQuerySet[Order]":
    """Paid orders whose shipment still waits for pickup (``Order.objects.raw``)."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    return Order.objects.raw(
        """
        SELECT o.*
        FROM orders_order AS o
        JOIN shipping_shipment AS s ON s.order_id = o.id
        WHERE s.status = 'pending' AND o.status = 'paid' AND o.placed_at < %s
        ORDER BY o.placed_at, o.id
        """,
        [cutoff.strftime("%Y-%m-%d %H:%M:%S")],
    )


def product_sales_totals() -> dict[str, Any]:
    """Totals over the ``reporting_product_sales`` view created by migration 0002."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(units_sold), 0), ROUND(COALESCE(SUM(revenue), 0), 2),"
            " COALESCE(SUM(on_hand), 0) FROM reporting_product_sales"
        )
        products, units, revenue, on_hand = cursor.fetchone()
    return {
        "products": products,
        "units_sold": units,
        "revenue": _money(revenue),
        "on_hand": on_hand,
    }


def rebuild_daily_snapshots() -> int:
    """Recompute ``DailySalesSnapshot`` from ``sql/daily_sales.sql``; returns the row count."""
    rows = _rows(load_sql("daily_sales"), [])
    snapshots = [
        DailySalesSnapshot(
            day=date.fromisoformat(str(row["day"])),
            orders_count=row["orders_count"],
            units_sold=row["units_sold"],
            gross_revenue=to_money(row["gross_revenue"] or 0),
            refunded_amount=to_money(row["refunded_amount"] or 0),
        )
        for row in rows
    ]
    DailySalesSnapshot.objects.all().delete()
    DailySalesSnapshot.objects.bulk_create(snapshots)
    return len(snapshots)
