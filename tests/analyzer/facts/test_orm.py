"""ORM chains, lookups, instance writes, reads vs writes."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of

SOURCE = """
from django.db.models import F, Q, Sum
from orders.models import Order, Line

def run(pk):
    Order.objects.filter(customer__email="a", total__gt=F("paid__amount")).exclude(
        Q(lines__sku="x")).select_related("customer").prefetch_related("lines__product")
    Order.objects.aggregate(Sum("lines__price"))
    Order.objects.bulk_create([])
    Line.objects.filter(pk=pk).update(qty=F("qty") - 1)
    order = Order.objects.get(pk=pk)
    order.save()
    fresh = Line(qty=1)
    fresh.delete()
    for line in Line.objects.all():
        line.save()
    Order(pk=1).save()
    Order.published.first()
"""


def test_chains_are_split_into_reads_and_writes_with_their_lookups() -> None:
    facts = facts_of(SOURCE)
    queries = [(q.model.rsplit(".", 1)[1], q.manager, q.methods, q.access) for q in facts.orm]
    assert queries == [
        ("Order", "objects", ("filter", "exclude", "select_related", "prefetch_related"), "read"),
        ("Order", "objects", ("aggregate",), "read"),
        ("Order", "objects", ("bulk_create",), "write"),
        ("Line", "objects", ("filter", "update"), "write"),
        ("Order", "objects", ("get",), "read"),
        ("Order", "instance", ("save",), "write"),
        ("Line", "instance", ("delete",), "write"),
        ("Line", "objects", ("all",), "read"),
        ("Line", "instance", ("save",), "write"),
        ("Order", "instance", ("save",), "write"),
        ("Order", "published", ("first",), "read"),
    ]
    first = facts.orm[0]
    assert set(first.lookups) == {
        "customer__email", "total__gt", "paid__amount", "lines__sku", "customer", "lines__product"}
    assert facts.orm[1].lookups == ("lines__price",)


def test_self_save_in_a_model_method_writes_that_model() -> None:
    facts = facts_of(
        """
        from django.db import models

        class Order(models.Model):
            def close(self):
                super().save()
        """,
        module="orders.models",
    )
    (query,) = facts.orm
    assert (query.model, query.access, query.scope) == (
        "orders.models.Order", "write", "orders.models.Order.close")


def test_unresolved_receivers_are_not_guessed() -> None:
    facts = facts_of("def f(x):\n    x.objects.filter(a=1)\n    x.save()\n")
    assert facts.orm == ()
