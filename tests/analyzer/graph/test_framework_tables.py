"""Tables the project does not define: their names, their contrib app, and why their owner owns them."""

from __future__ import annotations

from analyzer.graph.framework_tables import default_table, explain_tables, framework_app
from analyzer.model.analysis import TableUsage
from tests.analyzer.graphs import GraphBuilder


def test_django_default_table_names_and_contrib_apps() -> None:
    assert default_table("auth.User") == "auth_user"
    assert default_table("contenttypes.ContentType") == "django_content_type"
    assert framework_app("auth_user") == "django.contrib.auth"
    assert framework_app("auth_user_groups") == "django.contrib.auth"
    assert framework_app("django_content_type") == "django.contrib.contenttypes"
    assert framework_app("django_session") == "django.contrib.sessions"
    assert framework_app("django_migrations") == ""
    assert framework_app("orders_order") == framework_app("legacy_prices") == ""


def test_the_reason_names_the_relation_or_the_reader() -> None:
    b = GraphBuilder().table("auth_user", (("customers.models.Customer", "customers.Customer.user"),),
                             framework="django.contrib.auth")
    graph = b.table("legacy").graph
    tables = (TableUsage("auth_user", "customers", None, ("reporting",)),
              TableUsage("legacy", "reporting", None, ("reporting",)))
    explained = explain_tables(tables, graph, {"customers.models.Customer": "customers"})
    assert explained[0].framework == "django.contrib.auth"
    assert "customers.Customer.user" in explained[0].reason and "django.contrib.auth" in explained[0].reason
    assert explained[1].framework == "" and "main reader" in explained[1].reason
