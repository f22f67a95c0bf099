from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import TestCase

from catalog.models import Product
from customers.models import Customer
from orders.models import Order
from payments.models import Payment
from reviews.models import Review


class SeedDemoTests(TestCase):
    def seed(self) -> str:
        out = StringIO()
        call_command("seed_demo", "--customers", "8", "--orders", "25", stdout=out)
        return out.getvalue()

    def test_seed_is_complete_and_idempotent(self) -> None:
        output = self.seed()
        self.assertIn("demo data ready", output)
        counts = (Product.objects.count(), Customer.objects.count(), Order.objects.count())
        self.assertEqual(counts, (60, 9, 25))
        self.assertEqual(Payment.objects.count(), 25)
        self.assertTrue(Review.objects.exists())
        numbers = list(Order.objects.order_by("id").values_list("number", "total"))
        self.seed()
        self.assertEqual(list(Order.objects.order_by("id").values_list("number", "total")),
                         numbers)
        self.assertIsNotNone(authenticate(username="demo", password="demo-pass-123"))
        self.assertTrue(authenticate(username="admin", password="demo-pass-123").is_staff)
