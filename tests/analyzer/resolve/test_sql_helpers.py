"""SQL passed to a helper of another module: an SQL site at the call, with the helper's origin."""

from __future__ import annotations

from pathlib import Path

from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.resolve.canonical import build_canonical
from analyzer.resolve.sql_helpers import helper_sql_sites
from tests.analyzer.facts.helpers import facts_of

DB = facts_of(
    """
    from django.db import connection

    def run_sql(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def log(message):
        print(message)
    """,
    module="reporting.db",
)
PACKAGE = facts_of("from reporting.db import run_sql\n", module="reporting", is_package=True)


def test_sql_passed_to_a_helper_of_another_module_is_a_site_at_the_call() -> None:
    caller = facts_of(
        """
        from reporting.db import run_sql, log
        from reporting import run_sql as again

        def top_customers(limit):
            sql = "SELECT u.username FROM auth_user u JOIN orders_order o ON o.user_id = u.id"
            rows = run_sql(sql, [limit])
            log("SELECT 1 FROM not_sql_at_all")
            again(sql=f"DELETE FROM catalog_product WHERE id = {limit}")
            run_sql((), "SELECT * FROM wrong_position")
            return rows
        """,
        module="dashboard.views",
    )
    modules = (DB, PACKAGE, caller)
    assert [(s.function, s.position, s.parameter, s.origin) for s in DB.sql_sinks] == [
        ("reporting.db.run_sql", 0, "sql", "execute")]
    sites = helper_sql_sites(modules, build_canonical(modules))
    assert [(s.scope, s.origin, s.path, s.line) for s in sites] == [
        ("dashboard.views.top_customers", "execute", "dashboard/views.py", 7),
        ("dashboard.views.top_customers", "execute", "dashboard/views.py", 9),
    ]
    assert sites[0].tables_read == ("auth_user", "orders_order") and sites[0].joins
    assert sites[1].tables_written == ("catalog_product",) and sites[1].partial


def test_without_a_sink_nothing_is_invented() -> None:
    caller = facts_of("from reporting.db import log\nlog('SELECT * FROM auth_user')\n", module="x.views")
    assert caller.sql_helper_calls and not caller.sql
    assert helper_sql_sites((DB, caller), build_canonical((DB, caller))) == ()


def test_the_project_pass_adds_the_site(tmp_path: Path) -> None:
    (tmp_path / "reporting").mkdir()
    (tmp_path / "reporting" / "__init__.py").write_text("")
    (tmp_path / "reporting" / "db.py").write_text(
        "def run_sql(sql):\n    with connection.cursor() as cursor:\n        cursor.execute(sql)\n")
    (tmp_path / "reporting" / "queries.py").write_text(
        "from reporting.db import run_sql\n\ndef users():\n    return run_sql('SELECT id FROM auth_user')\n")
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    assert [(s.scope, s.tables_read, s.path, s.line) for s in facts.sql] == [
        ("reporting.queries.users", ("auth_user",), "reporting/queries.py", 4)]
