"""Bytes of a source file -> an ``ast.Module``, or warnings saying precisely why not.

Order of checks: NUL bytes (binary or corrupt file), the PEP 263 encoding, an empty module, then
``ast.parse``; when that fails the newer-syntax fallback (:mod:`analyzer.facts.newer_syntax`) is
tried before the syntax error is reported. Nothing here raises on bad input.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from analyzer.model.facts import SourceWarning

_PY2_HINTS = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "multiple exception types must be parenthesized",
    "leading zeros in decimal integer literals",
    "invalid decimal literal",
)


@dataclass(frozen=True)
class ParsedSource:
    """The outcome of reading one file: a tree (or None), the line count and any warnings."""

    tree: ast.Module | None
    lines: int
    warnings: tuple[SourceWarning, ...]


def parse_source(data: bytes, path: str) -> ParsedSource:
    """Decode and parse ``data`` (the bytes of ``path``); never raises for bad input."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return _failed(path, line, lines, "nul-bytes", "contains a NUL byte: binary or corrupt")
    text_or_warning = decode_source(data, path)
    if isinstance(text_or_warning, SourceWarning):
        return ParsedSource(None, lines, (text_or_warning,))
    if not text_or_warning.strip():
        return _empty(path, lines)
    return _parse_text(text_or_warning, path, lines)


def decode_source(data: bytes, path: str) -> str | SourceWarning:
    """Decode with the PEP 263 cookie (UTF-8 by default); a warning names the first bad line."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return SourceWarning(path, 1, "decode", f"cannot decode: {exc}")
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        start = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        line = data.count(b"\n", 0, start) + 1
        return SourceWarning(path, line, "decode", f"cannot decode as {encoding}: {exc}")


def _parse_text(text: str, path: str, lines: int) -> ParsedSource:
    try:
        return ParsedSource(ast.parse(text, filename=path), lines, ())
    except SyntaxError as exc:
        error = exc
    except (ValueError, RecursionError, MemoryError) as exc:
        return _failed(path, 1, lines, "syntax", f"cannot parse: {type(exc).__name__}: {exc}")
    from analyzer.facts.newer_syntax import without_type_parameters

    stripped = without_type_parameters(text)  # PEP 695, token by token: lines stay exact
    if stripped is not None and stripped != text:
        try:
            return ParsedSource(ast.parse(stripped, filename=path), lines, ())
        except SyntaxError as exc:
            error = exc  # past the PEP 695 syntax: a PEP 701 f-string or a real error
        except (ValueError, RecursionError, MemoryError) as exc:
            return _failed(path, 1, lines, "syntax", f"cannot parse: {type(exc).__name__}: {exc}")
        text = stripped
    return _parse_rewritten(text, path, lines, error)


def _parse_rewritten(text: str, path: str, lines: int, error: SyntaxError) -> ParsedSource:
    """The LibCST fallback (PEP 701 f-strings, libcst: a slow import, only for such files)."""
    from analyzer.facts.newer_syntax import rewrite_for_running_python

    rewrite = rewrite_for_running_python(text)
    if rewrite.code is None:
        if rewrite.error.startswith("syntax error"):  # a real one: ast said where
            return _failed(path, error.lineno or 1, lines, "syntax", _syntax_message(error))
        return _failed(path, error.lineno or 1, lines, "syntax", rewrite.error)
    try:
        return ParsedSource(ast.parse(rewrite.code, filename=path), lines, ())
    except SyntaxError as exc:  # the rewrite missed a construct: say so, on the line it left
        return _failed(path, exc.lineno or 1, lines, "syntax",
                       f"newer Python syntax not rewritten: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return _failed(path, 1, lines, "syntax", f"cannot parse: {type(exc).__name__}: {exc}")


def _syntax_message(error: SyntaxError) -> str:
    message = f"syntax error: {error.msg}"
    if any(hint in str(error.msg) for hint in _PY2_HINTS):
        message += " (Python 2 code? only Python 3 is read)"
    return message


_CONVENTIONAL_EMPTY = frozenset(
    {"__init__", "models", "admin", "views", "tests", "urls", "apps", "forms", "signals", "tasks",
     "receivers", "serializers", "utils", "conftest"}
)


def _empty(path: str, lines: int) -> ParsedSource:
    """An empty module is fine where Django or Python expects one to exist; elsewhere, news."""
    if path.rpartition("/")[2].removesuffix(".py") in _CONVENTIONAL_EMPTY:
        return ParsedSource(ast.Module(body=[], type_ignores=[]), lines, ())
    tree = ast.Module(body=[], type_ignores=[])
    return ParsedSource(tree, lines, (SourceWarning(path, 1, "empty", "empty module"),))


def _failed(path: str, line: int, lines: int, code: str, message: str) -> ParsedSource:
    return ParsedSource(None, lines, (SourceWarning(path, line, code, message),))
