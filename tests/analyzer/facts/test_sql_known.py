"""SQL texts a file's earlier facts parsed: the same facts without parsing them again."""

from __future__ import annotations

import pickle
import textwrap

import pytest

from analyzer.facts import extract_module_facts, sql, store
from analyzer.facts.sql import SqlTables
from analyzer.facts.sql_known import NOTHING_KNOWN, KnownSql, known_sql
from analyzer.model.facts import ModuleFacts

SOURCE = textwrap.dedent("""
    from django.db import connection
    from shop.helpers import run

    def report(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM orders_order JOIN orders_line ON orders_order.id = order_id")
            cursor.execute(f"DELETE FROM orders_line WHERE id > {table}")
            cursor.execute("SELECT FROM WHERE (")
            cursor.execute("DROP TABLE legacy_orders")
            cursor.execute("DROP TABLE legacy_orders")  # the same text twice: parsed twice
        run("UPDATE orders_order SET state = 'x'")
""")


def _facts(known: KnownSql = NOTHING_KNOWN) -> ModuleFacts:
    return extract_module_facts(SOURCE, "shop/reports.py", "shop.reports", False, "postgres", known)


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    whole, partial = sql.tables_in_sql, sql.tables_in_partial_sql

    def whole_spy(text: str, dialect: str | None) -> SqlTables:
        parsed.append(text)
        return whole(text, dialect)

    def partial_spy(text: str, dialect: str | None) -> SqlTables:
        parsed.append(text)
        return partial(text, dialect)

    monkeypatch.setattr(store, "tables_in_sql", whole_spy)
    monkeypatch.setattr(store, "tables_in_partial_sql", partial_spy)
    return parsed


def test_known_texts_give_the_same_facts_and_only_unparsed_ones_are_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = _facts()
    assert len(fresh.sql) == 5 and len(fresh.sql_helper_calls) == 1  # the helper's text too
    assert [s.parsed for s in fresh.sql].count(False) == 1
    assert any(s.tables_dropped == ("legacy_orders",) for s in fresh.sql)
    known = known_sql(fresh)
    assert len(known) == 4  # the text that did not parse is not known: its error is not kept
    assert len(known["DROP TABLE legacy_orders", False]) == 2  # one per site
    parsed = _parsed(monkeypatch)
    again = _facts(known_sql(pickle.loads(pickle.dumps(fresh, pickle.HIGHEST_PROTOCOL))))
    assert again == fresh  # the warning of the unparsed text included
    assert parsed == ["SELECT FROM WHERE ("]
    assert pickle.dumps(again, pickle.HIGHEST_PROTOCOL) == pickle.dumps(fresh, pickle.HIGHEST_PROTOCOL)


def test_a_known_text_is_what_the_facts_record(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _facts()
    known = dict(known_sql(fresh))
    text = next(s.sql for s in fresh.sql if s.sql.startswith("SELECT *"))
    known[text, False] = (SqlTables(("elsewhere",), (), ()),)
    site = next(s for s in _facts(known).sql if s.sql == text)
    assert site.tables_read == ("elsewhere",)  # used as given: the caller keys it by code and dialect
