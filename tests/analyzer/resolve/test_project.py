"""The project pass on tests/fixtures/tiny_project: models, routes, ORM, signals, atomics."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

ROOT = Path(__file__).parents[2] / "fixtures" / "tiny_project"


@pytest.fixture(scope="module")
def facts() -> ProjectFacts:
    return extract_project_facts(ROOT, FactsOptions(use_cache=False))


def test_models_labels_tables_and_inheritance(facts: ProjectFacts) -> None:
    models = {m.label: m for m in facts.models}
    assert sorted(models) == [
        "customers.Account", "customers.Address", "shop_orders.Line", "shop_orders.Order",
        "shop_orders.Stamped", "shop_orders.Tag", "shop_orders.UrgentOrder"]
    assert models["shop_orders.Order"].db_table == "legacy_orders"
    assert models["shop_orders.Line"].db_table == "shop_orders_line"
    assert models["shop_orders.Stamped"].abstract and models["shop_orders.Stamped"].db_table == ""
    urgent = models["shop_orders.UrgentOrder"]
    assert (urgent.proxy, urgent.parents, urgent.db_table) == (True, ("shop_orders.Order",),
                                                               "legacy_orders")
    assert models["customers.Account"].path == "customers/models.py"


def test_relation_targets(facts: ProjectFacts) -> None:
    order = next(m for m in facts.models if m.label == "shop_orders.Order")
    fields = {f.name: f for f in order.fields}
    assert fields["address"].target_label == "customers.Address"
    assert fields["parent"].target_label == "shop_orders.Order"
    assert (fields["tags"].target_label, fields["tags"].m2m_table) == (
        "shop_orders.Tag", "legacy_orders_tags")
    assert (fields["owner"].target_label, fields["owner"].inherited_from) == (
        "customers.Account", "shop_orders.Stamped")
    line = next(m for m in facts.models if m.label == "shop_orders.Line")
    assert line.fields[0].target_label == "shop_orders.Order"


def test_routes_follow_includes_with_namespaces(facts: ProjectFacts) -> None:
    routes = {(r.route, r.view, r.name) for r in facts.routes}
    assert routes == {
        ("/orders/", "orders.views.order_list", "orders:list"),
        ("/orders/<int:pk>/", "orders.views.OrderDetail", "orders:detail"),
        ("/orders/extra/one/", "orders.views.order_list", "orders:one"),
        (r"^/customers/(?P<pk>\d+)/\Z", "customers.views.profile", "people:profile"),
    }
    assert all(r.reachable for r in facts.routes)


def test_orm_related_models(facts: ProjectFacts) -> None:
    busy = next(q for q in facts.orm if q.scope == "orders.services.busy_cities")
    assert busy.related == ("customers.Account", "customers.Address", "shop_orders.Line")
    assert busy.access == "read"


def test_signals_resolved_to_model_labels(facts: ProjectFacts) -> None:
    found = {(s.signal.rsplit(".", 1)[1], s.receiver, s.sender) for s in facts.signals}
    assert found == {
        ("post_save", "orders.signals.on_saved", "shop_orders.Order"),
        ("pre_delete", "orders.signals.on_deleted", "shop_orders.Order"),
        ("order_placed", "orders.signals.notify", None),
    }


def test_atomic_blocks_include_writes_one_call_deep(facts: ProjectFacts) -> None:
    blocks = {b.scope: b for b in facts.atomic_blocks}
    place = blocks["orders.services.place"]
    assert place.models_written == ("shop_orders.Line", "shop_orders.Order")
    assert place.models_written_via_calls == ("shop_orders.Line",)
    assert blocks["orders.services.cancel"].sql_tables_written == ("orders_line",)


def test_sql_sites_tasks_commands(facts: ProjectFacts) -> None:
    origins = sorted({s.origin for s in facts.sql})
    assert origins == ["RunSQL", "execute", "raw", "sql-file"]
    view = next(s for s in facts.sql if s.origin == "sql-file")
    assert view.tables_written == ("order_cities",)
    assert {t.qualname for t in facts.tasks} == {"orders.tasks.expire_orders", "orders.tasks.remind"}
    assert [c.name for c in facts.commands] == ["close_orders"]
    assert facts.warnings == ()


def test_inherited_many_to_many_join_table_is_named_after_the_concrete_model(tmp_path: Path) -> None:
    app = tmp_path / "basket"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(
        "from django.db import models\n\n\n"
        "class AbstractBasket(models.Model):\n"
        "    vouchers = models.ManyToManyField('basket.Voucher')\n\n"
        "    class Meta:\n        abstract = True\n\n\n"
        "class Basket(AbstractBasket):\n    pass\n\n\n"
        "class Voucher(models.Model):\n    code = models.CharField(max_length=8)\n")
    facts = extract_project_facts(tmp_path, FactsOptions(use_cache=False))
    basket = next(m for m in facts.models if m.label == "basket.Basket")
    vouchers = next(f for f in basket.fields if f.name == "vouchers")
    assert vouchers.m2m_table == "basket_basket_vouchers"
