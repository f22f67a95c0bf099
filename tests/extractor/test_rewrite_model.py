"""The model codemod, as before/after strings."""

from __future__ import annotations

import libcst as cst

from extractor.rewrite_model import ForeignRelation, rewrite_model

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
    # ID of a customers.Customer (service 'customers'); was a FK, read it via that service's API.
    customer_id = models.BigIntegerField(null=True, db_index=True)
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
    assert 'ordering = ("-customer_id", "id")' in out
    assert 'db_table = "orders_order"' in out and "legacy" not in out
    assert out.count("class Meta") == 1
