from decimal import Decimal

from django.test import SimpleTestCase, TestCase

from devtools.testing import make_customer, make_product
from orders.services import add_to_cart, place_order
from payments import gateway
from payments.services import refund_payment


class GatewayTests(SimpleTestCase):
    def test_charge_is_deterministic_and_declines(self) -> None:
        first = gateway.charge("tok_visa", Decimal("10.00"), "SO1")
        self.assertEqual(first, gateway.charge("tok_visa", Decimal("10.00"), "SO1"))
        self.assertEqual(gateway.charge("tok_paypal", Decimal("1"), "SO1").method, "paypal")
        self.assertEqual(gateway.charge("tok_mc_5100", Decimal("1"), "SO1").card_last4, "5100")
        with self.assertRaises(gateway.PaymentDeclined):
            gateway.charge("tok_decline_fraud", Decimal("10.00"), "SO1")


class PaymentServiceTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice")
        add_to_cart(self.customer, make_product("COF-1", "20.00"), 1)
        self.order = place_order(self.customer, payment_token="tok_visa")
        self.payment = self.order.payments.get()

    def test_partial_then_full_refund(self) -> None:
        refund_payment(self.payment, Decimal("5.00"))
        self.assertEqual(self.payment.status, "partially_refunded")
        refund = refund_payment(self.payment, Decimal("100.00"))
        self.assertEqual(refund.amount, self.order.total - Decimal("5.00"))
        self.assertEqual(self.payment.status, "refunded")

    def test_api(self) -> None:
        self.assertEqual(self.client.get("/api/payments/").status_code, 401)
        self.client.force_login(self.customer.user)
        rows = self.client.get("/api/payments/").json()["results"]
        self.assertEqual([r["order"] for r in rows], [self.order.number])
        detail = self.client.get(f"/api/payments/{self.payment.provider_ref}/")
        self.assertEqual(detail.json()["amount"], str(self.order.total))
        self.assertEqual(self.client.get("/api/payments/ch_missing/").status_code, 404)
