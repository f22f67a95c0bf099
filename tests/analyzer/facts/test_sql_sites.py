"""SQL sites: execute/executemany/raw/RawSQL/extra/RunSQL, built strings, partial flags."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_every_sql_site_form() -> None:
    facts = facts_of(
        """
        from django.db import connection, migrations
        from django.db.models.expressions import RawSQL
        from orders.models import Order

        BASE = "SELECT id FROM orders_order"

        def f(table, ids):
            cursor = connection.cursor()
            cursor.execute("UPDATE stock SET n = n - 1 WHERE id = %s", [1])
            cursor.executemany("INSERT INTO audit (x) VALUES (%(x)s)", [])
            sql = BASE + " WHERE id IN (%s)" % ",".join(ids)
            cursor.execute(sql)
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute("SELECT * FROM {} JOIN b ON 1=1".format(table))
            Order.objects.raw("SELECT * FROM orders_order o JOIN customers c ON c.id = o.c_id")
            Order.objects.annotate(n=RawSQL("SELECT count(*) FROM lines", []))
            Order.objects.extra(tables=["shipping"], where=["shipping.order_id = orders_order.id"])
            migrations.RunSQL(["DROP TABLE old", ("INSERT INTO t VALUES (%s)", [1])])
        """,
        dialect="postgres",
    )
    sites = [(s.origin, s.partial, s.tables_read, s.tables_written) for s in facts.sql]
    assert sites == [
        ("execute", False, (), ("stock",)),
        ("executemany", False, (), ("audit",)),
        ("execute", True, ("orders_order",), ()),
        ("execute", True, (), ()),
        ("execute", True, ("b",), ()),
        ("raw", False, ("customers", "orders_order"), ()),
        ("RawSQL", False, ("lines",), ()),
        ("extra", True, ("shipping",), ()),
        ("RunSQL", False, (), ("old",)),
        ("RunSQL", False, (), ("t",)),
    ]
    assert facts.sql[5].joins == (("customers", "orders_order"),)
    assert facts.warnings == ()


def test_unparseable_sql_is_a_warning_at_its_line() -> None:
    facts = facts_of('def f(c):\n    c.execute("SELECT FROM WHERE ))")\n')
    (site,) = facts.sql
    assert not site.parsed
    (warning,) = facts.warnings
    assert (warning.code, warning.line) == ("sql", 2)


def test_the_text_a_module_function_returns_is_read_where_it_is_called() -> None:
    """django-cms builds its recursive queries as ``_cte() + "SELECT ... FROM descendants"``:
    with the function's text the ``WITH`` names the CTE, which is no table (without it,
    ``descendants`` and ``ancestors`` were tables with an owner)."""
    facts = facts_of(
        """
        from django.db import connection

        def _descendants_cte():
            sql = (
                "WITH RECURSIVE descendants AS (SELECT {0}.id FROM {0} WHERE {0}.parent_id = %s "
                "UNION ALL SELECT {0}.id FROM descendants, {0} WHERE {0}.parent_id = descendants.id)"
            )
            return sql.format(connection.ops.quote_name("cms_cmsplugin"))

        def _ancestors_cte():
            return "WITH RECURSIVE ancestors AS (SELECT id, parent_id FROM cms_cmsplugin WHERE id = %s)"

        class Plugin:
            def count(self, pk):
                cursor = connection.cursor()
                sql = _descendants_cte() + "\\n"
                sql += "SELECT COUNT(*) FROM descendants;"
                cursor.execute(sql, [pk])
                cursor.execute(f"{_ancestors_cte()} SELECT id FROM ancestors;", [pk])
                cursor.execute(f"{unknown()} SELECT id FROM audit_log;")
        """,
        dialect="postgres",
    )
    read = {site.line: (site.tables_read, site.partial) for site in facts.sql}
    assert read[19] == ((), True)  # the CTE's own table is a placeholder (quote_name at run time)
    assert read[20] == (("cms_cmsplugin",), True)
    assert read[21] == (("audit_log",), True)
