"""Where raw SQL reaches the database, and the text of it as far as static analysis can build it.

Sites: ``cursor.execute``/``executemany``, ``Model.objects.raw``, ``RawSQL``, ``.extra(...)`` and
``migrations.RunSQL``. The SQL argument is rebuilt from constants; f-string, ``%``, ``+`` and
``.format`` parts that are not constant become :data:`analyzer.facts.sql.PLACEHOLDER` and the site is
flagged partial. A name is followed to the last string assigned to it in the same scope, a call of
a module-level function in a sum or an f-string to the text it returns.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping

from analyzer.facts.sql import PLACEHOLDER

SqlText = tuple[str, bool]  # (text, partial)
Strings = Mapping[str, SqlText]  # string variables in scope

_TEXTUAL = (ast.Constant, ast.JoinedStr, ast.BinOp)
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%(\([^)]*\))?[sdifr]")


def sql_text(node: ast.expr | None, strings: Strings) -> SqlText | None:
    """The SQL ``node`` evaluates to, with placeholders, or None when it is not string-like."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return (node.value, False) if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return _joined(node, strings), True
    if isinstance(node, ast.Name):
        return strings.get(node.id)
    if isinstance(node, ast.BinOp):
        return _binary(node, strings)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            base = sql_text(node.func.value, strings)
            return None if base is None else (_FORMAT_FIELD.sub(PLACEHOLDER, base[0]), True)
        if node.func.attr == "join":
            return None
    return None


def returned_sql(node: ast.FunctionDef | ast.AsyncFunctionDef, own: Strings,
                 strings: Callable[[], Strings]) -> SqlText | None:
    """The text a function returns when its last statement returns string-like text (a string
    it assigned, ``sql.format(...)``, a literal, an f-string or a sum, read with ``strings()``):
    a call of it is that text, parameters as placeholders. Shapes checked before any reading."""
    last = node.body[-1]
    value = last.value if isinstance(last, ast.Return) else None
    kind = value.__class__
    if kind is ast.Name and isinstance(value, ast.Name):
        return own.get(value.id)
    if kind is ast.Call and isinstance(value, ast.Call):
        func = value.func
        if not (isinstance(func, ast.Attribute) and func.attr == "format"):
            return None
    elif kind not in _TEXTUAL:
        return None
    return sql_text(value, strings())


def _joined(node: ast.JoinedStr, strings: Strings) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
            continue
        inner = value.value if isinstance(value, ast.FormattedValue) and value.format_spec is None else None
        text = _returned(inner, strings) if inner is not None else None  # f"{_cte()} SELECT ..."
        parts.append(text[0] if text is not None else PLACEHOLDER)
    return "".join(parts)


def _returned(node: ast.expr, strings: Strings) -> SqlText | None:
    """``_cte()``: the text the module function returns (:func:`returned_sql`), in a sum or an
    f-string (a call alone is read only there: a lookup per assigned call would cost)."""
    if node.__class__ is ast.Call and isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return strings.get(f"{node.func.id}()")
    return None


def _binary(node: ast.BinOp, strings: Strings) -> SqlText | None:
    left = sql_text(node.left, strings)
    if isinstance(node.op, ast.Mod) and left is not None:
        return _PERCENT_FIELD.sub(PLACEHOLDER, left[0].replace("%%", "\0")).replace("\0", "%"), True
    if not isinstance(node.op, ast.Add):
        return None
    left = left if left is not None else _returned(node.left, strings)
    right = sql_text(node.right, strings)
    right = right if right is not None else _returned(node.right, strings)
    if left is None and right is None:
        return None
    left_text, left_partial = left if left is not None else (PLACEHOLDER, True)
    right_text, right_partial = right if right is not None else (PLACEHOLDER, True)
    return left_text + right_text, left_partial or right_partial


def run_sql_texts(node: ast.expr | None, strings: Strings) -> list[SqlText]:
    """The statements of ``RunSQL(sql)``: a string, or a list/tuple of strings or (sql, params)."""
    if isinstance(node, ast.List | ast.Tuple):
        found: list[SqlText] = []
        for item in node.elts:
            if isinstance(item, ast.Tuple | ast.List) and item.elts:
                item = item.elts[0]
            text = sql_text(item, strings)
            if text is not None:
                found.append(text)
        return found
    text = sql_text(node, strings)
    return [] if text is None else [text]


def extra_text(call: ast.Call, strings: Strings) -> SqlText | None:
    """A SELECT assembled from ``.extra(select=..., where=..., tables=...)``."""
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    columns = _string_values(keywords.get("select"), strings)
    wheres = _string_values(keywords.get("where"), strings)
    tables = _string_values(keywords.get("tables"), strings)
    if not (columns or wheres or tables):
        return None
    selected = ", ".join(f"({column})" for column in columns)  # Django writes (sql) AS alias
    sql = f"SELECT {selected or '1'} FROM {', '.join(tables) or PLACEHOLDER}"
    if wheres:
        sql += " WHERE " + " AND ".join(f"({w})" for w in wheres)
    return sql, True


def _string_values(node: ast.expr | None, strings: Strings) -> list[str]:
    if isinstance(node, ast.Dict):
        items: list[ast.expr] = list(node.values)
    elif isinstance(node, ast.List | ast.Tuple):
        items = list(node.elts)
    else:
        return []
    texts = (sql_text(item, strings) for item in items)
    return [text[0] for text in texts if text is not None]
