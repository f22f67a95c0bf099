import json

from django.test import TestCase

from catalog.models import Product
from devtools.testing import make_customer, make_product
from orders.services import add_to_cart, place_order
from reviews.models import Review
from reviews.services import ReviewError, submit_review


class ReviewTests(TestCase):
    def setUp(self) -> None:
        self.alice = make_customer("alice")
        self.bob = make_customer("bob")
        self.product = make_product("COF-1")

    def test_verified_purchase_and_rating_denormalisation(self) -> None:
        add_to_cart(self.alice, self.product, 1)
        place_order(self.alice, payment_token="tok_visa")
        first = submit_review(self.alice, self.product, rating=5, title="Great")
        second = submit_review(self.bob, self.product, rating=2, title="Meh")
        self.assertTrue(first.is_verified_purchase)
        self.assertFalse(second.is_verified_purchase)
        product = Product.objects.get(pk=self.product.pk)
        self.assertEqual((str(product.rating_average), product.review_count), ("3.50", 2))
        second.delete()
        product.refresh_from_db()
        self.assertEqual((str(product.rating_average), product.review_count), ("5.00", 1))
        with self.assertRaises(ReviewError):
            submit_review(self.alice, self.product, rating=4, title="Again")

    def test_api(self) -> None:
        url = "/api/reviews/products/cof-1/"
        body = json.dumps({"rating": 4, "title": "Nice", "body": "Good beans"})
        self.assertEqual(self.client.post(url, body, content_type="application/json").status_code,
                         401)
        self.client.force_login(self.alice.user)
        created = self.client.post(url, body, content_type="application/json")
        self.assertEqual(created.status_code, 201)
        bad = self.client.post(url, json.dumps({"rating": 9, "title": "x"}),
                               content_type="application/json")
        self.assertEqual(bad.status_code, 400)
        listing = self.client.get(url).json()
        self.assertEqual(listing["rating_average"], "4.00")
        self.assertEqual([r["author"] for r in listing["results"]], ["alice"])
        self.assertEqual(Review.objects.count(), 1)
