"""The identity the strangler proxy forwards: a signed header, verified on every request.

Header ``X-Demonolith-Identity: v1.<user_id>.<expires>.<signature>``

* ``user_id``  the monolith's user primary key (decimal digits)
* ``expires``  Unix time in seconds after which the header is invalid
* ``signature``  lower-case hex HMAC-SHA256 of ``v1.<user_id>.<expires>`` (UTF-8) keyed with the
  shared secret ``DEMONOLITH_IDENTITY_SECRET``

Expiry must lie in the future and at most ``DEMONOLITH_IDENTITY_MAX_AGE`` seconds (default 300)
ahead. No header: the request is anonymous. A header that is malformed, unsigned, tampered with or
expired: 401 with a JSON error, the view never runs.
"""

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

HEADER = "X-Demonolith-Identity"
META_KEY = "HTTP_X_DEMONOLITH_IDENTITY"
VERSION = "v1"
_FORMAT = re.compile(r"v1\.([0-9]{1,20})\.([0-9]{1,12})\.([0-9a-f]{64})")


class InvalidIdentity(Exception):
    """The identity header cannot be trusted; the message says why."""


class RemoteUser:
    """The user the proxy vouches for; only the id is known here."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, user_id: int) -> None:
        self.pk = self.id = user_id

    def get_username(self) -> str:
        return f"user-{self.pk}"

    def __str__(self) -> str:
        return self.get_username()


class AnonymousRemoteUser:
    """No identity was forwarded."""

    pk = id = None
    is_authenticated = False
    is_anonymous = True
    is_active = False
    is_staff = False
    is_superuser = False

    def get_username(self) -> str:
        return ""


def sign(user_id: int, expires: int, secret: str) -> str:
    """The header value for ``user_id`` valid until ``expires`` (what the proxy sends)."""
    message = f"{VERSION}.{user_id}.{expires}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return f"{message}.{digest}"


def verify(value: str, secret: str, max_age: int, now: float | None = None) -> int:
    """Return the user id of a valid header value, else raise InvalidIdentity."""
    if not secret:
        raise InvalidIdentity("identity secret not configured (DEMONOLITH_IDENTITY_SECRET)")
    match = _FORMAT.fullmatch(value.strip())
    if match is None:
        raise InvalidIdentity("malformed or unsigned identity header")
    user_id, expires, signature = int(match[1]), int(match[2]), match[3]
    expected = sign(user_id, expires, secret).rsplit(".", 1)[1]
    if not hmac.compare_digest(signature, expected):
        raise InvalidIdentity("bad identity signature")
    current = time.time() if now is None else now
    if expires < current:
        raise InvalidIdentity("identity expired")
    if expires > current + max_age:
        raise InvalidIdentity("identity expiry too far in the future")
    return user_id


class IdentityMiddleware:
    """Set ``request.user`` from the signed header; answer 401 when the header is not valid."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request.META.get(META_KEY)
        user: Any = AnonymousRemoteUser()
        if value is not None:
            try:
                user = RemoteUser(verify(value, settings.DEMONOLITH_IDENTITY_SECRET,
                                         settings.DEMONOLITH_IDENTITY_MAX_AGE))
            except InvalidIdentity as exc:
                return JsonResponse({"error": str(exc)}, status=401)
        request.user = user
        return self.get_response(request)
