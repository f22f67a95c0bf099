"""SQL that reaches the database indirectly: through a helper of the same module, or from a file.

* A helper runs SQL it is given: ``def _rows(sql, params): cursor.execute(sql, params)``; its
  parameter ``sql`` is a *sink*, and a call ``_rows(f"SELECT ...", [...])`` elsewhere in the
  module is then an SQL site at the caller's line.
* Code names a ``.sql`` file it loads: a string literal ending in ``.sql``
  (``open("sql/daily.sql")``, ``SQL_DIR / "daily.sql"``), or a bare name passed to a function
  whose name says SQL (``load_sql("daily_sales")``). The project pass resolves the name to a
  ``.sql`` file of the tree.
"""

from __future__ import annotations

import ast
import re

from analyzer.facts.sql_sites import SqlText, Strings, sql_text

SQL_FILE_NAME = re.compile(r"^[\w./-]+$")
SQL_FILE_PATH = re.compile(r"^[\w./-]*\w\.sql$", re.IGNORECASE)
SQL_FILE_ENDS = "lL\n"  # the last character of every string SQL_FILE_PATH matches
Argument = tuple[int | str, SqlText]  # (position or keyword, text) of one call argument


def sql_file_literal(node: ast.Constant) -> str | None:
    """``"x.sql"``, a literal that names a SQL file."""
    value = node.value
    if isinstance(value, str) and SQL_FILE_PATH.match(value):
        return value
    return None


def sql_file_names(call: ast.Call, callee: str | None) -> list[str]:
    """Bare names passed to a function named like ``load_sql`` / ``read_sql_file``."""
    if callee is None or "sql" not in callee.rsplit(".", 1)[-1].lower():
        return []
    values = [*call.args, *(keyword.value for keyword in call.keywords)]
    return [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            and SQL_FILE_NAME.match(v.value) and not v.value.lower().endswith(".sql")]


def sink_parameter(call: ast.Call, parameters: tuple[str, ...]) -> tuple[int, str] | None:
    """(position, name) of the enclosing function's parameter run as SQL by ``execute(param)``."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Name) and first.id in parameters:
        return parameters.index(first.id), first.id
    return None


def sql_arguments(call: ast.Call, strings: Strings) -> list[Argument]:
    """The string-like arguments of a call, by position and by keyword."""
    found: list[Argument] = []
    for index, arg in enumerate(call.args):
        text = sql_text(arg, strings)
        if text is not None:
            found.append((index, text))
    for keyword in call.keywords:
        text = sql_text(keyword.value, strings) if keyword.arg else None
        if text is not None and keyword.arg is not None:
            found.append((keyword.arg, text))
    return found


def positional_parameters(arguments: ast.arguments, method: bool) -> tuple[str, ...]:
    """The names a call can pass by position (``self``/``cls`` of a method left out)."""
    names = tuple(a.arg for a in (*arguments.posonlyargs, *arguments.args))
    return names[1:] if method and names else names
