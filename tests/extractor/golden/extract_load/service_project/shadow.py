"""Shadow requests of the strangler proxy: answered for comparison, always rolled back.

Header ``X-Demonolith-Shadow: s1.<expires>.<nonce>.<signature>``

* ``expires``  Unix time in seconds after which the marker is invalid
* ``nonce``  32 lower-case hex digits, new for every copy the proxy sends
* ``signature``  lower-case hex HMAC-SHA256, keyed with ``DEMONOLITH_SHADOW_SECRET`` (the proxy's
  ``shadow_secret_env`` / ``shadow_secret_file`` of this upstream), of ``s1.<expires>.<nonce>`` +
  ``\n<service>\n<METHOD>\n`` (UTF-8) + the request path, percent-decoded (``PATH_INFO``)

A valid marker (this service's name ``DEMONOLITH_SERVICE_NAME``, the request's method and path, not
expired): the request runs inside one transaction per database, always rolled back, and what it
would do outside them is held back and counted: e-mail (``EMAIL_BACKEND`` is
:class:`ShadowEmailBackend`), Celery tasks sent directly (``delay``, ``apply_async``, ``send_task``),
``transaction.on_commit`` hooks (dropped with the rollback) and calls of the generated clients
other than GET. The answer says so::

    X-Demonolith-Shadow: rolled-back
    X-Demonolith-Shadow-Suppressed: client=0, mail=1, on_commit=1, tasks=0

Any other marker (malformed, unsigned, forged, expired, signed for another request, or no secret
configured here) is refused with 403 and a JSON error: the request never runs. No marker: a normal
request. A valid marker can only take a request's effects away, so it needs no replay check. Not
held back: writes outside the databases Django manages (files, caches, connections opened by hand)
and outbound calls other than through the generated clients.
"""

import contextvars
import functools
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.module_loading import import_string

from service_project.identity import request_path

HEADER = "X-Demonolith-Shadow"
META_KEY = "HTTP_X_DEMONOLITH_SHADOW"
SUPPRESSED_HEADER = "X-Demonolith-Shadow-Suppressed"
ROLLED_BACK = "rolled-back"
VERSION = "s1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORMAT = re.compile(r"s1\.([0-9]{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})")
GetResponse = Callable[[HttpRequest], HttpResponseBase]


@dataclass
class Suppressed:
    """What one shadow request tried to do outside its rolled-back transactions."""

    client: int = 0
    mail: int = 0
    on_commit: int = 0
    tasks: int = 0

    def header(self) -> str:
        """The ``X-Demonolith-Shadow-Suppressed`` value."""
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


_CURRENT: contextvars.ContextVar[Suppressed | None] = contextvars.ContextVar(
    "demonolith_shadow", default=None)


def current() -> Suppressed | None:
    """The counts of the shadow request being served; None outside one."""
    return _CURRENT.get()


def marker_message(expires: int, nonce: str, service: str, method: str, path: bytes) -> bytes:
    """What the signature covers: the expiry and nonce, and the one request the marker is for."""
    return f"{VERSION}.{expires}.{nonce}\n{service}\n{method}\n".encode() + path


def sign_marker(secret: str, expires: int, *, nonce: str, service: str, method: str,
                path: bytes) -> str:
    """The marker value for one shadow copy (what the proxy sends)."""
    digest = hmac.new(secret.encode(), marker_message(expires, nonce, service, method, path),
                      hashlib.sha256).hexdigest()
    return f"{VERSION}.{expires}.{nonce}.{digest}"


def refusal(value: str, secret: str, *, service: str, method: str, path: bytes,
            now: float | None = None) -> str:
    """Why ``value`` is no valid marker for this request (``""`` when it is)."""
    if not secret:
        return "shadow secret not configured (DEMONOLITH_SHADOW_SECRET)"
    match = _FORMAT.fullmatch(value.strip())
    if match is None:
        return "malformed or unsigned shadow marker"
    expires, nonce, signature = int(match[1]), match[2], match[3]
    expected = sign_marker(secret, expires, nonce=nonce, service=service, method=method,
                           path=path).rsplit(".", 1)[1]
    if not hmac.compare_digest(signature, expected):
        return "bad shadow marker signature (or signed for another request)"
    if expires <= (time.time() if now is None else now):
        return "shadow marker expired"
    return ""


class ShadowEmailBackend(BaseEmailBackend):
    """``EMAIL_BACKEND``: sends with ``DEMONOLITH_EMAIL_BACKEND``, except in a shadow request,
    where messages are counted and not sent."""

    def __init__(self, fail_silently: bool = False, **options: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.options = options

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        """Send (or, in a shadow request, count) ``email_messages``."""
        messages = list(email_messages)
        shadow = current()
        if shadow is not None:
            shadow.mail += len(messages)
            return len(messages)
        backend = import_string(settings.DEMONOLITH_EMAIL_BACKEND)
        sent = backend(fail_silently=self.fail_silently, **self.options).send_messages(messages)
        return int(sent or 0)


def client_call_allowed(method: str, url: str) -> bool:
    """What the generated clients ask before a call: False (and counted) for a call that could
    change something, in a shadow request."""
    shadow = current()
    if shadow is None or method.upper() in SAFE_METHODS:
        return True
    shadow.client += 1
    return False


def _held_back(send: Callable[..., Any], stand_in: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(send)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        shadow = current()
        if shadow is None:
            return send(*args, **kwargs)
        shadow.tasks += 1
        return stand_in(*args, **kwargs)

    guarded.demonolith_shadow = True  # type: ignore[attr-defined]
    return guarded


def hold_back_tasks() -> bool:
    """Make Celery send no task from a shadow request (when Celery is installed); idempotent."""
    try:
        from celery import Celery
        from celery.app.task import Task
    except ImportError:
        return False
    if not getattr(Task.apply_async, "demonolith_shadow", False):
        Task.apply_async = _held_back(  # type: ignore[method-assign]
            Task.apply_async, lambda task, *args, **kwargs: task.AsyncResult(str(uuid.uuid4())))
        Celery.send_task = _held_back(  # type: ignore[method-assign]
            Celery.send_task, lambda app, *args, **kwargs: app.AsyncResult(str(uuid.uuid4())))
    return True


def _buffered(response: HttpResponseBase) -> HttpResponseBase:
    """A streaming answer read to the end (inside the transaction), as a plain one."""
    if not getattr(response, "streaming", False):
        return response
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    plain = HttpResponse(body, status=response.status_code)
    for name, value in response.items():
        plain[name] = value
    response.close()
    return plain


def rolled_back(get_response: GetResponse, request: HttpRequest) -> HttpResponseBase:
    """Answer ``request`` inside one transaction per database, each rolled back at the end."""
    shadow = Suppressed()
    token = _CURRENT.set(shadow)
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(transaction.atomic(using=alias))
            response = _buffered(get_response(request))
            for alias in connections:
                shadow.on_commit += len(connections[alias].run_on_commit)
                transaction.set_rollback(True, using=alias)
    finally:
        _CURRENT.reset(token)
    response[HEADER] = ROLLED_BACK
    response[SUPPRESSED_HEADER] = shadow.header()
    return response


class ShadowMiddleware:
    """First in MIDDLEWARE: a marked request is rolled back, a badly marked one refused (403)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request.META.get(META_KEY)
        if value is None:
            return self.get_response(request)
        reason = refusal(value, settings.DEMONOLITH_SHADOW_SECRET,
                         service=settings.DEMONOLITH_SERVICE_NAME, method=request.method or "",
                         path=request_path(request))
        if reason:
            return JsonResponse({"error": reason}, status=403)
        return rolled_back(self.get_response, request)
