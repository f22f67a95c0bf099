"""Read code written for a newer Python than the running one, by rewriting it for the stdlib.

``ast`` only parses the grammar of the running interpreter (3.11 here). LibCST parses 3.0-3.14,
so when ``ast`` fails this module parses the file with LibCST and rewrites the few constructs
3.11 cannot read into equivalents that keep every line where it was:

- PEP 695 type parameters (``def f[T](x: T)``, ``class Box[T]:``) are dropped;
- ``type Alias = X`` statements become ``Alias = X``;
- f-strings (3.12 allows reused quotes, backslashes and comments inside them) become a
  concatenation of their literal parts and their expressions, which is what the SQL reader needs;
  an implicit concatenation holding one (``"a" f"{b}"``) becomes an explicit ``+`` chain.

The outcome is a :class:`Rewrite`: the new code, or why there is none and on which line (a real
syntax error is reported where LibCST found it, not where ``ast`` first stumbled on newer syntax).
"""

from __future__ import annotations

import contextlib
import io
import tokenize
from dataclasses import dataclass

import libcst as cst

_NEWER_VERSIONS = ("3.14", "3.13", "3.12")
_EMPTY = cst.Module(body=[])


@dataclass(frozen=True)
class Rewrite:
    """The code rewritten for the running Python, or None with the line and reason it failed."""

    code: str | None
    line: int = 1
    error: str = ""


class _Downgrade(cst.CSTTransformer):
    """The rewrite described in the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self._in_concatenation: set[int] = set()

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_TypeAlias(
        self, original_node: cst.TypeAlias, updated_node: cst.TypeAlias
    ) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(target=updated_node.name)], value=updated_node.value,
                          semicolon=updated_node.semicolon)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._in_concatenation.update((id(node.left), id(node.right)))

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        if id(original_node) in self._in_concatenation or not _holds_fstring(updated_node):
            return updated_node  # the outermost concatenation rewrites the whole chain
        return _parenthesized(_chain_text(updated_node))

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        if id(original_node) in self._in_concatenation:
            return updated_node  # rewritten with its concatenation
        return _parenthesized(_with_parens(updated_node, _fstring_text(updated_node)))


def _holds_fstring(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _holds_fstring(node.left) or _holds_fstring(node.right)
    return False


def _chain_text(node: cst.BaseExpression) -> str:
    """``"a" f"{b}"`` -> ``"a" + str(b)``, keeping the whitespace (and its newlines) between."""
    if isinstance(node, cst.ConcatenatedString):
        between = _EMPTY.code_for_node(node.whitespace_between)
        chain = f"{_chain_text(node.left)} +{between or ' '}{_chain_text(node.right)}"
        return _with_parens(node, chain)
    if isinstance(node, cst.FormattedString):
        return _with_parens(node, f"({_fstring_text(node)})")
    return _EMPTY.code_for_node(node)


def _with_parens(node: cst.ConcatenatedString | cst.FormattedString, text: str) -> str:
    """``text`` inside the node's own parentheses (their whitespace may hold newlines)."""
    left = "".join(_EMPTY.code_for_node(paren) for paren in node.lpar)
    right = "".join(_EMPTY.code_for_node(paren) for paren in node.rpar)
    return f"{left}{text}{right}"


def _fstring_text(node: cst.FormattedString) -> str:
    """The literal parts and ``str(expression)`` of each replacement field, joined by ``+``."""
    prefix = node.prefix.replace("f", "").replace("F", "")
    quote = node.end
    pieces: list[str] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            text = part.value.replace("{{", "{").replace("}}", "}")
            pieces.append(f"{prefix}{quote}{text}{quote}")
        elif isinstance(part, cst.FormattedStringExpression):
            before = _EMPTY.code_for_node(part.whitespace_before_expression)
            after = _EMPTY.code_for_node(part.whitespace_after_expression)
            pieces.append(f"str({before}{_EMPTY.code_for_node(part.expression)}{after})")
    return " + ".join(pieces) if pieces else f"{prefix}{quote}{quote}"


def _parenthesized(text: str) -> cst.BaseExpression:
    return cst.parse_expression(f"({text})", config=cst.PartialParserConfig(python_version="3.12"))


def rewrite_for_running_python(source: str) -> Rewrite:
    """``source`` rewritten so the running ``ast`` can parse it, or why not (never raises)."""
    first_error: cst.ParserSyntaxError | None = None
    for version in _NEWER_VERSIONS:
        try:
            module = cst.parse_module(source, config=cst.PartialParserConfig(python_version=version))
        except cst.ParserSyntaxError as exc:
            first_error = first_error or exc
            continue
        except Exception as exc:  # LibCST's own failures (recursion, tokenizer)
            return Rewrite(None, 1, f"cannot read: {type(exc).__name__}: {exc}")
        try:
            return Rewrite(module.visit(_Downgrade()).code)
        except Exception as exc:  # a construct the rewrite does not handle: say so, never hide it
            return Rewrite(None, 1, f"newer Python syntax that cannot be rewritten for "
                                    f"{_running()}: {type(exc).__name__}: {exc}")
    if first_error is None:
        return Rewrite(None, 1, "cannot read")
    return Rewrite(None, first_error.raw_line, f"syntax error: {_short(first_error.message)}")


def _short(message: str) -> str:
    """LibCST's ``parser error: error at L:C: expected one of ...`` without its position, cut."""
    text = message.rpartition(": ")[2] if "error at" in message else message
    return text if len(text) <= 60 else text[:57] + "..."


def _running() -> str:
    import sys

    return f"Python {sys.version_info.major}.{sys.version_info.minor}"


def without_type_parameters(source: str) -> str | None:
    """``source`` with PEP 695 syntax removed token by token (``type X = ...`` -> ``X = ...``,
    ``[T]`` after a ``def``/``class`` name dropped), every line kept; None when it cannot be
    tokenized. Tried before LibCST: fast, and exact on lines that LibCST's rewrite would join."""
    tokens: list[tokenize.TokenInfo] = []
    with contextlib.suppress(tokenize.TokenError, SyntaxError):  # an unclosed bracket: the
        tokens.extend(tokenize.generate_tokens(io.StringIO(source).readline))  # tokens before do
    if not tokens:
        return None
    lines = source.splitlines(keepends=True)
    for start, end in reversed(_type_parameter_spans(tokens)):
        lines = _cut(lines, start, end)
    return "".join(lines)


def _type_parameter_spans(tokens: list[tokenize.TokenInfo]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    spans = []
    starts = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL}
    for index, token in enumerate(tokens[:-2]):
        following, after = tokens[index + 1], tokens[index + 2]
        at_start = index == 0 or tokens[index - 1].type in starts or tokens[index - 1].string == ";"
        if (token.string == "type" and at_start and following.type == tokenize.NAME
                and after.string in ("=", "[")):
            spans.append((token.start, following.start))
        if token.string in ("def", "class") and following.type == tokenize.NAME and after.string == "[":
            spans.append((after.start, _closing(tokens, index + 2).end))
    return spans


def _closing(tokens: list[tokenize.TokenInfo], opening: int) -> tokenize.TokenInfo:
    depth = 0
    for token in tokens[opening:]:
        depth += token.string in ("(", "[", "{")
        depth -= token.string in (")", "]", "}")
        if depth == 0:
            return token
    return tokens[-1]


def _cut(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> list[str]:
    """Remove the text from ``start`` to ``end`` (1-based rows), keeping the line breaks."""
    (row, column), (end_row, end_column) = start, end
    joined = lines[row - 1][:column] + lines[end_row - 1][end_column:]
    return [*lines[: row - 1], joined, *["\n"] * (end_row - row), *lines[end_row:]]
