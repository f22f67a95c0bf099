"""The model codemod, as before/after strings."""

from __future__ import annotations

import libcst as cst

from extractor.rewrite_model import ForeignRelation, is_unmanaged, rewrite_model

BEFORE = '''class Order(TimeStampedModel):
    """An order."""

    # who ordered
    customer = models.ForeignKey("customers.Customer", null=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag)
    total = models.DecimalField(max_digits=8, decimal_places=2)  # EUR
'''

AFTER = '''class Order(TimeStampedModel):
    """An order."""

    # who ordered
    # ID of a customers.Customer (service 'customers'); was a ForeignKey, read it via that service's API.
    customer_id = models.BigIntegerField(null=True, db_index=True)
    customer = remote_relation("customer_id", "customers.Customer", "customers", "?")
    # tags: many-to-many to catalog.Tag (service 'catalog') removed; keep the links there.
    total = models.DecimalField(max_digits=8, decimal_places=2)  # EUR

class Meta(TimeStampedModel.Meta):
    db_table = "orders_order"
'''


def _rewrite(source: str, meta_base: str | None = None) -> str:
    node = cst.parse_statement(source)
    assert isinstance(node, cst.ClassDef)
    relations = [ForeignRelation("customer", "fk", "customers.Customer", "customers"),
                 ForeignRelation("tags", "m2m", "catalog.Tag", "catalog")]
    return cst.Module([rewrite_model(node, "orders_order", relations, "models", meta_base)]).code


def test_foreign_relations_become_ids_and_comments_survive() -> None:
    assert _rewrite(BEFORE, "TimeStampedModel") == AFTER.replace("\nclass Meta", "\n    class Meta").replace(
        '\n    db_table = "orders_order"', '\n        db_table = "orders_order"')


def test_existing_meta_gets_db_table_and_renamed_strings() -> None:
    source = BEFORE + '''
    class Meta:
        ordering = ("-customer__name", "id")
        db_table = "legacy"
'''
    out = _rewrite(source)
    # a traversal orders by another service's data: removed with a comment, never turned into customer_id
    assert 'ordering = ("id",)' in out and "removed '-customer__name'" in out
    assert 'db_table = "orders_order"' in out and "legacy" not in out
    assert out.count("class Meta") == 1


def test_relation_inherited_from_an_abstract_base_is_removed_and_replaced() -> None:
    base = cst.parse_statement(
        'class AbstractSource(models.Model):\n'
        '    order = models.ForeignKey("order.Order", null=True, verbose_name=_("Order"),\n'
        '                              on_delete=models.CASCADE)\n')
    assert isinstance(base, cst.ClassDef)
    declared = base.body.body[0].body[0]  # type: ignore[union-attr]
    assert isinstance(declared, cst.Assign)
    node = cst.parse_statement("class Source(AbstractSource):\n    pass\n")
    assert isinstance(node, cst.ClassDef)
    relation = ForeignRelation("order", "fk", "order.Order", "order")
    out = cst.Module([rewrite_model(node, "payment_source", [relation], "models", "AbstractSource",
                                    {"order": declared})]).code
    assert '    order = remote_relation("order_id", "order.Order", "order", "?")\n' in out
    # _("Order") names something this module may not import: only literal keywords are kept
    assert "    order_id = models.BigIntegerField(null=True, db_index=True)\n" in out
    assert "class Meta(AbstractSource.Meta):" in out and "pass" not in out


def test_unmanaged_model_becomes_a_replica_table_and_a_primary_key_relation_stays_the_key() -> None:
    node = cst.parse_statement(
        "class ProductSales(models.Model):\n"
        '    product = models.OneToOneField("catalog.Product", primary_key=True,\n'
        '                                   on_delete=models.DO_NOTHING)\n'
        "    units = models.IntegerField()\n\n"
        "    class Meta:\n        managed = False\n        db_table = \"reporting_product_sales\"\n")
    assert isinstance(node, cst.ClassDef) and is_unmanaged(node)
    relation = ForeignRelation("product", "o2o", "catalog.Product", "catalog")
    rewritten = rewrite_model(node, "reporting_product_sales", [relation])
    out = cst.Module([rewritten]).code
    assert "product_id = models.BigIntegerField(primary_key=True)" in out
    assert "unique=True" not in out
    assert "managed" not in out.replace("Unmanaged", "") and "read replica" in out
    assert not is_unmanaged(rewritten)


def test_a_kept_many_to_many_stays_unconstrained_named_by_its_label() -> None:
    """Declared here: its target by label (the class is another service's; no import of it is
    carried) and ``db_constraint=False``; inherited from an abstract base: declared again so."""
    node = cst.parse_statement('''class Partner(AbstractPartner):
    tags = models.ManyToManyField(
        Tag,
        related_name="partners",
        db_constraint=True,
    )
''')
    assert isinstance(node, cst.ClassDef)
    declared = cst.parse_statement('users = models.ManyToManyField(AUTH_USER_MODEL, '
                                   'related_name="partners", blank=True, verbose_name=_("Users"))')
    assert isinstance(declared, cst.SimpleStatementLine) and isinstance(declared.body[0], cst.Assign)
    kept = [ForeignRelation("tags", "m2m", "catalog.Tag", "catalog"),
            ForeignRelation("users", "m2m", "auth.User", "monolith")]
    out = cst.Module([rewrite_model(node, "partner_partner", [], inherited={"users": declared.body[0]},
                                    kept=kept)]).code
    layout = '        "catalog.Tag",\n        related_name="partners",\n        db_constraint=False,\n    )'
    assert layout in out
    assert "Tag," not in out and "db_constraint=True" not in out
    assert 'users = models.ManyToManyField("auth.User", related_name="partners", blank=True, ' \
           'db_constraint=False)' in out
