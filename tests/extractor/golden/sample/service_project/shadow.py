"""Shadow requests of the strangler proxy: answered for comparison, always rolled back.

Header ``X-Demonolith-Shadow: s1.<expires>.<nonce>.<signature>``

* ``expires``  Unix time in seconds after which the marker is invalid
* ``nonce``  32 lower-case hex digits, new for every copy the proxy sends
* ``signature``  lower-case hex HMAC-SHA256, keyed with ``DEMONOLITH_SHADOW_SECRET`` (the proxy's
  ``shadow_secret_env`` / ``shadow_secret_file`` of this upstream), of ``s1.<expires>.<nonce>`` +
  ``\n<service>\n<METHOD>\n`` (UTF-8) + the request path, percent-decoded (``PATH_INFO``)

A valid marker (this service's name ``DEMONOLITH_SERVICE_NAME``, the request's method and path, not
expired, its nonce not seen before by this process): the request runs inside one transaction per
database, always rolled back, and what it would do outside them is held back and counted: cache
writes (``set``, ``add``, ``delete``, ``incr``, ... of every configured cache backend), every call of
the generated clients (GET too: the service it calls may count or change on a read), file storage
writes (``Storage.save`` and ``delete``), e-mail (``EMAIL_BACKEND`` is :class:`ShadowEmailBackend`),
``transaction.on_commit`` hooks (dropped with the rollback) and Celery tasks (``delay``,
``apply_async``, ``send_task``, and a task class's own ``apply_async``). What cannot be held back
without breaking the request is counted and reported: connections opened (``socket.connect``:
raw HTTP outside the generated clients, or any other network service) and files opened for writing
outside the storage API. The answer says so::

    X-Demonolith-Shadow: rolled-back
    X-Demonolith-Shadow-Suppressed: cache=0, client=0, files=0, mail=1, on_commit=1, tasks=0
    X-Demonolith-Shadow-Unsuppressed: connections=0, file_writes=0

Any other marker (malformed, unsigned, forged, expired, signed for another request, replayed within
its expiry, or no secret configured here) is refused with 403 and a JSON error: the request never
runs. No marker: a normal request. The replay check is per process (a replay sent to another worker
process is not seen; it can still only take effects away). Not seen at all: database connections
opened by hand outside ``django.db`` and effects of C extensions that open sockets or files below
Python (the audit events are Python's).
"""

import contextvars
import functools
import hashlib
import hmac
import os
import re
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import Storage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.module_loading import import_string

from service_project.identity import request_path

HEADER = "X-Demonolith-Shadow"
META_KEY = "HTTP_X_DEMONOLITH_SHADOW"
SUPPRESSED_HEADER = "X-Demonolith-Shadow-Suppressed"
UNSUPPRESSED_HEADER = "X-Demonolith-Shadow-Unsuppressed"
ROLLED_BACK = "rolled-back"
VERSION = "s1"
CACHE_WRITES = ("add", "set", "set_many", "touch", "delete", "delete_many", "incr", "decr",
                "clear")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_FORMAT = re.compile(r"s1\.([0-9]{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})")
GetResponse = Callable[[HttpRequest], HttpResponseBase]


def _listed(counts: Any) -> str:
    return ", ".join(f"{f.name}={getattr(counts, f.name)}" for f in fields(counts))


@dataclass
class Unsuppressed:
    """What one shadow request did that could not be held back (it happened)."""

    connections: int = 0
    file_writes: int = 0

    def header(self) -> str:
        """The ``X-Demonolith-Shadow-Unsuppressed`` value."""
        return _listed(self)


@dataclass
class Suppressed:
    """What one shadow request tried to do outside its rolled-back transactions (held back), and
    what it did that could not be (``unsuppressed``)."""

    cache: int = 0
    client: int = 0
    files: int = 0
    mail: int = 0
    on_commit: int = 0
    tasks: int = 0
    unsuppressed: Unsuppressed = field(default_factory=Unsuppressed)

    def header(self) -> str:
        """The ``X-Demonolith-Shadow-Suppressed`` value."""
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                         if f.name != "unsuppressed")


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


class Nonces:
    """The nonces of the valid markers seen, each kept until its marker expires."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, value: str, now: float | None = None) -> bool:
        """Whether the (valid) marker ``value`` is seen for the first time before it expires."""
        match = _FORMAT.fullmatch(value.strip())
        assert match is not None, "check the marker with refusal() first"
        expires, nonce = int(match[1]), match[2]
        moment = time.time() if now is None else now
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= moment:
                self._seen.popitem(last=False)
            if nonce in self._seen:
                return False
            self._seen[nonce] = expires
            return True


NONCES = Nonces()


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
    """What the generated clients ask before a call: False (and counted) for any call, GET too,
    in a shadow request."""
    shadow = current()
    if shadow is None:
        return True
    shadow.client += 1
    return False


def _held_back(send: Callable[..., Any], stand_in: Callable[..., Any],
               kind: str = "tasks") -> Callable[..., Any]:
    """``send``, except in a shadow request: counted under ``kind`` and ``stand_in`` called."""
    if getattr(send, "demonolith_shadow", False):
        return send

    @functools.wraps(send)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        shadow = current()
        if shadow is None:
            return send(*args, **kwargs)
        setattr(shadow, kind, getattr(shadow, kind) + 1)
        return stand_in(*args, **kwargs)

    guarded.demonolith_shadow = True  # type: ignore[attr-defined]
    return guarded


def _task_result(task: Any, *args: Any, **kwargs: Any) -> Any:
    return task.AsyncResult(str(uuid.uuid4()))


def _guard_own_apply_async(cls: type) -> None:
    """A task class's own ``apply_async`` (one that does not only call Celery's) held back too."""
    own = cls.__dict__.get("apply_async")
    if own is not None:
        cls.apply_async = _held_back(own, _task_result)  # type: ignore[attr-defined]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def hold_back_tasks() -> bool:
    """Make Celery send no task from a shadow request (when Celery is installed), through
    Celery's ``apply_async`` and ``send_task`` or a task class's own ``apply_async`` (those defined
    now and later); idempotent."""
    try:
        from celery import Celery
        from celery.app.task import Task
    except ImportError:
        return False
    if not getattr(Task.apply_async, "demonolith_shadow", False):
        Task.apply_async = _held_back(Task.apply_async, _task_result)  # type: ignore[method-assign]
        Celery.send_task = _held_back(  # type: ignore[method-assign]
            Celery.send_task, lambda app, *args, **kwargs: app.AsyncResult(str(uuid.uuid4())))

        def init_subclass(cls: type, **kwargs: Any) -> None:
            super(Task, cls).__init_subclass__(**kwargs)  # type: ignore[misc]
            _guard_own_apply_async(cls)

        Task.__init_subclass__ = classmethod(init_subclass)  # type: ignore[assignment,method-assign]
    for cls in _subclasses(Task):
        _guard_own_apply_async(cls)
    return True


def _cache_stand_in(method: str) -> Callable[..., Any]:
    """What a held-back cache write answers: as if it had been done, without doing it."""
    if method in ("incr", "decr"):
        def counted(cache: Any, key: Any, delta: int = 1, version: Any = None) -> Any:
            value = cache.get(key, version=version)
            if value is None:
                raise ValueError(f"Key {key!r} not found.")
            return value + delta if method == "incr" else value - delta

        return counted
    answers: dict[str, Any] = {"add": True, "touch": True, "delete": True, "set_many": []}
    return lambda *args, **kwargs: answers.get(method)


def hold_back_cache_and_files() -> None:
    """Make every configured cache backend and file storage write nothing from a shadow request
    (counted as ``cache`` and ``files``), and count what Python's audit events show it did
    anyway (connections, files opened for writing); idempotent."""
    backends = {type(caches[alias]) for alias in settings.CACHES}
    for backend in backends:
        for method in CACHE_WRITES:
            own = getattr(backend, method, None)
            if own is not None:
                setattr(backend, method, _held_back(own, _cache_stand_in(method), "cache"))
    for storage in (Storage, *_subclasses(Storage)):
        if "save" in storage.__dict__:
            storage.save = _held_back(  # type: ignore[method-assign]
                storage.__dict__["save"], lambda store, name, *a, **k: store.get_available_name(
                    name or "shadow"), "files")
        if "delete" in storage.__dict__:
            storage.delete = _held_back(  # type: ignore[method-assign]
                storage.__dict__["delete"], lambda *args, **kwargs: None, "files")
    _audit_once()


_AUDITING: list[bool] = []


def _audit_once() -> None:
    if not _AUDITING:
        _AUDITING.append(True)
        sys.addaudithook(_audit)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Count, in a shadow request, the connections opened and the files opened for writing."""
    if event != "socket.connect" and event != "open":
        return
    shadow = _CURRENT.get()
    if shadow is None:
        return
    if event == "socket.connect":
        shadow.unsuppressed.connections += 1
    elif _writes(args):
        shadow.unsuppressed.file_writes += 1


def _writes(args: tuple[Any, ...]) -> bool:
    """Whether an ``open`` audit event's (path, mode, flags) opens for writing."""
    mode, flags = (args[1], args[2]) if len(args) >= 3 else (None, 0)
    if isinstance(mode, str):
        return any(letter in mode for letter in "wax+")
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


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
    response[UNSUPPRESSED_HEADER] = shadow.unsuppressed.header()
    return response


class ShadowMiddleware:
    """First in MIDDLEWARE: a marked request is rolled back, a badly marked or replayed one
    refused (403)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        hold_back_tasks()
        hold_back_cache_and_files()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request.META.get(META_KEY)
        if value is None:
            return self.get_response(request)
        reason = refusal(value, settings.DEMONOLITH_SHADOW_SECRET,
                         service=settings.DEMONOLITH_SERVICE_NAME, method=request.method or "",
                         path=request_path(request))
        if not reason and not NONCES.first_use(value):
            reason = "shadow marker replayed: its nonce was used already"
        if reason:
            return JsonResponse({"error": reason}, status=403)
        return rolled_back(self.get_response, request)
