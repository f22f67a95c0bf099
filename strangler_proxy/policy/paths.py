"""Request-target parsing and path normalisation (pure functions, no I/O).

A path is normalised once, before matching, and the normalised form is what routes match:

1. percent-escapes of unreserved characters and of ``/`` are decoded (``%2e`` -> ``.``,
   ``%2F`` -> ``/``); other escapes are kept with upper-case hex (``%25`` stays ``%25``, so double
   encoding is never decoded twice); a malformed escape is an error;
2. runs of ``/`` collapse to one;
3. dot segments are removed (RFC 3986 §5.2.4); ``..`` never climbs above ``/``.

The upstream receives the same normalisation with one difference (:func:`forwarded_path`): an
encoded slash stays encoded (``%2F``), since ``a%2Fb`` is one path segment and ``a/b`` two.
Decoding the forwarded path's ``%2F`` and normalising again gives the path that matched, so an
upstream that decodes it serves what the route was chosen for.

Case is kept: paths are case-sensitive, so ``/ORDERS`` does not match a ``/orders`` route.
"""

from __future__ import annotations

import re

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
_UNRESERVED_NOT_SLASH = _UNRESERVED - {ord("/")}
_ESCAPE = re.compile(rb"%(..)?")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_SIMPLE = re.compile(rb"^/[A-Za-z0-9\-_~/?=&,;:@+!$'()*.]*$")
_ALLOWED = re.compile(rb"^[\x21-\x7e]*$")
# RFC 9110 §7.2 / RFC 3986 §3.2.2: uri-host [ ":" port ], no userinfo, no path, no spaces
_HOST = re.compile(rb"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]{0,5})?")


class BadTarget(ValueError):
    """The request target cannot be parsed or normalised (answered with 400)."""


def _decode_escapes(path: bytes, decoded: frozenset[int] = _UNRESERVED) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        pair = match.group(1)
        if pair is None or pair[0] not in _HEX or pair[1] not in _HEX:
            raise BadTarget("malformed percent-escape in path")
        byte = int(pair, 16)
        if byte in decoded:
            return bytes((byte,))
        return b"%" + pair.upper()

    return _ESCAPE.sub(replace, path)


def remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 §5.2.4 on an absolute path whose slashes are already collapsed."""
    output: list[bytes] = []
    segments = path.split(b"/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == b".":
            if last:
                output.append(b"")
        elif segment == b"..":
            if output:
                output.pop()
            if last:
                output.append(b"")
        else:
            output.append(segment)
    return b"/" + b"/".join(output)


def normalise_path(path: bytes, *, keep_slashes: bool = False) -> bytes:
    """The canonical form of an absolute path (see the module docstring); ``keep_slashes``:
    ``%2F`` stays encoded (the form sent upstream)."""
    if not path.startswith(b"/"):
        raise BadTarget("path must start with '/'")
    if not _ALLOWED.match(path):
        raise BadTarget("path contains characters that must be percent-encoded")
    if b"%" in path:
        path = _decode_escapes(path, _UNRESERVED_NOT_SLASH if keep_slashes else _UNRESERVED)
    if b"//" in path:
        path = re.sub(rb"/{2,}", b"/", path)
    if b"/." in path:
        path = remove_dot_segments(path)
    return path


def normalise_target(target: bytes) -> tuple[bytes, bytes]:
    """Normalise an origin-form target; returns ``(path, query)``; fast for plain paths."""
    index = target.find(b"?")
    path, query = (target, b"") if index < 0 else (target[:index], target[index:])
    if _SIMPLE.match(path) and b"//" not in path and b"/." not in path:
        return path, query
    return normalise_path(path), query


def forwarded_path(path: bytes) -> bytes:
    """The normalised path as the upstream receives it: encoded slashes kept as ``%2F``.

    Raises BadTarget when decoding those slashes would change the path again (``a%2F..%2Fb``,
    ``a%2F%2Fb``): the route was chosen for one path and an upstream that decodes them would
    serve another."""
    forwarded = normalise_path(path, keep_slashes=True)
    if b"%2F" in forwarded:
        decoded = forwarded.replace(b"%2F", b"/")
        if normalise_path(decoded) != decoded:
            raise BadTarget("an encoded slash beside a dot segment or another slash is ambiguous")
    return forwarded


def parse_absolute_form(target: bytes) -> tuple[bytes, bytes]:
    """Split ``http://authority/path?q`` into ``(authority, origin-form target)``."""
    lower = target[:8].lower()
    if lower.startswith(b"http://"):
        rest = target[7:]
    elif lower.startswith(b"https://"):
        rest = target[8:]
    else:
        raise BadTarget("request target must be origin-form or http(s) absolute-form")
    slash = rest.find(b"/")
    question = rest.find(b"?")
    cut = min(i for i in (slash, question, len(rest)) if i >= 0)
    authority, remainder = rest[:cut], rest[cut:]
    if b"@" in authority or not authority:
        raise BadTarget("absolute-form target with userinfo or without host")
    if not remainder.startswith(b"/"):
        remainder = b"/" + remainder
    return authority, remainder


def valid_host(host: bytes) -> bool:
    """Whether ``host`` is a Host header value (or an absolute-form authority) to accept."""
    return _HOST.fullmatch(host) is not None


def host_without_port(host: str) -> str:
    """Lower-case host name of a Host header value, without the port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
