"""The identity the strangler proxy forwards: a signed header, verified on every request.

Header ``X-Demonolith-Identity: v2.<user_id>.<expires>.<nonce>.<signature>``

* ``user_id``  the monolith's user primary key (decimal digits)
* ``expires``  Unix time in seconds after which the header is invalid
* ``nonce``  32 lower-case hex digits, new for every request the proxy sends
* ``signature``  lower-case hex HMAC-SHA256, keyed with the shared secret
  ``DEMONOLITH_IDENTITY_SECRET``, of ``v2.<user_id>.<expires>.<nonce>`` + ``\n<service>\n<METHOD>\n``
  (UTF-8) + the request path, percent-decoded, as bytes (``PATH_INFO``, no query string)

The header is good for one request only: this service's name (``DEMONOLITH_SERVICE_NAME``, the
proxy's upstream name), the request's method and path must be the signed ones, the expiry must lie
in the future and at most ``DEMONOLITH_IDENTITY_MAX_AGE`` seconds (default 60) ahead, and the nonce
must not have been seen before (kept in the Django cache ``DEMONOLITH_IDENTITY_NONCE_CACHE``, default
``"default"``, until the header expires: with several processes or hosts, configure a shared
cache such as Redis, or a replay may reach another process). No header: the request is anonymous.
A header that is malformed, unsigned, tampered with, expired, for another request or replayed:
401 with a JSON error, the view never runs.
"""

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse

HEADER = "X-Demonolith-Identity"
META_KEY = "HTTP_X_DEMONOLITH_IDENTITY"
VERSION = "v2"
_FORMAT = re.compile(r"v2\.([0-9]{1,20})\.([0-9]{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})")
FirstUse = Callable[[str, int], bool]


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


def signed_message(
    user_id: int, expires: int, nonce: str, service: str, method: str, path: bytes
) -> bytes:
    """What the signature covers: the claim, and the one request it is for."""
    return f"{VERSION}.{user_id}.{expires}.{nonce}\n{service}\n{method}\n".encode() + path


def sign(
    user_id: int, expires: int, secret: str, *, nonce: str, service: str, method: str,
    path: bytes,
) -> str:
    """The header value for one request (what the proxy sends)."""
    message = signed_message(user_id, expires, nonce, service, method, path)
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{VERSION}.{user_id}.{expires}.{nonce}.{digest}"


def verify(
    value: str,
    secret: str,
    max_age: int,
    *,
    service: str,
    method: str,
    path: bytes,
    first_use: FirstUse,
    now: float | None = None,
) -> int:
    """Return the user id of a valid header value for this request, else raise InvalidIdentity.

    ``first_use(nonce, expires)`` records the nonce and says whether it was new.
    """
    if not secret:
        raise InvalidIdentity("identity secret not configured (DEMONOLITH_IDENTITY_SECRET)")
    match = _FORMAT.fullmatch(value.strip())
    if match is None:
        raise InvalidIdentity("malformed or unsigned identity header")
    user_id, expires, nonce, signature = int(match[1]), int(match[2]), match[3], match[4]
    expected = sign(user_id, expires, secret, nonce=nonce, service=service, method=method,
                    path=path).rsplit(".", 1)[1]
    if not hmac.compare_digest(signature, expected):
        raise InvalidIdentity("bad identity signature (or signed for another request)")
    current = time.time() if now is None else now
    if expires < current:
        raise InvalidIdentity("identity expired")
    if expires > current + max_age:
        raise InvalidIdentity("identity expiry too far in the future")
    if not first_use(nonce, expires):
        raise InvalidIdentity("identity header replayed")
    return user_id


def first_use_in_cache(nonce: str, expires: int) -> bool:
    """Remember ``nonce`` until ``expires`` in the nonce cache; False when it was there already
    (``cache.add`` is atomic in Django's cache backends)."""
    cache = caches[getattr(settings, "DEMONOLITH_IDENTITY_NONCE_CACHE", "default")]
    timeout = max(1, int(expires - time.time()) + 1)
    return bool(cache.add(f"demonolith-identity-nonce:{nonce}", 1, timeout))


def request_path(request: HttpRequest) -> bytes:
    """The path the proxy signed: ``PATH_INFO`` as bytes (WSGI decodes it as ISO-8859-1)."""
    return str(request.META.get("PATH_INFO", "")).encode("iso-8859-1")


class IdentityMiddleware:
    """Set ``request.user`` from the signed header; answer 401 when the header is not valid."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request.META.get(META_KEY)
        user: Any = AnonymousRemoteUser()
        if value is not None:
            try:
                user = RemoteUser(verify(
                    value, settings.DEMONOLITH_IDENTITY_SECRET,
                    settings.DEMONOLITH_IDENTITY_MAX_AGE, service=settings.DEMONOLITH_SERVICE_NAME,
                    method=request.method or "", path=request_path(request),
                    first_use=first_use_in_cache))
            except InvalidIdentity as exc:
                return JsonResponse({"error": str(exc)}, status=401)
        request.user = user
        return self.get_response(request)
