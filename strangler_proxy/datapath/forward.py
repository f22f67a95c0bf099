"""Serve one client request: route it, try its upstream (retries, breaker), fall back, log it.

Rules, in the order they apply:

* a request goes to its route's chosen upstream; an open breaker or an unhealthy upstream is
  skipped without contacting it;
* an attempt that fails before the request left the proxy (connect error, breaker open) may go to
  the route's ``fallback`` whatever the method, because nothing was sent;
* after the request was sent, only idempotent requests whose body is replayable are retried
  (``retries`` per upstream, the same system); only safe ones (GET, HEAD, OPTIONS) are sent to the
  fallback (also on a ``fallback_on`` status), another system of record that must not run a write
  twice -- idempotent writes too when the route says ``fallback_shares_data``;
* when nothing answers, the client gets a JSON 502 / 503 / 504 with the request id; once a
  response has started, a failure aborts the client connection (never a silent truncation:
  it is logged).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from strangler_proxy.config.model import IDEMPOTENT_METHODS, SAFE_METHODS, Route
from strangler_proxy.datapath.exchange import (
    CLIENT_GONE,
    DONE,
    REJECTED,
    UPGRADED,
    Exchange,
    Outcome,
    framing_lines,
    request_head,
)
from strangler_proxy.datapath.fastpath import send_pooled
from strangler_proxy.datapath.guards import Prelude, Refusal
from strangler_proxy.datapath.request import Rejection
from strangler_proxy.datapath.tunnel import open_tunnel
from strangler_proxy.datapath.upstream import UpstreamConnection, UpstreamFailure, UpstreamPool
from strangler_proxy.observe.accesslog import json_path, quoted, route_fields
from strangler_proxy.policy.headers import error_response
from strangler_proxy.policy.routing import choose_upstream, cookie_value

if TYPE_CHECKING:
    from strangler_proxy.datapath.forwarding_host import ForwardingHost
    from strangler_proxy.datapath.ports import ClientSide
    from strangler_proxy.datapath.request import Request

_ERROR_STATUS = {"timeout": 504, "unavailable": 503}
_json = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_NO_STATUSES: frozenset[int] = frozenset()


class Forwarding:
    """The life of one request in the proxy (created per request by :meth:`Proxy.serve`)."""

    __slots__ = ("attempts", "bytes_out", "client", "error", "exchange", "idempotent", "identity",
                 "pools",
                 "primary", "proxy", "replay", "request", "route", "safe", "shadow", "status",
                 "upstream")

    def __init__(self, proxy: ForwardingHost, client: ClientSide, request: Request) -> None:
        self.proxy = proxy
        self.pools = proxy.pools  # this request's pools, even if a reload swaps the proxy's
        self.client = client
        self.request = request
        self.route: Route = proxy.table.match_request(
            request.method, request.host, request.path, request.match_headers
        )
        self.idempotent = request.method in IDEMPOTENT_METHODS
        self.safe = request.method in SAFE_METHODS
        self.identity: Callable[[str], bytes] | None = None
        self.upstream = ""
        self.status = 0
        self.bytes_out = 0
        self.attempts = 0
        self.error = ""
        self.replay: bytes | None = None
        self.exchange: Exchange | None = None
        self.shadow = False
        self.primary = ""

    def start(self) -> None:
        """Serve at once on an idle pooled connection when nothing else is needed (the fast path,
        no task); otherwise in a task that may wait for a connection, a body, retries."""
        request, route = self.request, self.route
        weights = route.weights
        self.primary = (weights[0][0] if len(weights) == 1
                        else choose_upstream(route, self._sticky_key()))
        if route.guarded:  # rate limit, faults, identity: off = this one check
            verdict = self.proxy.guards.screen(self)
            if isinstance(verdict, Refusal):
                self.complete(self._fail_client(verdict.status, verdict.message, verdict.headers))
                return
            if verdict is not None:
                self.client.task = self.proxy.loop.create_task(self.run(prelude=verdict))
                return
        pool = self.pools[self.primary]
        if request.body is None and not request.upgrade and pool.idle and pool.healthy:
            conn = pool.take_idle()
            if conn is not None:
                if pool.breaker.allow():
                    self.replay = b""
                    if route.mirror is not None:
                        self.shadow = self.proxy.shadow.wants(route, request, self.safe, b"")
                    self.upstream = self.primary
                    self.attempts = 1
                    reject = self._reject_statuses(first=True) if route.fallback else _NO_STATUSES
                    send_pooled(self, pool, conn, reject, self._fast_done)
                    return
                pool.release(conn, True)
        self.client.task = self.proxy.loop.create_task(self.run())

    def _fast_done(self, outcome: Outcome) -> None:
        exchange = self.exchange
        assert exchange is not None
        result = self._settle(self.pools[self.upstream], exchange, outcome)
        if isinstance(result, UpstreamFailure):  # retries and fallback need a task
            self.client.task = self.proxy.loop.create_task(self.run(resume=result))
            return
        self.complete(result == DONE and exchange.keep_client)

    async def run(
        self, resume: UpstreamFailure | None = None, prelude: Prelude | None = None
    ) -> None:
        """Serve the request; always ends with a response, an abort, or a logged error."""
        keep_alive = False
        try:
            refusal = await prelude() if prelude is not None else None
            if refusal is not None:
                keep_alive = self._fail_client(refusal.status, refusal.message, refusal.headers)
                return
            keep_alive = await self._serve(resume)
        except Rejection as rejection:  # the client's body broke before it was sent
            self.error = str(rejection)
            keep_alive = self._fail_client(rejection.status, str(rejection))
        except Exception as exc:  # a bug must still answer the client and be logged
            self.proxy.log_error(self.request, exc)
            self.error = f"internal: {exc!r}"
            keep_alive = self._fail_client(502, "internal proxy error")
        finally:
            self.complete(keep_alive)

    def complete(self, keep_alive: bool) -> None:
        """Count and log the request, then hand the client connection back."""
        self.exchange = None
        self.proxy.request_done(self)
        self.client.finished(self.request, keep_alive)

    def _candidates(self) -> list[str]:
        fallback = self.route.fallback
        if fallback and fallback != self.primary:
            return [self.primary, fallback]
        return [self.primary]

    def _reject_statuses(self, *, first: bool) -> frozenset[int]:
        """Statuses that send the request on to the fallback instead of to the client."""
        fallback = self.route.fallback
        if first and self._fallback_after_sent() and fallback and fallback != self.primary:
            return self.route.fallback_on
        return _NO_STATUSES

    def _fallback_after_sent(self) -> bool:
        """Whether the fallback may get a request the primary may already have run."""
        if self.replay is None:
            return False
        return self.safe or (self.idempotent and self.route.fallback_shares_data)

    async def _serve(self, resume: UpstreamFailure | None) -> bool:
        route, request = self.route, self.request
        if resume is None:
            await self._read_replay()
            self.shadow = self.proxy.shadow.wants(route, request, self.safe, self.replay)
            if request.upgrade:
                return await self._upgrade(self.primary)
        candidates = self._candidates()
        failure: UpstreamFailure | None = None
        for index, name in enumerate(candidates):
            first = resume if index == 0 else None
            outcome = await self._try_upstream(self.pools[name], index == 0, first)
            if not isinstance(outcome, UpstreamFailure):
                return outcome == DONE and self.exchange is not None and self.exchange.keep_client
            failure = outcome
            if index == len(candidates) - 1 or not self._may_fall_back(failure):
                break
            self.proxy.metrics.fallbacks.inc((route.name, candidates[index + 1]))
        assert failure is not None
        return self._answer_failure(failure)

    def _sticky_key(self) -> str | None:
        sticky, request = self.route.sticky, self.request
        if sticky is None:
            return None
        if sticky.header is not None:
            return request.match_headers.get(sticky.header)
        if request.cookie is None or sticky.cookie is None:
            return None
        return cookie_value(request.cookie.decode("latin-1"), sticky.cookie)

    async def _read_replay(self) -> None:
        body = self.request.body
        if body is None:
            self.replay = b""
            return
        limit = self.proxy.config.limits.replay_body_bytes
        mirror = self.route.mirror
        if mirror is not None and (mirror.allow_unsafe or self.route.shadow_writes):
            limit = max(limit, mirror.max_body_bytes)
        # Every body up to the limit (chunked ones included, until they pass it) is read before an
        # upstream connection is taken (a slow upload holds none); only idempotent ones are ever
        # sent twice. A chunked body above the limit is streamed from what was buffered.
        if body.length <= limit:
            self.replay = await body.read_all(limit)

    def _may_fall_back(self, failure: UpstreamFailure) -> bool:
        if failure.kind == "client_body":
            return False
        if failure.kind in ("connect", "unavailable"):
            return True  # the request never left the proxy
        return self._fallback_after_sent()

    async def _try_upstream(
        self, pool: UpstreamPool, first: bool, done: UpstreamFailure | None
    ) -> Outcome:
        """Attempts against one upstream, retried when allowed; a failure when none succeeded.

        ``done`` is the failed outcome of an attempt the fast path already made.
        """
        self.upstream = pool.upstream.name
        retryable = self.idempotent and self.replay is not None
        tries = 1 + (pool.upstream.retries if retryable else 0)
        reject = self._reject_statuses(first=first)
        outcome: Outcome = UpstreamFailure(pool.upstream.name, "unavailable")
        for attempt in range(tries):
            if attempt == 0 and done is not None:
                outcome = done
            else:
                if attempt:
                    self.proxy.metrics.retries.inc((pool.upstream.name,))
                outcome = await self._attempt(pool, reject)
            if not isinstance(outcome, UpstreamFailure):
                return outcome
            if outcome.kind in ("unavailable", "status", "client_body") or (
                self.exchange and self.exchange.started
            ):
                break
            if outcome.kind != "connect" and not retryable:
                break
        return outcome

    async def _attempt(self, pool: UpstreamPool, reject: frozenset[int]) -> Outcome:
        if not pool.available():
            return UpstreamFailure(pool.upstream.name, "unavailable", "circuit open or unhealthy")
        self.attempts += 1
        judged = False  # the breaker heard of this attempt (every path, cancellation included)
        try:
            try:
                conn = await pool.acquire()
            except UpstreamFailure as failure:
                judged = True
                return self._count_failure(pool, failure)
            exchange = self._exchange(pool, conn, reject, None)
            self._send(pool, exchange)
            outcome = await exchange.wait()
            judged = True
            return self._settle(pool, exchange, outcome)
        finally:
            if not judged:
                pool.breaker.abandon()

    def _exchange(
        self,
        pool: UpstreamPool,
        conn: UpstreamConnection,
        reject: frozenset[int],
        on_done: Callable[[Outcome], None] | None,
    ) -> Exchange:
        capture = self.route.mirror.max_body_bytes if self.shadow and self.route.mirror else 0
        self.exchange = Exchange(self.client, self.request, conn, reject, capture, on_done)
        return self.exchange

    def _settle(self, pool: UpstreamPool, exchange: Exchange, outcome: Outcome) -> Outcome:
        """Book-keeping after an attempt: breaker, pool, shadow; returns a failure or outcome."""
        body = self.request.body
        if body is not None:
            body.detach()
        self.status, self.bytes_out = exchange.status, exchange.bytes_out
        if isinstance(outcome, UpstreamFailure):
            return self._count_failure(pool, outcome)
        if outcome == CLIENT_GONE:
            return self._client_left(pool, exchange)
        pool.breaker.record(exchange.status < 500)
        if outcome == REJECTED:
            exchange.conn.close()
            return UpstreamFailure(pool.upstream.name, "status", f"status {exchange.status}")
        if outcome == DONE:
            body_sent = body is None or self.replay is not None or body.complete
            pool.release(exchange.conn, exchange.reusable and body_sent)
            if self.shadow:
                self.proxy.shadow.submit(self, exchange)
        return outcome

    def _client_left(self, pool: UpstreamPool, exchange: Exchange) -> Outcome:
        """The client went away: the breaker still judges the upstream by what it did."""
        self.error = "client closed the connection"
        if exchange.started:
            pool.breaker.record(exchange.status < 500)  # it answered
        elif exchange.orphaned:
            exchange.watch(lambda result: self._late_verdict(pool, result))
        else:
            pool.breaker.abandon()  # the request never reached it whole
        if not exchange.started:
            self.status = 499
        return CLIENT_GONE

    def _late_verdict(self, pool: UpstreamPool, result: int | UpstreamFailure) -> None:
        if isinstance(result, UpstreamFailure):
            pool.breaker.record(False)
            self.proxy.metrics.upstream_errors.inc((pool.upstream.name, result.kind))
        else:
            pool.breaker.record(result < 500)

    def _count_failure(self, pool: UpstreamPool, failure: UpstreamFailure) -> UpstreamFailure:
        if failure.kind == "client_body":  # the client's fault, not the upstream's
            pool.breaker.abandon()
            self.error = str(failure)
            return failure
        pool.breaker.record(False)
        self.proxy.metrics.upstream_errors.inc((pool.upstream.name, failure.kind))
        self.error = str(failure)
        return failure

    def _send(self, pool: UpstreamPool, exchange: Exchange) -> None:
        request = self.request
        host = request.host_raw
        if self.route.host_header == "upstream" or not host:
            host = pool.upstream.authority.encode()
        parts = request_head(request, host, self.client.peer, upgrade=request.upgrade,
                             proto=self.proxy.scheme)
        if self.identity is not None:  # signed for this attempt's upstream, with a new nonce
            parts.append(self.identity(pool.upstream.name))
        replay = self.replay if request.body is not None else None
        if request.body is None:
            framing = b"Content-Length: 0\r\n\r\n" if request.method in _BODY_METHODS else b"\r\n"
        else:
            framing = framing_lines(request, replay)
        parts.append(framing)
        if replay:
            parts.append(replay)
        exchange.conn.send(
            b"".join(parts), exchange, head_request=request.method == "HEAD",
            timeout=pool.upstream.read_timeout,
        )
        if request.body is not None and replay is None:
            request.body.attach(exchange.conn.write, exchange.body_failed)

    def _answer_failure(self, failure: UpstreamFailure) -> bool:
        if self.exchange is not None and self.exchange.started:
            self.proxy.log_error(self.request, failure)
            self.client.abort()  # the head is out: only an abort tells the client it failed
            return False
        rejection = self.exchange.rejection if self.exchange is not None else None
        if isinstance(rejection, Rejection):
            return self._fail_client(rejection.status, str(rejection))
        status = _ERROR_STATUS.get(failure.kind, 502)
        return self._fail_client(status, str(failure))

    def _fail_client(self, status: int, message: str, extra: bytes = b"") -> bool:
        if self.exchange is not None and self.exchange.started:
            self.client.abort()
            return False
        self.status = status
        self.error = self.error or message
        body_unread = self.request.body is not None and not self.request.body.complete
        close = not self.request.keep_alive or body_unread
        self.client.write(
            error_response(status, message, self.request.request_id, close=close, extra=extra))
        return not close

    async def _upgrade(self, name: str) -> bool:
        pool = self.pools[name]
        self.upstream = name
        if not pool.available():
            return self._fail_client(503, f"{name}: circuit open or unhealthy")
        judged = False
        try:
            try:
                conn = await pool.connect()
            except UpstreamFailure as failure:
                judged = True
                return self._fail_client(502, str(self._count_failure(pool, failure)))
            exchange = self._exchange(pool, conn, frozenset(), None)
            self._send(pool, exchange)
            outcome = await exchange.wait()
            judged = True
        finally:
            if not judged:
                pool.breaker.abandon()
        self.status = exchange.status
        if outcome == UPGRADED:
            pool.breaker.record(True)
            await open_tunnel(self.client, conn, self.request.leftover, exchange.leftover)
            return False
        if isinstance(outcome, UpstreamFailure):
            return self._answer_failure(self._count_failure(pool, outcome))
        if outcome == CLIENT_GONE and not exchange.started:
            pool.breaker.abandon()
        else:
            pool.breaker.record(exchange.status < 500)
        conn.close()
        return False

    def log_line(self, duration: float) -> str:
        """The access-log line of this request (JSON, formatted by hand: this runs per request;
        the request id and address are JSON-safe by construction, names are quoted once)."""
        request = self.request
        body = request.body
        line = (
            f'{{"ts":{time.time():.3f},"request_id":"{request.request_id.decode("ascii")}",'
            f'"client":"{self.client.peer}","method":{quoted(request.method)},'
            f'"path":{json_path(request.path)},{route_fields(self.route.name, self.upstream)}'
            f'{self.status},'
            f'"bytes_in":{body.received if body else 0},'
            f'"bytes_out":{self.bytes_out},"duration_ms":{duration * 1000:.3f}'
        )
        if self.attempts > 1 or self.error or self.shadow:
            line += self._log_extra()
        return line + "}\n"

    def _log_extra(self) -> str:
        extra: dict[str, Any] = {}
        if self.attempts > 1:
            extra["attempts"] = self.attempts
        if self.error:
            extra["error"] = self.error
        if self.shadow:
            extra["shadow"] = True
        return "," + _json(extra)[1:-1]
