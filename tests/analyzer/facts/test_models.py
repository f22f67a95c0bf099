"""Django model classes: fields, relation targets as written, Meta, managers."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_model_fields_relations_meta_and_managers() -> None:
    facts = facts_of(
        """
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import models
        from django.db.models import ForeignKey as FK
        from catalog.models import Product

        class OrderQuerySet(models.QuerySet):
            pass

        class Order(models.Model):
            buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            seller = FK(get_user_model(), on_delete=models.CASCADE, db_column="seller")
            product = models.OneToOneField(Product, on_delete=models.CASCADE)
            parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
            tags = models.ManyToManyField("tags.Tag", through="OrderTag", related_name="orders")
            total = models.DecimalField(max_digits=9, decimal_places=2)
            objects = OrderQuerySet.as_manager()

            class Meta:
                db_table = "legacy_order"
                app_label = "shop"
        """,
        module="orders.models",
    )
    (model,) = facts.model_candidates
    assert (model.db_table, model.app_label, model.abstract, model.proxy) == (
        "legacy_order", "shop", False, False)
    assert model.managers == ("objects",)
    fields = {f.name: f for f in model.fields}
    assert fields["buyer"].target == "django.conf.settings.AUTH_USER_MODEL"
    assert fields["seller"].target == "django.conf.settings.AUTH_USER_MODEL"
    assert fields["seller"].field_type == "django.db.models.ForeignKey"
    assert fields["seller"].column == "seller"
    assert (fields["product"].relation, fields["product"].target) == ("o2o", "catalog.models.Product")
    assert fields["parent"].target == "self"
    assert (fields["tags"].relation, fields["tags"].through) == ("m2m", "OrderTag")
    assert fields["tags"].related_name == "orders"
    assert (fields["total"].relation, fields["total"].column) == (None, "total")


def test_abstract_and_proxy_meta() -> None:
    facts = facts_of(
        """
        from django.db import models

        class Base(models.Model):
            class Meta:
                abstract = True

        class Proxy(Base):
            class Meta:
                proxy = True
        """,
        module="a.models",
    )
    base, proxy = facts.model_candidates
    assert base.abstract and not base.proxy
    assert proxy.proxy and proxy.bases == ("a.models.Base",)


def test_plain_classes_are_not_model_candidates() -> None:
    facts = facts_of("class Helper:\n    x = 1\n", module="a.models")
    assert facts.model_candidates == ()


def test_on_delete_rule_of_each_relation() -> None:
    facts = facts_of(
        """
        from django.db import models
        from django.db.models import CASCADE, PROTECT

        class Line(models.Model):
            order = models.ForeignKey("orders.Order", on_delete=models.CASCADE)
            product = models.ForeignKey("catalog.Product", PROTECT)
            voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.SET(None))
            invoice = models.OneToOneField("invoices.Invoice", on_delete=CASCADE)
            tags = models.ManyToManyField("tags.Tag")
            note = models.TextField()
        """,
        module="orders.models",
    )
    (model,) = facts.model_candidates
    rules = {f.name: f.on_delete for f in model.fields}
    assert rules == {"order": "CASCADE", "product": "PROTECT", "voucher": "SET", "invoice": "CASCADE",
                     "tags": None, "note": None}


def test_an_optional_relation_is_marked_null() -> None:
    facts = facts_of(
        """
        from django.db import models

        class Ticket(models.Model):
            queue = models.ForeignKey("desk.Queue", on_delete=models.CASCADE)
            article = models.ForeignKey("kb.Article", null=True, blank=True, on_delete=models.CASCADE)
            owner = models.OneToOneField("auth.User", null=False, on_delete=models.CASCADE)
            note = models.TextField(null=True)
        """,
        module="desk.models",
    )
    (model,) = facts.model_candidates
    assert {f.name: f.null for f in model.fields} == {"queue": False, "article": True, "owner": False,
                                                      "note": False}
