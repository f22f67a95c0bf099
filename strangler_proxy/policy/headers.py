"""Header rules of the proxy (pure functions): hop-by-hop removal, forwarding headers, error bodies.

Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy: ``Connection``, ``Keep-Alive``,
``Proxy-Connection``, ``TE``, ``Trailer``, ``Transfer-Encoding``, ``Upgrade`` (kept only on a
WebSocket upgrade), and every header named in ``Connection``. Framing (``Content-Length`` /
``Transfer-Encoding: chunked``) is rebuilt from the parsed message, never copied.
"""

from __future__ import annotations

import itertools
import json
import os
import re

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
SHADOW_MARKER = b"x-demonolith-shadow"
IDENTITY = b"x-demonolith-identity"  # only the proxy may vouch for a user (strangler_proxy.datapath.identity)
VIA = b"1.1 demonolith"
# Request headers the proxy sets itself (the client's copy is read, then replaced).
MANAGED_REQUEST = HOP_BY_HOP | {
    b"host",
    b"content-length",
    b"expect",
    b"x-request-id",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"via",
    SHADOW_MARKER,
    IDENTITY,
}
MANAGED_RESPONSE = HOP_BY_HOP | {b"content-length", b"via", b"x-request-id"}
REQUEST_ID_PATTERN = rb"^[A-Za-z0-9._:-]{1,128}$"  # a client's X-Request-ID the proxy keeps
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)
REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def connection_tokens(value: bytes) -> frozenset[bytes]:
    """Lower-case tokens of a Connection header value."""
    return frozenset(token.strip().lower() for token in value.split(b",") if token.strip())


class RequestIds:
    """New request ids: a random 64-bit prefix per process and a counter (32 hex digits, like a
    random UUID's length), unique across processes and restarts without a syscall per request."""

    def __init__(self) -> None:
        self.reseed()
        os.register_at_fork(after_in_child=self.reseed)

    def reseed(self) -> None:
        """A new random prefix and counter (at start and in a forked child)."""
        self._prefix = os.urandom(8).hex().encode()
        self._next = itertools.count(int.from_bytes(os.urandom(4), "big")).__next__

    def new(self) -> bytes:
        """The next id."""
        return self._prefix + b"%016x" % self._next()


new_request_id = RequestIds().new


def request_id_from(value: bytes | None) -> bytes:
    """The client's X-Request-ID when it is safe to log and pass on, else a new unique one."""
    if value is not None and _REQUEST_ID.match(value):
        return value
    return new_request_id()


def forwarded_for(existing: bytes | None, client_ip: str) -> bytes:
    """X-Forwarded-For with the client's address appended."""
    if existing:
        return existing + b", " + client_ip.encode()
    return client_ip.encode()


def via(existing: bytes | None) -> bytes:
    """Via with this proxy appended."""
    return existing + b", " + VIA if existing else VIA


def error_body(status: int, message: str, request_id: bytes) -> bytes:
    """The JSON body of an error the proxy itself answers."""
    reason = REASONS.get(status, "Error")
    return json.dumps(
        {
            "error": reason.lower().replace(" ", "_"),
            "status": status,
            "message": message,
            "request_id": request_id.decode("ascii", "replace"),
        }
    ).encode()


def error_response(
    status: int, message: str, request_id: bytes, *, close: bool, extra: bytes = b""
) -> bytes:
    """A complete HTTP/1.1 error response with a JSON body (``extra``: more header lines)."""
    body = error_body(status, message, request_id)
    lines = [
        b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, "Error").encode()),
        b"Content-Type: application/json\r\n",
        b"Content-Length: %d\r\n" % len(body),
        b"X-Request-ID: " + request_id + b"\r\n",
        b"Via: " + VIA + b"\r\n",
        extra,
    ]
    if close:
        lines.append(b"Connection: close\r\n")
    return b"".join(lines) + b"\r\n" + body
