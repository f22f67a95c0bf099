import json

from django.test import TestCase

from devtools.testing import PASSWORD, make_customer, make_product


class IdentityTests(TestCase):
    def setUp(self) -> None:
        self.customer = make_customer("alice")

    def test_whoami_anonymous(self) -> None:
        self.assertEqual(
            self.client.get("/internal/whoami/").json(),
            {"is_authenticated": False, "is_staff": False, "user_id": None, "username": None},
        )

    def test_api_login_then_whoami_and_me(self) -> None:
        bad = self.client.post(
            "/api/customers/login/",
            json.dumps({"username": "alice", "password": "wrong"}),
            content_type="application/json",
        )
        self.assertEqual(bad.status_code, 401)
        self.assertEqual(self.client.get("/api/customers/me/").status_code, 401)
        ok = self.client.post(
            "/api/customers/login/",
            json.dumps({"username": "alice", "password": PASSWORD}),
            content_type="application/json",
        )
        self.assertEqual(ok.status_code, 200)
        who = self.client.get("/internal/whoami/").json()
        self.assertEqual((who["username"], who["is_authenticated"]), ("alice", True))
        me = self.client.get("/api/customers/me/").json()
        self.assertEqual(me["email"], "alice@mail.example")
        self.assertEqual(me["order_count"], 0)
        self.assertEqual(me["addresses"][0]["country"], "DE")
        self.client.post("/api/customers/logout/")
        self.assertFalse(self.client.get("/internal/whoami/").json()["is_authenticated"])

    def test_html_login_page(self) -> None:
        self.assertEqual(self.client.get("/accounts/login/").status_code, 200)
        response = self.client.post(
            "/accounts/login/", {"username": "alice", "password": PASSWORD}
        )
        self.assertRedirects(response, "/orders/history/")

    def test_wishlist(self) -> None:
        make_product("TEA-1")
        self.client.force_login(self.customer.user)
        response = self.client.post(
            "/api/customers/wishlist/", json.dumps({"sku": "TEA-1"}),
            content_type="application/json",
        )
        self.assertEqual(response.json(), {"count": 1, "skus": ["TEA-1"]})
        self.assertEqual(self.customer.wishlist.get().sku, "TEA-1")
        missing = self.client.post(
            "/api/customers/wishlist/", json.dumps({"sku": "X"}), content_type="application/json"
        )
        self.assertEqual(missing.status_code, 404)
