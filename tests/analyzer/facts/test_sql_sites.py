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
