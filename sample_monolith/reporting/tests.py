from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from devtools.testing import make_category, make_customer, make_product
from orders.services import add_to_cart, mark_shipped, place_order, refund_order
from reporting import queries
from reporting.models import DailySalesSnapshot, ProductSales


class ReportingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = make_customer("alice")
        cls.bob = make_customer("bob")
        cls.staff = make_customer("boss", staff=True)
        cls.grinder = make_product("GRI-1", "100.00", make_category("grinders"), stock=10)
        cls.beans = make_product("COF-1", "10.00", make_category("coffee"), stock=50)
        cls.at = timezone.now() - timedelta(days=10)
        add_to_cart(cls.alice, cls.grinder, 1)
        add_to_cart(cls.alice, cls.beans, 3)
        cls.big = place_order(cls.alice, payment_token="tok_visa", placed_at=cls.at)
        add_to_cart(cls.bob, cls.beans, 2)
        cls.small = place_order(cls.bob, payment_token="tok_visa", placed_at=cls.at)
        add_to_cart(cls.bob, cls.beans, 1)
        cls.refunded = place_order(cls.bob, payment_token="tok_visa", placed_at=cls.at)
        refund_order(cls.refunded)

    def test_sales_summary_cursor_execute(self) -> None:
        summary = queries.sales_summary()
        self.assertEqual(summary.orders, 3)
        expected_gross = self.big.total + self.small.total + self.refunded.total
        self.assertEqual(Decimal(summary.gross), expected_gross)
        self.assertEqual(Decimal(summary.refunded), self.refunded.total)
        self.assertEqual(queries.sales_summary(end=date(2001, 1, 1)).orders, 0)

    def test_sales_by_category_from_sql_file(self) -> None:
        rows = queries.sales_by_category()
        self.assertEqual(
            [(r["category"], r["units"], r["revenue"]) for r in rows],
            [("grinders", 1, "100.00"), ("coffee", 5, "50.00")],
        )

    def test_top_customers_f_string_query(self) -> None:
        by_revenue = queries.top_customers("revenue")
        self.assertEqual([r["username"] for r in by_revenue][:2], ["alice", "bob"])
        by_orders = queries.top_customers("orders", ascending=True, limit=1)
        self.assertEqual(by_orders[0]["username"], "boss")
        self.assertEqual(queries.top_customers("1; DROP TABLE x")[0]["username"], "alice")

    def test_delayed_orders_raw_queryset(self) -> None:
        self.assertEqual({o.number for o in queries.delayed_orders(3)},
                         {self.big.number, self.small.number})
        mark_shipped(self.big.shipments.get())
        self.assertEqual([o.number for o in queries.delayed_orders(3)], [self.small.number])

    def test_view_created_by_runsql_migration(self) -> None:
        rows = {row.sku: row for row in ProductSales.objects.all()}
        self.assertEqual((rows["COF-1"].units_sold, rows["COF-1"].on_hand), (5, 45))
        self.assertEqual(rows["GRI-1"].revenue, Decimal("100.00"))
        self.assertEqual(queries.product_sales_totals()["units_sold"], 6)

    def test_stock_cover(self) -> None:
        rows = {r["sku"]: r for r in queries.stock_cover(30)}
        self.assertEqual((rows["COF-1"]["on_hand"], rows["COF-1"]["sold"]), (45, 5))

    def test_rebuild_snapshots_command(self) -> None:
        out = StringIO()
        call_command("rebuild_sales_snapshots", stdout=out)
        self.assertIn("1 daily snapshots rebuilt", out.getvalue())
        snapshot = DailySalesSnapshot.objects.get()
        self.assertEqual(snapshot.orders_count, 3)
        self.assertEqual(snapshot.refunded_amount, self.refunded.total)

    def test_api(self) -> None:
        self.assertEqual(self.client.get("/api/reporting/sales/").json()["orders"], 3)
        self.assertEqual(len(self.client.get("/api/reporting/sales/by-category/").json()["results"]),
                         2)
        top = self.client.get("/api/reporting/products/top/?limit=1").json()
        self.assertEqual(top["results"][0]["sku"], "GRI-1")
        self.assertEqual(self.client.get("/api/reporting/customers/top/").status_code, 403)
        self.client.force_login(self.staff.user)
        url = "/api/reporting/customers/top/?order_by=orders&asc=1"
        self.assertEqual(self.client.get(url).json()["results"][0]["username"], "boss")
        self.assertEqual(self.client.get("/api/reporting/orders/delayed/").json()["count"], 2)
        self.assertIn("results", self.client.get("/api/reporting/stock/cover/").json())
        self.assertEqual(self.client.get("/api/reporting/sales/daily/").json(), {"results": []})
        day = {"day": "2026-01-02", "orders": 3, "units": 7, "gross_revenue": "41.5", "refunded": "2"}
        for _ in range(2):  # recording a day again replaces it
            answer = self.client.post("/api/reporting/sales/daily/", day, content_type="application/json")
            self.assertEqual(answer.status_code, 200)
        self.assertEqual(self.client.get("/api/reporting/sales/daily/").json()["results"],
                         [{**day, "gross_revenue": "41.50", "refunded": "2.00"}])
        bad = self.client.post("/api/reporting/sales/daily/", {"day": "x"}, content_type="application/json")
        self.assertEqual(bad.status_code, 400)
