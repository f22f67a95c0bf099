"""The pooled fast path: one request served from the protocol callbacks, without a task.

It applies to the common case — a body-less, non-upgrade request whose upstream has an idle
keep-alive connection and a closed breaker. :func:`send_pooled` builds the upstream request head in
one ``bytes.join`` (the constant header blocks are built once) and :class:`FastExchange` settles a
finished response itself (breaker, pool, completion) instead of going through the outcome callback.
Anything unusual — a rejected status, a failure, a shadow copy, a client gone — takes the general
path of :class:`~strangler_proxy.datapath.exchange.Exchange` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from strangler_proxy.datapath.exchange import DONE, Exchange, Outcome
from strangler_proxy.datapath.upstream import UpstreamConnection, UpstreamPool
from strangler_proxy.policy.headers import VIA

if TYPE_CHECKING:
    from strangler_proxy.datapath.in_flight import InFlight

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_VIA_LINE = b"\r\nVia: " + VIA + b"\r\n"
_VIA_AFTER = b", " + VIA + b"\r\n"
_PROTO_BLOCKS: dict[bytes, bytes] = {}


def _proto_block(proto: bytes) -> bytes:
    block = _PROTO_BLOCKS.get(proto)
    if block is None:
        block = _PROTO_BLOCKS[proto] = (
            b"\r\nX-Forwarded-Proto: " + proto + b"\r\nX-Forwarded-Host: ")
    return block


class FastExchange(Exchange):
    """An :class:`Exchange` that completes its forwarding itself when the response ends well."""

    __slots__ = ("forwarding", "pool")

    forwarding: InFlight
    pool: UpstreamPool

    def response_end(self, reusable: bool) -> None:
        """Finish the response; settle breaker and pool and complete the request in place."""
        if self._chunked:
            self._pending.append(b"0\r\n\r\n")
        self.flush()
        self.reusable = reusable
        forwarding = self.forwarding
        if self._outcome is not None or forwarding.shadow:
            self._resolve(DONE)  # the general path (shadow copies are submitted there)
            return
        self._outcome = DONE
        pool = self.pool
        forwarding.status = status = self.status
        forwarding.bytes_out = self.bytes_out
        pool.breaker.record(status < 500)
        pool.release(self.conn, reusable)
        forwarding.complete(self.keep_client)


def send_pooled(
    forwarding: InFlight,
    pool: UpstreamPool,
    conn: UpstreamConnection,
    reject: frozenset[int],
    on_done: Callable[[Outcome], None],
) -> None:
    """Send ``forwarding``'s body-less request on the idle ``conn`` of ``pool``."""
    request, client = forwarding.request, forwarding.client
    route = forwarding.route
    capture = route.mirror.max_body_bytes if forwarding.shadow and route.mirror else 0
    exchange = FastExchange(client, request, conn, reject, capture, on_done)
    exchange.forwarding = forwarding
    exchange.pool = pool
    forwarding.exchange = exchange
    host_raw = request.host_raw
    host = host_raw
    if route.host_header == "upstream" or not host:
        host = pool.upstream.authority.encode()
    peer = client.peer.encode()
    method = request.method
    via = request.via
    conn.send(
        b"".join((
            method.encode(), b" ", request.forward_path, request.query, b" HTTP/1.1\r\nHost: ", host,
            b"\r\n", *request.lines, b"X-Request-ID: ", request.request_id,
            b"\r\nX-Forwarded-For: ",
            request.forwarded_for + b", " + peer if request.forwarded_for else peer,
            _proto_block(forwarding.proxy.scheme), host_raw,
            b"\r\nVia: " + via + _VIA_AFTER if via else _VIA_LINE,
            b"Content-Length: 0\r\n\r\n" if method in _BODY_METHODS else b"\r\n",
        )),
        exchange, head_request=method == "HEAD", timeout=pool.upstream.read_timeout,
    )
