import json
from decimal import Decimal

from django.test import TestCase

from customers.models import Customer
from devtools.testing import make_category, make_customer, make_product
from inventory.services import available_quantity
from notifications.models import Notification
from orders.models import Order, Promotion
from orders.services import (
    CheckoutError,
    add_to_cart,
    orders_in_category,
    place_order,
    quote_shipping,
    refund_order,
)
from payments.models import Payment, Refund
from shipping.models import Shipment


class CheckoutTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice")
        self.grinder = make_product("GRI-1", "100.00", make_category("grinders"), stock=5)
        self.beans = make_product("COF-1", "12.50", make_category("coffee"), stock=20)

    def fill_cart(self) -> None:
        add_to_cart(self.customer, self.grinder, 1)
        add_to_cart(self.customer, self.beans, 2)

    def test_checkout_writes_orders_inventory_payments_shipping(self) -> None:
        self.fill_cart()
        order = place_order(self.customer, payment_token="tok_visa")
        self.assertEqual(order.status, Order.Status.PAID)
        self.assertEqual(order.number, f"SO{order.pk:07d}")
        self.assertEqual(order.subtotal, Decimal("125.00"))
        self.assertEqual(order.shipping_cost, Decimal("0.00"))  # free over 120 EUR
        self.assertEqual(order.lines.count(), 2)
        self.assertEqual(available_quantity(self.grinder), 4)
        self.assertEqual(available_quantity(self.beans), 18)
        payment = Payment.objects.get(order=order)
        self.assertEqual((payment.amount, payment.status), (order.total, "captured"))
        self.assertEqual(Shipment.objects.get(order=order).status, "pending")
        self.customer.refresh_from_db()
        self.assertEqual(self.customer.loyalty_points, 125)
        self.assertFalse(self.customer.cart.items.exists())

    def test_declined_payment_rolls_everything_back(self) -> None:
        self.fill_cart()
        with self.assertRaises(CheckoutError) as ctx:
            place_order(self.customer, payment_token="tok_decline")
        self.assertEqual(ctx.exception.code, "payment_declined")
        self.assertFalse(Order.objects.exists())
        self.assertFalse(Payment.objects.exists())
        self.assertFalse(Shipment.objects.exists())
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(available_quantity(self.grinder), 5)
        self.assertEqual(available_quantity(self.beans), 20)
        self.assertEqual(Customer.objects.get().loyalty_points, 0)
        self.assertEqual(self.customer.cart.items.count(), 2)

    def test_missing_stock_rolls_back(self) -> None:
        add_to_cart(self.customer, self.beans, 2)
        add_to_cart(self.customer, self.grinder, 6)
        with self.assertRaises(CheckoutError) as ctx:
            place_order(self.customer, payment_token="tok_visa")
        self.assertEqual(ctx.exception.code, "insufficient_stock")
        self.assertEqual(available_quantity(self.beans), 20)
        self.assertFalse(Order.objects.exists())

    def test_empty_cart_and_promotion_rules(self) -> None:
        with self.assertRaises(CheckoutError):
            place_order(self.customer, payment_token="tok_visa")
        Promotion.objects.create(code="BIG", percent_off=Decimal("10"), min_subtotal=500)
        Promotion.objects.create(code="TEN", percent_off=Decimal("10"))
        self.fill_cart()
        with self.assertRaises(CheckoutError):
            place_order(self.customer, payment_token="tok_visa", promo_code="BIG")
        order = place_order(self.customer, payment_token="tok_visa", promo_code="ten")
        self.assertEqual(order.discount, Decimal("12.50"))
        self.assertEqual(order.total, Decimal("112.50") + order.shipping_cost)

    def test_refund_undoes_the_checkout(self) -> None:
        self.fill_cart()
        order = place_order(self.customer, payment_token="tok_visa")
        refund_order(order, reason="damaged")
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.REFUNDED)
        self.assertEqual(Payment.objects.get(order=order).status, "refunded")
        self.assertEqual(Refund.objects.get().amount, order.total)
        self.assertEqual(available_quantity(self.grinder), 5)
        self.assertEqual(available_quantity(self.beans), 20)
        self.assertEqual(Shipment.objects.get(order=order).status, "cancelled")
        self.assertEqual(Customer.objects.get().loyalty_points, 0)
        with self.assertRaises(CheckoutError):
            refund_order(order)

    def test_cross_app_lookup(self) -> None:
        self.fill_cart()
        order = place_order(self.customer, payment_token="tok_visa")
        self.assertEqual(list(orders_in_category("grinders")), [order])
        self.assertEqual(list(orders_in_category("tea")), [])

    def test_shipping_quotes(self) -> None:
        self.assertEqual(quote_shipping("DE", 800, Decimal("10")).cost, Decimal("4.90"))
        self.assertEqual(quote_shipping("FR", 1500, Decimal("10")).carrier_code, "ups")
        self.assertEqual(quote_shipping("US", 1500, Decimal("500")).cost, Decimal("24.00"))
        self.assertEqual(quote_shipping("DE", 99000, Decimal("1")).cost, Decimal("25.80"))


class OrdersApiTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice")
        self.product = make_product("COF-1", "12.50", stock=5)
        self.client.force_login(self.customer.user)

    def post(self, url: str, body: dict[str, object]) -> object:
        return self.client.post(url, json.dumps(body), content_type="application/json")

    def test_cart_checkout_detail_refund(self) -> None:
        cart = self.post("/api/orders/cart/", {"sku": "COF-1", "quantity": 2}).json()
        self.assertEqual(cart["subtotal"], "25.00")
        declined = self.post("/api/orders/checkout/", {"payment_token": "tok_decline"})
        self.assertEqual(declined.status_code, 402)
        created = self.post("/api/orders/checkout/", {"payment_token": "tok_visa"})
        self.assertEqual(created.status_code, 201)
        order = created.json()
        self.assertEqual(order["total"], "29.90")
        self.assertEqual(order["payments"][0]["status"], "captured")
        detail = self.client.get(f"/api/orders/{order['id']}/").json()
        self.assertEqual(detail, order)
        listing = self.client.get("/api/orders/").json()
        self.assertEqual([o["number"] for o in listing["results"]], [order["number"]])
        refunded = self.post(f"/api/orders/{order['id']}/refund/", {"reason": "test"})
        self.assertEqual(refunded.json()["status"], "refunded")
        again = self.post(f"/api/orders/{order['id']}/refund/", {})
        self.assertEqual(again.status_code, 409)

    def test_other_customers_cannot_see_an_order(self) -> None:
        self.post("/api/orders/cart/", {"sku": "COF-1"})
        order_id = self.post("/api/orders/checkout/", {}).json()["id"]
        self.client.force_login(make_customer("bob").user)
        self.assertEqual(self.client.get(f"/api/orders/{order_id}/").status_code, 404)
        self.assertEqual(self.client.get("/api/orders/by-category/coffee/").status_code, 403)
        self.client.force_login(make_customer("staff", staff=True).user)
        self.assertEqual(self.client.get(f"/api/orders/{order_id}/").status_code, 200)
        by_category = self.client.get("/api/orders/by-category/coffee/").json()
        self.assertEqual(by_category["count"], 1)

    def test_errors(self) -> None:
        self.assertEqual(self.post("/api/orders/cart/", {"sku": "NOPE"}).status_code, 404)
        bad = self.post("/api/orders/cart/", {"sku": "COF-1", "quantity": "x"})
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(self.post("/api/orders/checkout/", {}).json()["code"], "empty_cart")
        self.client.logout()
        self.assertEqual(self.client.get("/api/orders/cart/").status_code, 401)

    def test_html_checkout_and_history(self) -> None:
        self.assertContains(self.client.get("/catalog/cof-1/"), "Add to cart")
        self.client.post("/orders/cart/add/COF-1/", {"quantity": "1"})
        self.assertContains(self.client.get("/orders/checkout/"), "Product COF-1")
        response = self.client.post("/orders/checkout/", {"payment_token": "tok_visa"})
        self.assertRedirects(response, "/orders/history/")
        self.assertContains(self.client.get("/orders/history/"), "SO000000")
        self.client.logout()
        self.assertEqual(self.client.get("/orders/history/").status_code, 302)
