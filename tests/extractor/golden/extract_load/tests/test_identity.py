"""The signed identity header: valid ones set the user, unsigned/tampered/expired ones get 401."""

import time

from django.http import HttpRequest, JsonResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from service_project.identity import HEADER, IdentityMiddleware, sign

SECRET = "test-secret"


def _echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": request.user.pk, "authenticated": request.user.is_authenticated})


@override_settings(DEMONOLITH_IDENTITY_SECRET=SECRET, DEMONOLITH_IDENTITY_MAX_AGE=300)
class IdentityTests(SimpleTestCase):
    def _call(self, value: str | None) -> JsonResponse:
        headers = {} if value is None else {HEADER: value}
        request = RequestFactory().get("/", headers=headers)
        return IdentityMiddleware(_echo)(request)  # type: ignore[return-value]

    def test_valid_header_sets_the_user(self) -> None:
        response = self._call(sign(42, int(time.time()) + 60, SECRET))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b'{"user": 42, "authenticated": true}')

    def test_no_header_is_anonymous(self) -> None:
        response = self._call(None)
        self.assertEqual(response.content, b'{"user": null, "authenticated": false}')

    def test_unsigned_tampered_expired_and_far_future_are_rejected(self) -> None:
        now = int(time.time())
        good = sign(42, now + 60, SECRET)
        cases = {
            "unsigned": f"v1.42.{now + 60}",
            "tampered user": good.replace("v1.42.", "v1.43.", 1),
            "other secret": sign(42, now + 60, "another-secret"),
            "expired": sign(42, now - 1, SECRET),
            "too far ahead": sign(42, now + 3600, SECRET),
            "garbage": "admin",
        }
        for name, value in cases.items():
            with self.subTest(name):
                self.assertEqual(self._call(value).status_code, 401)

    @override_settings(DEMONOLITH_IDENTITY_SECRET="")
    def test_without_a_secret_every_identity_is_rejected(self) -> None:
        self.assertEqual(self._call(sign(42, int(time.time()) + 60, "")).status_code, 401)
