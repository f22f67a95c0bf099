"""SQL text -> the tables it reads, writes and joins, with sqlglot.

The text is parsed in the dialect of the project's ``DATABASES`` engine; if that fails it is
parsed again with sqlglot's permissive default dialect, and only then reported as unparseable.
DB-API placeholders (``%s``, ``%(name)s``) are normalised first, and :data:`PLACEHOLDER` stands
for the parts of a string built at run time, so it is never reported as a table.
Database-internal tables (``sqlite_sequence``, ``pg_catalog.*``, ``information_schema.*``,
``django_migrations``) belong to no service and are never reported either.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.facts.sql_statements import classify

if TYPE_CHECKING:
    from sqlglot import exp

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
_INTERNAL_SCHEMAS = frozenset({"pg_catalog", "information_schema", "sqlite_temp_master"})
_INTERNAL_TABLES = frozenset({"django_migrations"})
_ADJACENT_PLACEHOLDERS = re.compile(rf"{PLACEHOLDER}(?:\s+{PLACEHOLDER})+")
_CLAUSE_TABLE = re.compile(
    r"\b(DELETE\s+FROM|FROM|JOIN|INTO|UPDATE)\s+(?:[\"`\[]?(\w+)[\"`\]]?\.)?[\"`\[]?(\w+)", re.IGNORECASE
)
_NAMED_PARAM = re.compile(r"%\((\w+)\)s")
_POSITIONAL_PARAM = re.compile(r"%[sd]")
# PostgreSQL network containment (inet ``<<=`` / ``>>=``), which sqlglot does not tokenise: read
# as the range containment operators it does (only the tables matter here).
_PG_CONTAINMENT = {"<<=": "<@", ">>=": "@>"}
_PG_CONTAINMENT_OPERATOR = re.compile(r"<<=|>>=")


@dataclass(frozen=True)
class SqlTables:
    """What one SQL text touches; ``error`` (with ``error_line``, 1-based in the text) if unparsed."""

    tables_read: tuple[str, ...]
    tables_written: tuple[str, ...]
    joins: tuple[tuple[str, str], ...]
    error: str | None = None
    error_line: int = 1
    tables_dropped: tuple[str, ...] = ()  # DROP TABLE / DROP VIEW (also in tables_written)


def dialect_for_engine(engine: str | None) -> str | None:
    """The sqlglot dialect for a Django ``ENGINE`` such as ``django.db.backends.postgresql``."""
    if not engine:
        return None
    last = engine.rsplit(".", 1)[-1]
    for key, dialect in _DIALECTS.items():
        if key == last or key in engine:
            return dialect
    return None


def is_internal_table(name: str, schema: str = "") -> bool:
    """Whether ``schema.name`` is the database's own bookkeeping, owned by no service."""
    lowered, schema = name.lower(), schema.lower()
    return (lowered in _INTERNAL_TABLES or lowered.startswith(("sqlite_", "pg_"))
            or schema in _INTERNAL_SCHEMAS or lowered in _INTERNAL_SCHEMAS)


def _skipped(table: exp.Table, ctes: set[str]) -> bool:
    """A table reference that is not a project table: a CTE, a placeholder, the database's own."""
    name = table.name
    return (not name or name in ctes or PLACEHOLDER in name
            or is_internal_table(name, table.db or ""))


def normalise_parameters(text: str) -> str:
    """Turn DB-API ``%(name)s`` / ``%s`` placeholders into ``:name`` / ``?`` that sqlglot reads."""
    text = _NAMED_PARAM.sub(r":\1", text)
    text = _POSITIONAL_PARAM.sub("?", text)
    return text.replace("%%", "%")


def tables_in_sql(text: str, dialect: str | None) -> SqlTables:
    """Parse ``text`` (one or more statements) and return the tables it reads, writes and joins."""
    import sqlglot  # heavy import; only files with SQL pay for it

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallbacks are not user news

    try:
        return _collect(_parse(sqlglot, text, dialect))
    except Exception as exc:  # sqlglot raises more than its own errors on odd input
        return SqlTables((), (), (), error=_first_line(str(exc)), error_line=_error_line(exc))


def tables_in_partial_sql(text: str, dialect: str | None) -> SqlTables:
    """Like :func:`tables_in_sql` for text built at run time (``PLACEHOLDER`` for the unknown parts).

    When the text does not parse as it is (``ORDER BY {column} {direction}`` leaves two
    placeholders in a row), adjacent placeholders are merged; when it still does not parse, the
    tables are read from the ``FROM`` / ``JOIN`` / ``INTO`` / ``UPDATE`` clauses and ``error`` is kept.
    """
    found = tables_in_sql(text, dialect)
    if found.error is None or PLACEHOLDER not in text:
        return found
    merged = _ADJACENT_PLACEHOLDERS.sub(PLACEHOLDER, text)
    again = tables_in_sql(merged, dialect) if merged != text else found
    if again.error is None:
        return again
    return _tables_by_clause(text, again)


def _tables_by_clause(text: str, failed: SqlTables) -> SqlTables:
    """The tables named after FROM/JOIN (read) and INTO/UPDATE (written), without a parser."""
    read: set[str] = set()
    written: set[str] = set()
    for keyword, schema, name in _CLAUSE_TABLE.findall(text):
        if PLACEHOLDER in name or is_internal_table(name, schema):
            continue
        (written if keyword.upper().startswith(("INTO", "UPDATE", "DELETE")) else read).add(name)
    joined = sorted(read)
    joins = tuple((a, b) for i, a in enumerate(joined) for b in joined[i + 1:])
    return SqlTables(tuple(sorted(read - written)), tuple(sorted(written)), joins,
                     error=failed.error, error_line=failed.error_line)


def _parse(sqlglot: object, text: str, dialect: str | None) -> list[object]:
    from sqlglot import errors, parse

    attempts = list(dict.fromkeys([dialect, None, "postgres", "mysql", "sqlite"]))
    for attempt in attempts[:-1]:
        try:
            return [s for s in parse(_for_dialect(text, attempt), read=attempt) if s is not None]
        except errors.SqlglotError:
            continue
    return [s for s in parse(_for_dialect(text, attempts[-1]), read=attempts[-1]) if s is not None]


def _for_dialect(text: str, dialect: str | None) -> str:
    """The text as ``dialect`` reads it: PostgreSQL takes DB-API ``%s`` / ``%(name)s`` as they are
    (``?`` is a jsonb operator there) and its inet operators are mapped; others get ``?``/``:name``."""
    if dialect == "postgres":
        return _PG_CONTAINMENT_OPERATOR.sub(lambda m: _PG_CONTAINMENT[m.group(0)], text)
    return normalise_parameters(text)


def _collect(statements: list[object]) -> SqlTables:
    from sqlglot import exp

    read: set[str] = set()
    written: set[str] = set()
    dropped: set[str] = set()
    joins: set[tuple[str, str]] = set()
    for statement in statements:
        assert isinstance(statement, exp.Expression)
        ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
        found = classify(statement)
        read |= {t.name for t in found.read if not _skipped(t, ctes)}
        written |= {t.name for t in found.written if not _skipped(t, ctes)}
        dropped |= {t.name for t in found.dropped if not _skipped(t, ctes)}
        joins |= _joins(statement, ctes)
    return SqlTables(tuple(sorted(read - written)), tuple(sorted(written)), tuple(sorted(joins)),
                     tables_dropped=tuple(sorted(dropped)))


def _joins(statement: object, ctes: set[str]) -> set[tuple[str, str]]:
    from sqlglot import exp

    assert isinstance(statement, exp.Expression)
    pairs: set[tuple[str, str]] = set()
    for select in statement.find_all(exp.Select):
        direct = [_table_of(select.args.get("from_"))]
        direct += [_table_of(join) for join in select.args.get("joins") or ()]
        names = sorted({t.name for t in direct if t is not None and not _skipped(t, ctes)})
        pairs |= {(a, b) for i, a in enumerate(names) for b in names[i + 1 :]}
    return pairs


def _table_of(node: object) -> exp.Table | None:
    from sqlglot import exp

    if isinstance(node, exp.From | exp.Join) and isinstance(node.this, exp.Table):
        return node.this
    return None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:200] if message.strip() else "unparseable SQL"


def _error_line(exc: Exception) -> int:
    errors = getattr(exc, "errors", None)
    if errors and isinstance(errors[0], dict) and isinstance(errors[0].get("line"), int):
        return max(1, int(errors[0]["line"]))
    return 1
