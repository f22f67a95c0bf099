from django.core import mail
from django.test import TestCase

from devtools.testing import make_customer, make_product
from inventory.services import allocate
from notifications.models import Notification
from orders.services import add_to_cart, place_order, refund_order


class SignalReceiverTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice")
        self.product = make_product("COF-1", "20.00", stock=10)

    def test_order_placed_creates_and_sends_confirmation(self) -> None:
        add_to_cart(self.customer, self.product, 2)
        with self.captureOnCommitCallbacks(execute=True):
            order = place_order(self.customer, payment_token="tok_visa")
        notification = Notification.objects.get(kind="order_placed")
        self.assertEqual((notification.order, notification.customer), (order, self.customer))
        self.assertIn("2 x Product COF-1", notification.body)
        self.assertEqual(notification.status, "sent")
        self.assertEqual(mail.outbox[-1].subject, f"Your order {order.number}")

    def test_refund_notifies(self) -> None:
        add_to_cart(self.customer, self.product, 1)
        order = place_order(self.customer, payment_token="tok_visa")
        refund_order(order, reason="changed my mind")
        self.assertTrue(Notification.objects.filter(kind="order_refunded", order=order).exists())

    def test_low_stock_alert_via_connect(self) -> None:
        allocate(self.product, 9, reference="SO1")
        alert = Notification.objects.get(kind="low_stock")
        self.assertEqual((alert.channel, alert.recipient), ("ops", "ops@shop.example"))
        allocate(self.product, 1, reference="SO2")  # still queued: no duplicate alert
        self.assertEqual(Notification.objects.filter(kind="low_stock").count(), 1)

    def test_api_lists_own_notifications(self) -> None:
        add_to_cart(self.customer, self.product, 1)
        place_order(self.customer, payment_token="tok_visa")
        self.client.force_login(self.customer.user)
        rows = self.client.get("/api/notifications/").json()["results"]
        self.assertEqual([r["kind"] for r in rows], ["order_placed"])
