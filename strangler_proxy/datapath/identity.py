"""Identity forwarding: the monolith's session -> a signed ``X-Demonolith-Identity`` header.

The header is the one the extracted services verify (``extractor/templates/.../identity.py.j2``)::

    X-Demonolith-Identity: v1.<user_id>.<expires>.<signature>
    signature = lower-case hex HMAC-SHA256(key=secret, msg="v1.<user_id>.<expires>"), UTF-8

``user_id`` is decimal, ``expires`` Unix seconds (now + ``header_ttl``, which must stay within the
services' ``DEMONOLITH_IDENTITY_MAX_AGE``). Anonymous users get no header. A client-sent copy of
the header never crosses the proxy, on any route (it is a managed header, see
:mod:`strangler_proxy.policy.headers`).

Who the user is comes from the monolith: ``GET <path>`` on the identity upstream with the client's
``Cookie`` header, answering ``{"user_id": ..., "is_authenticated": ...}``. Answers are cached by
the session cookie's value for ``cache_ttl`` seconds (at most ``cache_size`` entries, least
recently used dropped first), and concurrent lookups of one session share one call. A request
without the session cookie is anonymous without a call. When the lookup fails the request is
refused with 503: it is never forwarded as anonymous in place of a user it could not resolve.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable

from strangler_proxy.config.model import IdentityConfig, ProxyConfig
from strangler_proxy.datapath.fetch import fetch
from strangler_proxy.datapath.tls import relative_to_routes
from strangler_proxy.datapath.upstream import UpstreamFailure, UpstreamPool
from strangler_proxy.errors import ProxyError
from strangler_proxy.policy.routing import cookie_value

HEADER = b"X-Demonolith-Identity"
VERSION = "v1"
MAX_ANSWER_BYTES = 64 * 1024
MISSING = object()  # not in the cache: a lookup is needed


class IdentityUnavailable(Exception):
    """The monolith's identity endpoint could not say who the user is."""


def sign(user_id: int, expires: int, secret: bytes) -> str:
    """The header value vouching for ``user_id`` until ``expires`` (Unix seconds)."""
    message = f"{VERSION}.{user_id}.{expires}"
    digest = hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{message}.{digest}"


def load_secret(config: ProxyConfig, identity: IdentityConfig) -> bytes:
    """The shared secret from ``secret_file`` (if set) or the environment; never logged."""
    if identity.secret_file is not None:
        path = relative_to_routes(config, identity.secret_file)
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise ProxyError(f"identity: cannot read secret_file {path}: {exc.strerror}") from exc
        where = f"secret_file {path}"
    else:
        secret = os.environ.get(identity.secret_env, "").encode("utf-8")
        where = f"environment variable {identity.secret_env}"
    if not secret:
        raise ProxyError(f"identity: the shared secret is empty or missing ({where})")
    return secret


def user_from_answer(status: int, body: bytes) -> int | None:
    """The user id in a whoami answer; None for an anonymous user; raises IdentityUnavailable."""
    if status != 200:
        raise IdentityUnavailable(f"identity endpoint answered {status}")
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise IdentityUnavailable("identity endpoint answered invalid JSON") from exc
    if not isinstance(data, dict):
        raise IdentityUnavailable("identity endpoint answered no JSON object")
    if not data.get("is_authenticated"):
        return None
    user_id = data.get("user_id")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id < 0:
        raise IdentityUnavailable("identity endpoint answered no integer user_id")
    return user_id


class IdentityResolver:
    """Resolves sessions through the monolith (cached) and signs the header."""

    def __init__(
        self,
        identity: IdentityConfig,
        secret: bytes,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.config = identity
        self._secret = secret
        self._clock = clock
        self._wall = wall
        self.cache: OrderedDict[str, tuple[float, int | None]] = OrderedDict()
        self.pending: dict[str, asyncio.Task[int | None]] = {}
        self.lookups = 0

    def session(self, cookie: bytes | None) -> str | None:
        """The session cookie's value in a Cookie header, if any."""
        if cookie is None:
            return None
        return cookie_value(cookie.decode("latin-1"), self.config.session_cookie) or None

    def cached(self, session: str) -> object:
        """The cached user id (int or None) of ``session``, else :data:`MISSING`."""
        entry = self.cache.get(session)
        if entry is None:
            return MISSING
        if entry[0] <= self._clock():
            del self.cache[session]
            return MISSING
        self.cache.move_to_end(session)
        return entry[1]

    async def user_id(
        self, pool: UpstreamPool, session: str, cookie: bytes, host: bytes, request_id: bytes
    ) -> int | None:
        """The user of ``session``: cached, or asked once however many requests wait for it."""
        known = self.cached(session)
        if known is not MISSING:
            return known if isinstance(known, int) else None
        task = self.pending.get(session)
        if task is None:
            task = asyncio.ensure_future(self._lookup(pool, session, cookie, host, request_id))
            self.pending[session] = task
            task.add_done_callback(lambda done: self._forget(session, done))
        return await asyncio.shield(task)

    def _forget(self, session: str, task: asyncio.Task[int | None]) -> None:
        self.pending.pop(session, None)
        if not task.cancelled():
            task.exception()  # retrieved, even when every waiter went away

    async def _lookup(
        self, pool: UpstreamPool, session: str, cookie: bytes, host: bytes, request_id: bytes
    ) -> int | None:
        self.lookups += 1
        message = (
            b"GET " + self.config.path.encode() + b" HTTP/1.1\r\nHost: " + host
            + b"\r\nCookie: " + cookie + b"\r\nAccept: application/json\r\nX-Request-ID: "
            + request_id + b"\r\nVia: 1.1 demonolith\r\n\r\n"
        )
        try:
            answer = await fetch(pool, message, head_request=False, limit=MAX_ANSWER_BYTES, names=())
        except UpstreamFailure as exc:
            raise IdentityUnavailable(f"identity endpoint unreachable: {exc}") from exc
        user = user_from_answer(answer.status, answer.body)
        self._remember(session, user)
        return user

    def _remember(self, session: str, user: int | None) -> None:
        self.cache[session] = (self._clock() + self.config.cache_ttl, user)
        self.cache.move_to_end(session)
        while len(self.cache) > self.config.cache_size:
            self.cache.popitem(last=False)

    def header_line(self, user_id: int) -> bytes:
        """The signed header line for ``user_id``, valid for ``header_ttl`` seconds."""
        expires = int(self._wall()) + self.config.header_ttl
        return HEADER + b": " + sign(user_id, expires, self._secret).encode() + b"\r\n"


def drop_pending(resolver: IdentityResolver) -> None:
    """Cancel lookups still running (the proxy is stopping)."""
    for task in list(resolver.pending.values()):
        task.cancel()
