"""Request-target parsing and path normalisation (pure functions, no I/O).

A path is normalised once, before matching, and the normalised form is what the upstream receives,
so the route that matched and the resource the upstream serves are always the same:

1. percent-escapes of unreserved characters and of ``/`` are decoded (``%2e`` -> ``.``,
   ``%2F`` -> ``/``); other escapes are kept with upper-case hex (``%25`` stays ``%25``, so double
   encoding is never decoded twice); a malformed escape is an error;
2. runs of ``/`` collapse to one;
3. dot segments are removed (RFC 3986 §5.2.4); ``..`` never climbs above ``/``.

Case is kept: paths are case-sensitive, so ``/ORDERS`` does not match a ``/orders`` route.
"""

from __future__ import annotations

import re

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
_ESCAPE = re.compile(rb"%(..)?")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_SIMPLE = re.compile(rb"^/[A-Za-z0-9\-_~/?=&,;:@+!$'()*.]*$")
_ALLOWED = re.compile(rb"^[\x21-\x7e]*$")


class BadTarget(ValueError):
    """The request target cannot be parsed or normalised (answered with 400)."""


def _decode_escapes(path: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        pair = match.group(1)
        if pair is None or pair[0] not in _HEX or pair[1] not in _HEX:
            raise BadTarget("malformed percent-escape in path")
        byte = int(pair, 16)
        if byte in _UNRESERVED:
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


def normalise_path(path: bytes) -> bytes:
    """The canonical form of an absolute path (see the module docstring)."""
    if not path.startswith(b"/"):
        raise BadTarget("path must start with '/'")
    if not _ALLOWED.match(path):
        raise BadTarget("path contains characters that must be percent-encoded")
    if b"%" in path:
        path = _decode_escapes(path)
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


def host_without_port(host: str) -> str:
    """Lower-case host name of a Host header value, without the port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
