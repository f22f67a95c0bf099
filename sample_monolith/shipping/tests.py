from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from devtools.testing import make_customer, make_product
from notifications.models import Notification
from orders.models import Order
from orders.services import add_to_cart, mark_shipped, place_order
from shipping.models import Shipment
from shipping.tasks import sync_carrier_statuses


class ShippingTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice", country="FR")
        add_to_cart(self.customer, make_product("COF-1", "20.00", weight_grams=800), 1)
        self.order = place_order(self.customer, payment_token="tok_visa")
        self.shipment = Shipment.objects.get(order=self.order)

    def test_checkout_booked_a_shipment(self) -> None:
        self.assertEqual(self.shipment.carrier.code, "dhl")
        self.assertEqual(self.order.shipping_cost, self.shipment.cost)

    def test_shipping_notifies_customer_and_updates_order(self) -> None:
        mark_shipped(self.shipment)
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.SHIPPED)
        self.assertTrue(
            Notification.objects.filter(kind="shipment_shipped", order=self.order).exists()
        )

    def test_sync_task_delivers_old_parcels(self) -> None:
        mark_shipped(self.shipment, at=timezone.now() - timedelta(days=5))
        self.assertEqual(sync_carrier_statuses.delay().get(), 1)
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.DELIVERED)

    def test_api(self) -> None:
        rates = self.client.get("/api/shipping/rates/?country=de&weight=800&subtotal=10").json()
        self.assertEqual((rates["zone"], rates["cost"]), ("domestic", "4.90"))
        self.assertEqual(self.client.get("/api/shipping/rates/?subtotal=x").status_code, 400)
        tracking = self.client.get(f"/api/shipping/track/{self.shipment.tracking_number}/")
        self.assertEqual(tracking.json()["order"], self.order.number)
        self.assertEqual(self.client.get("/api/shipping/carriers/").json()["results"][0]["code"],
                         "dhl")
        url = f"/api/shipping/orders/{self.order.pk}/"
        self.assertEqual(self.client.get(url).status_code, 401)
        self.client.force_login(make_customer("bob").user)
        self.assertEqual(self.client.get(url).json()["results"], [])
        self.client.force_login(self.customer.user)
        self.assertEqual(len(self.client.get(url).json()["results"]), 1)
