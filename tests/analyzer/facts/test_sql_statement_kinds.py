"""Only real tables are tables: each SQL statement kind against its golden tables
(``tests/fixtures/sql/statement_kinds.sql``: a statement, then the tables read/written/dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.facts.sql import tables_in_sql

GOLDEN = Path(__file__).parents[2] / "fixtures" / "sql" / "statement_kinds.sql"


def _pairs() -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    lines = [line for line in GOLDEN.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    found = []
    for start in range(0, len(lines), 4):
        statement, *expected = lines[start:start + 4]
        names = [tuple(n.strip() for n in e.split(":", 1)[1].split(",") if n.strip()) for e in expected]
        found.append((statement, names[0], names[1], names[2]))
    return found


@pytest.mark.parametrize(("sql", "read", "written", "dropped"), _pairs(), ids=lambda v: str(v)[:40])
def test_statement_kind(sql: str, read: tuple[str, ...], written: tuple[str, ...],
                        dropped: tuple[str, ...]) -> None:
    tables = tables_in_sql(sql, "postgres")
    assert tables.error is None
    assert (tables.tables_read, tables.tables_written, tables.tables_dropped) == (read, written, dropped)


def test_pragma_is_parsed_and_names_no_table() -> None:
    tables = tables_in_sql("PRAGMA foreign_keys = ON;", None)
    assert (tables.error, tables.tables_read, tables.tables_written) == (None, (), ())
