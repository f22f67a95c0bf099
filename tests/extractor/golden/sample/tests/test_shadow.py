"""Shadow requests: a validly marked write is answered, then rolled back, its e-mail, on_commit
hooks, cache writes and client calls (GET too) held back; a forged, expired, misdirected or replayed
marker is refused (403) and the view never runs; without a marker the write happens."""

import json
import os
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.test import RequestFactory, TestCase, override_settings

from service_project.api import MODEL_ENDPOINTS
from service_project.shadow import (
    HEADER,
    ROLLED_BACK,
    SUPPRESSED_HEADER,
    UNSUPPRESSED_HEADER,
    ShadowMiddleware,
    client_call_allowed,
    sign_marker,
)
from service_project.testing import make_instance

SECRET = "test-shadow-secret"


def _marker(method: str = "POST", path: str = "/probe/", ttl: int = 30, secret: str = SECRET,
            service: str | None = None) -> str:
    return sign_marker(secret, int(time.time()) + ttl, nonce=os.urandom(16).hex(),
                       service=service or settings.DEMONOLITH_SERVICE_NAME, method=method,
                       path=path.encode())


def _tampered() -> str:
    good = _marker()
    return good[:-1] + ("1" if good.endswith("0") else "0")


@override_settings(DEMONOLITH_SHADOW_SECRET=SECRET,
                   EMAIL_BACKEND="service_project.shadow.ShadowEmailBackend",
                   DEMONOLITH_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class ShadowTests(TestCase):
    def setUp(self) -> None:
        if not MODEL_ENDPOINTS:
            self.skipTest("this service owns no model")
        self.model: Any = apps.get_model(MODEL_ENDPOINTS[0]["label"])
        self.views = 0
        self.hooks: list[str] = []

    def _write(self, request: HttpRequest) -> JsonResponse:
        self.views += 1
        make_instance(self.model)
        mail.send_mail("subject", "body", "shop@example.com", ["someone@example.com"])
        transaction.on_commit(lambda: self.hooks.append("ran"))
        allowed = client_call_allowed("POST", "http://127.0.0.1:9/_api/anything/")
        read = client_call_allowed("GET", "http://127.0.0.1:9/_api/anything/")
        cache.set("shadow-probe", "written")
        return JsonResponse({"count": self.model._base_manager.count(), "client": allowed,
                             "read": read})

    def _call(self, marker: str | None) -> Any:
        headers = {} if marker is None else {HEADER: marker}
        request = RequestFactory().post("/probe/", headers=headers)
        with self.captureOnCommitCallbacks(execute=True):
            return ShadowMiddleware(self._write)(request)

    def test_a_marked_write_is_answered_and_rolled_back(self) -> None:
        before = self.model._base_manager.count()
        response = self._call(_marker())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content),
                         {"count": before + 1, "client": False, "read": False})
        self.assertEqual(self.model._base_manager.count(), before)
        self.assertEqual(response[HEADER], ROLLED_BACK)
        self.assertEqual(response[SUPPRESSED_HEADER],
                         "cache=1, client=2, files=0, mail=1, on_commit=1, tasks=0")
        self.assertEqual(response[UNSUPPRESSED_HEADER], "connections=0, file_writes=0")
        self.assertEqual((len(mail.outbox), self.hooks), (0, []))
        self.assertIsNone(cache.get("shadow-probe"))

    def test_a_replayed_marker_is_refused(self) -> None:
        marker = _marker()
        first, again = self._call(marker), self._call(marker)
        self.assertEqual((first.status_code, again.status_code), (200, 403))
        self.assertIn("replayed", json.loads(again.content)["error"])
        self.assertEqual(self.views, 1)

    def test_an_unmarked_write_happens(self) -> None:
        before = self.model._base_manager.count()
        response = self._call(None)
        self.assertEqual(json.loads(response.content),
                         {"count": before + 1, "client": True, "read": True})
        self.assertEqual(cache.get("shadow-probe"), "written")
        self.assertEqual(self.model._base_manager.count(), before + 1)
        self.assertEqual((len(mail.outbox), self.hooks), (1, ["ran"]))
        self.assertFalse(response.has_header(HEADER))

    def test_a_bad_marker_is_refused_and_nothing_runs(self) -> None:
        before = self.model._base_manager.count()
        for marker in ("1", _marker(secret="forged"), _marker(ttl=-1), _marker(method="GET"),
                       _marker(path="/other/"), _marker(service="another-service"),
                       _tampered()):
            with self.subTest(marker=marker):
                response = self._call(marker)
                self.assertEqual(response.status_code, 403)
                self.assertIn("error", json.loads(response.content))
        with self.settings(DEMONOLITH_SHADOW_SECRET=""):
            self.assertEqual(self._call(_marker()).status_code, 403)
        self.assertEqual((self.views, self.model._base_manager.count()), (0, before))
