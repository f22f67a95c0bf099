"""SQL text -> the tables it reads, writes and joins, with sqlglot.

The text is parsed in the dialect of the project's ``DATABASES`` engine; if that fails it is
parsed again with sqlglot's permissive default dialect, and only then reported as unparseable.
DB-API placeholders (``%s``, ``%(name)s``) are normalised first, and :data:`PLACEHOLDER` stands
for the parts of a string built at run time, so it is never reported as a table.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

PLACEHOLDER = "__placeholder__"

_DIALECTS = {
    "postgresql": "postgres",
    "postgis": "postgres",
    "postgresql_psycopg2": "postgres",
    "mysql": "mysql",
    "sqlite3": "sqlite",
    "spatialite": "sqlite",
    "oracle": "oracle",
    "mssql": "tsql",
    "sql_server": "tsql",
    "snowflake": "snowflake",
    "cockroachdb": "postgres",
}
_NAMED_PARAM = re.compile(r"%\((\w+)\)s")
_POSITIONAL_PARAM = re.compile(r"%[sd]")


@dataclass(frozen=True)
class SqlTables:
    """What one SQL text touches; ``error`` (with ``error_line``, 1-based in the text) if unparsed."""

    tables_read: tuple[str, ...]
    tables_written: tuple[str, ...]
    joins: tuple[tuple[str, str], ...]
    error: str | None = None
    error_line: int = 1


def dialect_for_engine(engine: str | None) -> str | None:
    """The sqlglot dialect for a Django ``ENGINE`` such as ``django.db.backends.postgresql``."""
    if not engine:
        return None
    last = engine.rsplit(".", 1)[-1]
    for key, dialect in _DIALECTS.items():
        if key == last or key in engine:
            return dialect
    return None


def normalise_parameters(text: str) -> str:
    """Turn DB-API ``%(name)s`` / ``%s`` placeholders into ``:name`` / ``?`` that sqlglot reads."""
    text = _NAMED_PARAM.sub(r":\1", text)
    text = _POSITIONAL_PARAM.sub("?", text)
    return text.replace("%%", "%")


def tables_in_sql(text: str, dialect: str | None) -> SqlTables:
    """Parse ``text`` (one or more statements) and return the tables it reads, writes and joins."""
    import sqlglot  # heavy import; only files with SQL pay for it

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallbacks are not user news

    normalised = normalise_parameters(text)
    try:
        statements = _parse(sqlglot, normalised, dialect)
    except Exception as exc:
        return SqlTables((), (), (), error=_first_line(str(exc)), error_line=_error_line(exc))
    return _collect(statements)


def _parse(sqlglot: object, text: str, dialect: str | None) -> list[object]:
    from sqlglot import errors, parse

    attempts = list(dict.fromkeys([dialect, None, "postgres", "mysql"]))
    for attempt in attempts[:-1]:
        try:
            return [s for s in parse(text, read=attempt) if s is not None]
        except errors.SqlglotError:
            continue
    return [s for s in parse(text, read=attempts[-1]) if s is not None]


def _collect(statements: list[object]) -> SqlTables:
    from sqlglot import exp

    read: set[str] = set()
    written: set[str] = set()
    joins: set[tuple[str, str]] = set()
    for statement in statements:
        assert isinstance(statement, exp.Expression)
        ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
        target = _written_table(statement)
        for table in statement.find_all(exp.Table):
            name = table.name
            if not name or name in ctes or PLACEHOLDER in name:
                continue
            (written if table is target else read).add(name)
        if isinstance(statement, exp.Command | exp.Drop | exp.Alter | exp.TruncateTable):
            written |= read
            read = set()
        elif isinstance(statement, exp.Create):
            created = _created_table(statement)
            if created is not None:
                written.add(created)
                read.discard(created)
        joins |= _joins(statement, ctes)
    return SqlTables(tuple(sorted(read - written)), tuple(sorted(written)), tuple(sorted(joins)))


def _written_table(statement: object) -> object | None:
    from sqlglot import exp

    if not isinstance(statement, exp.Insert | exp.Update | exp.Delete | exp.Merge):
        return None
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    return target if isinstance(target, exp.Table) else None


def _created_table(statement: object) -> str | None:
    from sqlglot import exp

    assert isinstance(statement, exp.Create)
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    if isinstance(target, exp.Table):
        return str(target.name)
    table = statement.find(exp.Table)  # CREATE INDEX ... ON table
    return str(table.name) if table is not None else None


def _joins(statement: object, ctes: set[str]) -> set[tuple[str, str]]:
    from sqlglot import exp

    assert isinstance(statement, exp.Expression)
    pairs: set[tuple[str, str]] = set()
    for select in statement.find_all(exp.Select):
        direct = [_table_name(select.args.get("from_"))]
        direct += [_table_name(join) for join in select.args.get("joins") or ()]
        names = sorted({n for n in direct if n and n not in ctes and PLACEHOLDER not in n})
        pairs |= {(a, b) for i, a in enumerate(names) for b in names[i + 1 :]}
    return pairs


def _table_name(node: object) -> str | None:
    from sqlglot import exp

    if isinstance(node, exp.From | exp.Join) and isinstance(node.this, exp.Table):
        return str(node.this.name)
    return None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:200] if message.strip() else "unparseable SQL"


def _error_line(exc: Exception) -> int:
    errors = getattr(exc, "errors", None)
    if errors and isinstance(errors[0], dict) and isinstance(errors[0].get("line"), int):
        return max(1, int(errors[0]["line"]))
    return 1
