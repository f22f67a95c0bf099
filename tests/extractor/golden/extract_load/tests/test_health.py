"""The health endpoint answers and sees the database."""

from django.test import TestCase


class HealthTests(TestCase):
    def test_health_is_ok(self) -> None:
        response = self.client.get("/healthz/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(response.json()["service"], "billing")
