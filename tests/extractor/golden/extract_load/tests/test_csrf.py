"""CSRF: the moved browser routes keep Django's check, with the monolith's cookie and header names;
``/_api/`` is exempt only because a token or a signed identity, never a cookie, authenticates it."""

import re

from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import Resolver404, resolve

from service_project.api import FUNCTION_ENDPOINTS, MODEL_ENDPOINTS
from service_project.openapi import MOVED_ROUTES
from service_project.testing import CSRF_REFUSED

TOKEN = "csrf-test-token"
SECRET = "a" * 32  # a CSRF secret as the monolith's cookie carries it
REFUSED = CSRF_REFUSED.encode()


def plain_paths() -> list[str]:
    """Moved routes without parameters whose views are not exempt (in the monolith neither);
    whether each path is served is the smoke test's concern, not this one's."""
    found = []
    for path in (r["path"] for r in MOVED_ROUTES if re.fullmatch(r"[\w/.\-]*", r["path"])):
        try:
            view = resolve(path).func
        except Resolver404:
            continue
        if not getattr(view, "csrf_exempt", False):
            found.append(path)
    return found


# the middleware's refusals answered by a view that names them: the project's own failure view
# (CSRF_FAILURE_VIEW) or its 403_csrf.html template would render a page of its own
@override_settings(DEMONOLITH_SERVICE_TOKEN=TOKEN, CSRF_FAILURE_VIEW="service_project.testing.csrf_refused")
class CsrfTests(TestCase):
    def setUp(self) -> None:
        # a view that fails on an empty POST answers 500: that is not what these tests check
        self.browser = Client(enforce_csrf_checks=True, raise_request_exception=False)

    def test_moved_routes_refuse_a_post_without_the_monolith_token(self) -> None:
        self.assertIn("django.middleware.csrf.CsrfViewMiddleware", settings.MIDDLEWARE)
        for path in plain_paths():
            with self.subTest(path=path):
                refused = self.browser.post(path)
                self.assertEqual(refused.status_code, 403)
                self.assertIn(REFUSED, refused.content)

    def test_moved_routes_accept_the_token_under_the_monolith_names(self) -> None:
        self.browser.cookies[settings.CSRF_COOKIE_NAME] = SECRET
        for path in plain_paths():
            with self.subTest(path=path):
                response = self.browser.post(path, **{settings.CSRF_HEADER_NAME: SECRET})
                self.assertNotIn(REFUSED, response.content)

    def test_internal_api_answers_the_token_not_a_cookie(self) -> None:
        self.browser.cookies[settings.CSRF_COOKIE_NAME] = SECRET
        self.browser.cookies[settings.SESSION_COOKIE_NAME] = "a-session-of-the-monolith"
        paths = ["/_api/" + e["path"] for e in MODEL_ENDPOINTS] + [
            "/_api/" + e["path"] for e in FUNCTION_ENDPOINTS if e["method"] == "POST"]
        for path in paths:
            with self.subTest(path=path):
                anonymous = self.browser.post(path, {}, content_type="application/json")
                self.assertEqual(anonymous.status_code, 401)  # cookies authenticate nothing here
                tokened = self.browser.post(path, {}, content_type="application/json",
                                            HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
                self.assertNotIn(tokened.status_code, (401, 403), tokened.content)
