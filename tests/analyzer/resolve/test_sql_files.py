"""``.sql`` files linked to the code that loads them: the sites move to the loading place, and
the violations they cause name the code's path:line and the file."""

from __future__ import annotations

from analyzer.boundaries.violations import find_violations
from analyzer.model.facts import ModuleFacts, SqlFileLoad, SqlSite
from analyzer.resolve.sql_files import project_sql_sites, sql_file_for
from tests.analyzer.graphs import GraphBuilder

JOIN = (("catalog_product", "orders_order"),)


def _file(path: str) -> ModuleFacts:
    site = SqlSite(path, "sql-file", "SELECT ...", False, True, ("catalog_product", "orders_order"), (),
                   JOIN, path, 1)
    return ModuleFacts(path, path.removesuffix(".sql").replace("/", "."), False, 5, sql=(site,))


def _code(*loads: tuple[str, str, int]) -> ModuleFacts:
    return ModuleFacts("reporting/queries.py", "reporting.queries", False, 200, sql_file_loads=tuple(
        SqlFileLoad(scope, name, "reporting/queries.py", line) for scope, name, line in loads))


def test_loaded_files_become_sites_at_each_loading_place() -> None:
    code = _code(("reporting.queries.daily", "daily_sales", 40),
                 ("reporting.queries.again", "daily_sales", 90))
    sites = project_sql_sites((code, _file("reporting/sql/daily_sales.sql"), _file("other/unused.sql")))
    placed = {(s.scope, s.path, s.line, s.sql_file, s.tables_read) for s in sites}
    assert placed == {
        ("reporting.queries.daily", "reporting/queries.py", 40, "reporting/sql/daily_sales.sql",
         ("catalog_product", "orders_order")),
        ("reporting.queries.again", "reporting/queries.py", 90, "reporting/sql/daily_sales.sql",
         ("catalog_product", "orders_order")),
        ("other/unused.sql", "other/unused.sql", 1, None, ("catalog_product", "orders_order")),
    }


def test_names_resolve_to_the_nearest_sql_file() -> None:
    files = ["a/sql/daily.sql", "reporting/sql/daily.sql", "reporting/sql/weekly.sql"]
    load = SqlFileLoad("s", "daily", "reporting/queries.py", 1)
    assert sql_file_for(load, files) == "reporting/sql/daily.sql"
    assert sql_file_for(SqlFileLoad("s", "sql/weekly.sql", "reporting/q.py", 1), files) == (
        "reporting/sql/weekly.sql")
    assert sql_file_for(SqlFileLoad("s", "monthly", "reporting/q.py", 1), files) is None


def test_a_join_in_a_loaded_file_is_a_violation_at_the_loading_code() -> None:
    b = GraphBuilder()
    b.function("reporting.queries.daily").table("orders_order").table("catalog_product")
    for table in ("orders_order", "catalog_product"):
        b.edge("reporting.queries.daily", f"table:{table}", "sql-join", "reporting/queries.py", 40,
               sql_file="reporting/sql/daily.sql")
    place = {"reporting.queries.daily": "reporting", "table:orders_order": "orders",
             "table:catalog_product": "catalog"}.get
    (join,) = find_violations(b.graph, place, ())
    assert (join.kind, join.path, join.line) == ("cross-service-join", "reporting/queries.py", 40)
    assert "reporting/sql/daily.sql" in join.subject and "reporting/sql/daily.sql" in join.remedy
