"""The signed shadow marker: what tells a generated service that a request is a shadow copy (pure).

The proxy marks a mirrored write with::

    X-Demonolith-Shadow: s1.<expires>.<nonce>.<signature>
    signature = lower-case hex HMAC-SHA256(key=identity secret,
                msg="s1.<expires>.<nonce>\\n<service>\\n<METHOD>\\n" + <path>)

signed like the identity header (:mod:`strangler_proxy.datapath.identity`): ``expires`` Unix
seconds, ``nonce`` 32 random hex digits, ``service`` the upstream the copy goes to, ``path`` the
percent-decoded request path without the query. A client cannot forge one (it has no secret), nor
make a real request look like a shadow one to skip its effects, nor strip the marker from a copy
(the client never sees the copy; a client-sent marker is a managed header the proxy removes).
:func:`marker_refusal` is what the service checks, written here beside the signer so both sides
are tested against one another.
"""

from __future__ import annotations

import hashlib
import hmac
import re

MARKER_VERSION = "s1"
_MARKER = re.compile(r"^s1\.([0-9]{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})$")


def marker_message(expires: int, nonce: str, service: str, method: str, path: bytes) -> bytes:
    """What the marker's signature covers: its expiry and nonce, and the one request it is for."""
    return f"{MARKER_VERSION}.{expires}.{nonce}\n{service}\n{method}\n".encode() + path


def sign_marker(
    secret: bytes, expires: int, *, nonce: str, service: str, method: str, path: bytes
) -> str:
    """The marker value for one shadow copy of ``method path`` to ``service``."""
    digest = hmac.new(secret, marker_message(expires, nonce, service, method, path),
                      hashlib.sha256).hexdigest()
    return f"{MARKER_VERSION}.{expires}.{nonce}.{digest}"


def marker_refusal(
    value: str, secret: bytes, *, now: float, service: str, method: str, path: bytes
) -> str:
    """Why ``value`` is no valid marker for this request (``""`` when it is)."""
    match = _MARKER.match(value)
    if match is None:
        return "malformed shadow marker"
    expires, nonce, signature = int(match[1]), match[2], match[3]
    expected = hmac.new(secret, marker_message(expires, nonce, service, method, path),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "shadow marker signature does not match"
    if expires <= now:
        return "shadow marker expired"
    return ""


SUPPRESSED = "x-demonolith-shadow-suppressed"  # what the service held back, ``mail=1, tasks=0``
UNSUPPRESSED = "x-demonolith-shadow-unsuppressed"  # what it could not hold back (it happened)


def effect_counts(value: str | None) -> dict[str, int]:
    """``"connections=1, file_writes=0"`` -> ``{"connections": 1, "file_writes": 0}`` (parts that
    are not ``name=count`` are left out)."""
    counts: dict[str, int] = {}
    for part in (value or "").split(","):
        name, sep, count = part.strip().partition("=")
        if sep and name and count.isdigit():
            counts[name] = int(count)
    return counts
