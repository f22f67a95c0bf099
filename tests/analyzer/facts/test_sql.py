"""sqlglot reading: tables read/written/joined, dialects, placeholders, errors."""

from __future__ import annotations

import pytest

from analyzer.facts.sql import dialect_for_engine, normalise_parameters, tables_in_sql


@pytest.mark.parametrize(
    ("engine", "dialect"),
    [
        ("django.db.backends.postgresql", "postgres"),
        ("django.contrib.gis.db.backends.postgis", "postgres"),
        ("django.db.backends.mysql", "mysql"),
        ("django.db.backends.sqlite3", "sqlite"),
        ("mssql", "tsql"),
        ("custom.backend", None),
        (None, None),
    ],
)
def test_dialect_for_engine(engine: str | None, dialect: str | None) -> None:
    assert dialect_for_engine(engine) == dialect


def test_parameters_are_normalised() -> None:
    assert normalise_parameters("a = %s AND b = %(b)s AND c LIKE 'x%%'") == (
        "a = ? AND b = :b AND c LIKE 'x%'")


@pytest.mark.parametrize(
    ("sql", "read", "written", "joins"),
    [
        ("SELECT * FROM a JOIN b ON a.id = b.a_id", ("a", "b"), (), (("a", "b"),)),
        ("SELECT * FROM a, b", ("a", "b"), (), (("a", "b"),)),
        ("INSERT INTO t (x) SELECT y FROM s", ("s",), ("t",), ()),
        ("UPDATE t SET x = 1 WHERE id IN (SELECT id FROM s)", ("s",), ("t",), ()),
        ("DELETE FROM t WHERE id = %s", (), ("t",), ()),
        ("WITH c AS (SELECT * FROM t) SELECT * FROM c", ("t",), (), ()),
        ("CREATE VIEW v AS SELECT * FROM t", ("t",), ("v",), ()),
        ("SELECT 1; UPDATE t SET a = 1", (), ("t",), ()),
        ("SELECT * FROM __placeholder__ JOIN b ON 1 = 1", ("b",), (), ()),
    ],
)
def test_tables(sql: str, read: tuple[str, ...], written: tuple[str, ...],
                joins: tuple[tuple[str, str], ...]) -> None:
    tables = tables_in_sql(sql, "postgres")
    assert (tables.tables_read, tables.tables_written, tables.joins) == (read, written, joins)


def test_unparseable_sql_gives_an_error_not_an_exception() -> None:
    tables = tables_in_sql("SELECT * FROM (", "sqlite")
    assert tables.error is not None and tables.tables_read == ()


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT name FROM sqlite_master WHERE type = 'table'", "sqlite"),
        ("DELETE FROM sqlite_sequence WHERE name IN (?)", "sqlite"),
        ("SELECT relname FROM pg_catalog.pg_class", "postgres"),
        ("SELECT table_name FROM information_schema.tables", "postgres"),
        ("SELECT app, name FROM django_migrations", None),
    ],
)
def test_database_internal_tables_are_not_reported(sql: str, dialect: str | None) -> None:
    assert tables_in_sql(sql, dialect) == tables_in_sql("SELECT 1", dialect)


def test_internal_tables_are_dropped_from_joins_but_project_tables_stay() -> None:
    found = tables_in_sql(
        "SELECT * FROM orders_order o JOIN information_schema.columns c ON c.table_name = 'x' "
        "JOIN customers_customer cu ON cu.id = o.customer_id", "postgres")
    assert found.tables_read == ("customers_customer", "orders_order")
    assert found.joins == (("customers_customer", "orders_order"),)
