"""SQL reaching the database through a helper of the module, f-strings with run-time parts, and
``.sql`` files named by the code that loads them."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_f_string_sql_passed_to_a_helper_is_a_site_at_the_call() -> None:
    facts = facts_of(
        """
        from django.db import connection

        def _rows(sql, params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        def top(column, direction):
            sql = f'''
                SELECT cu.id FROM customers_customer AS cu
                JOIN orders_order AS o ON o.customer_id = cu.id
                ORDER BY {column} {direction}
            '''
            return _rows(sql, [])

        def by_keyword():
            return _rows(params=[], sql="SELECT * FROM reviews_review")

        def not_sql():
            return _rows  # a reference, not a call
        """,
        dialect="sqlite",
    )
    sites = {(s.scope, s.line): s for s in facts.sql}
    assert set(sites) == {("shop.views.top", 15), ("shop.views.by_keyword", 18)}
    top = sites[("shop.views.top", 15)]
    assert top.partial and top.parsed and top.origin == "execute"
    assert top.tables_read == ("customers_customer", "orders_order")
    assert top.joins == (("customers_customer", "orders_order"),)
    assert sites[("shop.views.by_keyword", 18)].tables_read == ("reviews_review",)
    assert not facts.warnings


def test_partial_sql_that_does_not_parse_still_names_its_tables() -> None:
    facts = facts_of(
        """
        def purge(cursor, table_filter):
            cursor.execute(f"DELETE FROM audit_log WHERE {table_filter} (((")
        """
    )
    (site,) = facts.sql
    assert site.partial and not site.parsed
    assert site.tables_written == ("audit_log",)
    assert not facts.warnings  # partial SQL is flagged, not warned about


def test_sql_file_names_in_code() -> None:
    facts = facts_of(
        """
        from pathlib import Path
        SQL_DIR = Path(__file__).parent / "sql"

        def load_sql(name):
            return (SQL_DIR / f"{name}.sql").read_text()

        def daily():
            return run(load_sql("daily_sales"))

        def weekly():
            return open("reports/sql/weekly.sql").read()

        def monthly():
            return (SQL_DIR / "monthly.sql").read_text()

        def other():
            return greet("daily_sales"), "not a file.sql"
        """
    )
    loads = {(load.scope, load.name, load.line) for load in facts.sql_file_loads}
    assert loads == {
        ("shop.views.daily", "daily_sales", 9),
        ("shop.views.weekly", "reports/sql/weekly.sql", 12),
        ("shop.views.monthly", "monthly.sql", 15),
    }


def test_sql_file_literals_in_any_case_and_nothing_else() -> None:
    facts = facts_of(
        """
        def reports():
            return open("sql/DAILY.SQL"), open("sql/weekly.Sql"), "sql/monthly.sqlite", "x.sql.bak"
        """
    )
    assert sorted(load.name for load in facts.sql_file_loads) == ["sql/DAILY.SQL", "sql/weekly.Sql"]
