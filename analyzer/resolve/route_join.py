"""A route's full pattern from the patterns of its ``include`` chain, as Django resolves it.

Django (``django/urls/resolvers.py``) resolves a path one pattern at a time: the root takes the
leading ``/`` (``RegexPattern(r"^/")``), then each pattern matches what is left and hands the rest
on. A ``path()`` pattern is anchored (``^`` + its text, ``\\Z`` when it ends a route); a
``re_path()``/``url()`` regex is *searched* in the rest (``regex.search``: a regex without ``^``
matches anywhere in it), except that a route's last regex ending with ``$`` must match the whole
rest (``fullmatch``); a last regex without ``$`` ignores what follows its match. An include's match
is kept even if no pattern under it then matches (no backtracking into it).

:func:`joined_route` says that as one pattern of the whole path:

- a route of ``path()`` parts only (or regexes that are literal text, anchored and closed) is the
  concatenation, ``/orders/<int:pk>/``;
- any other is the full path's regex, to be matched with ``re.match`` from the path's ``/``:
  ``^/control/event/(?P<event>[^/]+)/\\Z``. An include whose match could end in more than one
  place is an atomic group (``(?>...)``, Python 3.11), one without ``^`` is preceded by a lazy skip
  (``(?>[\\s\\S]*?api/)``: the first place it matches; ``[\\s\\S]``, not ``(?s:.)``, which
  Django's ``reverse()`` could not read), a route's last regex with ``$`` ends in
  ``\\Z``, one without ``$`` has no end (it takes every path that starts so);
- what one regex cannot say (a ``^`` inside a pattern, numbered back-references, a group name two
  patterns use) is left as Django shows it (``ResolverMatch.route``), and :func:`joined_route` says
  why it is not exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.facts.route_text import MARKER
from analyzer.model.facts import CONVERTING

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
# converters whose value reaches the view as the text matched: said by their regex in a regex route
_TEXT_CONVERTERS = {"str": "[^/]+", "slug": "[-a-zA-Z0-9_]+", "path": ".+"}
_META = frozenset("\\^$()?[]+*|{}.")
_PATH_SYNTAX = frozenset("^$()?\\[]+*|{}<>")
_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_SKIP = r"[\s\S]*?"  # what a regex without ``^`` may pass over: anything, newlines too
_PLACEHOLDER = "Q"  # a marker's stand-in while a pattern's structure is read
# a group that matches the empty string only (pretix's ``(?P<cart_namespace>[_]{0})``): ends at once
_EMPTY_ONLY = re.compile(r"(\(\?P<\w+>)?(\[[^\]]*\]|\\?.)\{0(,0)?\}(?(1)\))")


@dataclass(frozen=True)
class RoutePart:
    """One pattern of an include chain: its text as written and whether it is a regex."""

    text: str
    regex: bool  # re_path / url / a router's prefix (a RegexPattern), else path() (a RoutePattern)


@dataclass(frozen=True)
class JoinedRoute:
    """A route's full pattern (with its leading ``/`` or ``^/``) and, when it is not exact, why."""

    route: str
    inexact: str = ""


@dataclass(frozen=True)
class _Shape:
    """What the join needs to know of one regex's text (markers read as plain text)."""

    body: str  # the text without its leading ``^`` (and global flags made scoped)
    anchored: bool
    alternation: bool  # a ``|`` outside every group
    literal: bool  # no regex syntax at all but escapes of plain characters
    segments: bool  # ends with a ``/`` outside groups and matches no other ``/``: one place to end
    inner_caret: bool
    numbered_backref: bool
    groups: tuple[str, ...]


def joined_route(parts: tuple[RoutePart, ...]) -> JoinedRoute:
    """The full pattern of the route whose include chain is ``parts`` (its own pattern last)."""
    plain = _plain_path(parts)
    if plain is not None:
        return JoinedRoute(plain)
    why = _inexact(parts)
    if why:
        return JoinedRoute(_as_django_shows(parts), why)
    pieces = [_piece(part, last=index == len(parts) - 1) for index, part in enumerate(parts)]
    return JoinedRoute("^/" + "".join(pieces))


def _as_django_shows(parts: tuple[RoutePart, ...]) -> str:
    """``ResolverMatch.route``: the patterns joined, each one's leading ``^`` dropped but the first's."""
    texts = [part.text for part in parts if part.text]
    joined = texts[0] + "".join(text.removeprefix("^") for text in texts[1:]) if texts else ""
    return "^/" + joined.removeprefix("^") if joined.startswith("^") else "/" + joined


def _inexact(parts: tuple[RoutePart, ...]) -> str:
    """Why one regex of the whole path cannot match exactly what Django resolves (empty: it can)."""
    seen: set[str] = set()
    for part in parts:
        names = _path_groups(part.text) if not part.regex else _shape(part.text).groups
        if part.regex:
            shape = _shape(part.text)
            if shape.inner_caret:
                return f"the regex {part.text!r} has a '^' after its start (the start of what is left)"
            if shape.numbered_backref:
                return f"the regex {part.text!r} refers to a group by number"
        elif any(m["converter"] not in (*_TEXT_CONVERTERS, *CONVERTING, None)
                 for m in _CONVERTER.finditer(part.text)):
            return (f"the path() pattern {part.text!r} uses a converter of the project's own, whose "
                    "regex is unknown here")
        if seen & set(names):
            return f"the group name(s) {', '.join(sorted(seen & set(names)))} are captured twice"
        seen |= set(names)
    return ""


def _plain_path(parts: tuple[RoutePart, ...]) -> str | None:
    """The route as a ``path()`` route when its regexes are literal, anchored and it is closed."""
    out = []
    for index, part in enumerate(parts):
        if not part.regex:
            if index < len(parts) - 1 and not _path_ends_once(part.text):
                return None
            out.append(part.text)
            continue
        shape = _shape(part.text)
        final = index == len(parts) - 1
        body = shape.body
        closed = final and part.text.endswith("$") and not part.text.endswith("\\$")
        if closed:
            body = body[:-1]
        if (not shape.anchored and body and not closed) or (final and not closed) or \
                not _is_literal(body):
            return None
        out.append(_unescaped(body))
    return "/" + "".join(out).lstrip("/")


def _path_ends_once(text: str) -> bool:
    """Whether a ``path()`` include's match can end in one place only: literal, or at a ``/``
    with no ``<path:...>`` before it (a converter's match is greedy, and kept)."""
    converters = [found["converter"] for found in _CONVERTER.finditer(text)]
    return not converters or (text.endswith("/") and "path" not in converters)


def _is_literal(body: str) -> bool:
    """Whether ``body`` is plain text (plain characters and escapes of them), nothing a route
    of ``path()`` syntax would read otherwise (a converter, a regex, an unknown part)."""
    read = MARKER.sub(_PLACEHOLDER, body)
    return _scan(read).literal and not any(char in _PATH_SYNTAX for char in _unescaped(read))


def _unescaped(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


def _piece(part: RoutePart, last: bool) -> str:
    """One pattern as a piece of the whole path's regex."""
    if not part.regex:
        return _path_regex(part.text, last)
    shape = _shape(part.text)
    body = shape.body
    if last:
        ends = part.text.endswith("$")  # Django's test is textual: ``fullmatch`` then
        if ends and not shape.alternation and not part.text.endswith("\\$"):
            body = body[:-1]
        elif ends or shape.alternation:
            body = f"(?:{body})"
        skip = "" if shape.anchored or ends or not body else _SKIP
        return skip + body + ("\\Z" if ends else "")
    if not body:
        return ""
    if not shape.anchored:
        return f"(?>{_SKIP}{body})"
    if shape.literal or (shape.segments and not shape.alternation) or _EMPTY_ONLY.fullmatch(body):
        return body
    return f"(?>{body})"


def _path_regex(text: str, last: bool) -> str:
    """A ``path()`` pattern as Django compiles it (``_route_to_regex``), its converters as groups;
    an include's is atomic unless it ends at a ``/`` (or is literal): it can end in one place only."""
    out, position = [], 0
    for found in _CONVERTER.finditer(text):
        out.append(re.escape(text[position:found.start()]))
        converter = found["converter"] or "str"
        regex = _TEXT_CONVERTERS.get(converter)
        if regex is None:  # ``<int:pk>``: kept as Django shows it (route_regex); or inexact
            out.append(found[0])
        else:
            out.append(f"(?P<{found['parameter']}>{regex})")
        position = found.end()
    out.append(re.escape(text[position:]))
    body = "".join(out)
    if last:
        return body + "\\Z"
    return body if _path_ends_once(text) else f"(?>{body})"


def _path_groups(text: str) -> tuple[str, ...]:
    return tuple(found["parameter"] for found in _CONVERTER.finditer(text))


def _shape(text: str) -> _Shape:
    """The structure of a regex's text, read by one scan (markers stand as plain letters)."""
    flags = _FLAGS.match(text)
    rest = text[flags.end():] if flags else text
    anchored = rest.startswith("^") or _matches_empty(rest)
    body = rest.lstrip("^")  # ``^^taxes/``: a prefix of ``^`` put before a pattern of its own
    scan = _scan(MARKER.sub(_PLACEHOLDER, body))
    if flags:  # ``(?i)`` applies to the whole pattern: to this pattern alone inside the route
        body = f"(?{flags[1]}:{body})"
    return _Shape(body, anchored, scan.alternation, scan.literal and not flags,
                  scan.segments, scan.inner_caret, scan.backref, scan.groups)


def _matches_empty(text: str) -> bool:
    """Whether a regex without ``^`` matches the empty string, so that ``search`` finds it at the
    start of what is left whatever follows (``(?P<cart_namespace>[_]{0})``): it is anchored."""
    if not text or MARKER.search(text) or re.search(r"\$|\\[ZAbB]|\(\?[=!<]", text):
        return False
    try:
        return re.fullmatch(text, "") is not None
    except re.error:
        return False


@dataclass(frozen=True)
class _Scan:
    alternation: bool
    literal: bool
    segments: bool
    inner_caret: bool
    backref: bool
    groups: tuple[str, ...]


@dataclass(frozen=True)
class _Token:
    """One atom of a regex's text: an escape, a character class or one character."""

    kind: str  # "escape" | "class" | "char"
    text: str
    depth: int  # groups open around it


def _tokens(body: str) -> list[_Token]:
    out, depth, index = [], 0, 0
    while index < len(body):
        char = body[index]
        kind, end = ("escape", index + 2) if char == "\\" else \
            ("class", _class_end(body, index)) if char == "[" else ("char", index + 1)
        depth -= kind == "char" and char == ")"
        out.append(_Token(kind, body[index:end], depth))
        depth += kind == "char" and char == "("
        index = end
    return out


def _crosses(token: _Token) -> bool:
    """Whether the atom may match a ``/`` other than a literal one outside every group."""
    if token.kind == "class":
        return ("/" in token.text) != token.text.startswith("[^")
    if token.kind == "escape":
        return token.text[1:] in ("S", "W", "D") or (token.text == "\\/" and token.depth > 0)
    return token.text == "." or (token.text == "/" and token.depth > 0)


def _scan(body: str) -> _Scan:
    """Reads ``body``: alternation at depth 0, plain text, where ``/`` can be matched."""
    tokens = _tokens(body)
    chars = [t.text for t in tokens if t.kind == "char"]
    top = [t.kind != "class" and t.text in ("/", "\\/") and t.depth == 0 for t in tokens]
    quantified = any(top[i] and tokens[i + 1].text[:1] in "?*+{" for i in range(len(tokens) - 1))
    alternation = any(t.kind == "char" and t.text == "|" and t.depth == 0 for t in tokens)
    literal = all((t.kind == "escape" and not t.text[1:].isalnum())
                  or (t.kind == "char" and t.text not in _META) for t in tokens)
    segments = bool(top) and top[-1] and not quantified and not alternation and \
        not any(_crosses(t) for t in tokens)
    backref = any(t.kind == "escape" and t.text[1:].isdigit() and t.text[1:] != "0" for t in tokens)
    return _Scan(alternation, literal, segments, "^" in chars, backref,
                 tuple(re.findall(r"\(\?P<([A-Za-z_]\w*)>", body)))


def _class_end(body: str, start: int) -> int:
    """The index after the ``]`` closing the character class opened at ``start``."""
    index = start + 1
    if body[index:index + 1] == "^":
        index += 1
    if body[index:index + 1] == "]":
        index += 1
    while index < len(body) and body[index] != "]":
        index += 2 if body[index] == "\\" else 1
    return index + 1
