"""The signed identity header: a valid one sets the user, once, for the request it was signed for;
unsigned, tampered, expired, misdirected or replayed ones get 401."""

import os
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from service_project.identity import HEADER, IdentityMiddleware, sign

SECRET = "test-secret"


def _echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": request.user.pk, "authenticated": request.user.is_authenticated})


def _signed(user_id: int = 42, ttl: int = 10, secret: str = SECRET, *, method: str = "GET",
            path: str = "/orders/1/", service: str | None = None) -> str:
    return sign(user_id, int(time.time()) + ttl, secret, nonce=os.urandom(16).hex(),
                service=service or settings.DEMONOLITH_SERVICE_NAME, method=method,
                path=path.encode())


@override_settings(DEMONOLITH_IDENTITY_SECRET=SECRET, DEMONOLITH_IDENTITY_MAX_AGE=60)
class IdentityTests(SimpleTestCase):
    def setUp(self) -> None:
        cache.clear()

    def _call(self, value: str | None, method: str = "get", path: str = "/orders/1/") -> JsonResponse:
        headers = {} if value is None else {HEADER: value}
        request = getattr(RequestFactory(), method)(path, headers=headers)
        return IdentityMiddleware(_echo)(request)  # type: ignore[return-value]

    def test_valid_header_sets_the_user(self) -> None:
        response = self._call(_signed())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b'{"user": 42, "authenticated": true}')

    def test_no_header_is_anonymous(self) -> None:
        response = self._call(None)
        self.assertEqual(response.content, b'{"user": null, "authenticated": false}')

    def test_a_header_is_good_for_one_request_only(self) -> None:
        value = _signed()
        self.assertEqual(self._call(value).status_code, 200)
        self.assertEqual(self._call(value).status_code, 401)  # replayed

    def test_unsigned_tampered_expired_misdirected_and_far_future_are_rejected(self) -> None:
        good = _signed()
        cases = {
            "unsigned": good.rsplit(".", 1)[0],
            "tampered user": good.replace("v2.42.", "v2.43.", 1),
            "other secret": _signed(secret="another-secret"),
            "expired": _signed(ttl=-1),
            "too far ahead": _signed(ttl=3600),
            "other method": _signed(method="DELETE"),
            "other path": _signed(path="/orders/2/"),
            "other service": _signed(service=settings.DEMONOLITH_SERVICE_NAME + "-other"),
            "old format": "v1.42.9999999999." + "0" * 64,
            "garbage": "admin",
        }
        for name, value in cases.items():
            with self.subTest(name):
                self.assertEqual(self._call(value).status_code, 401)

    @override_settings(DEMONOLITH_IDENTITY_SECRET="")
    def test_without_a_secret_every_identity_is_rejected(self) -> None:
        self.assertEqual(self._call(_signed(secret="")).status_code, 401)
