# Carried from the monolith's billing.models.invoice by `demonolith extract`; unused code was left behind.
from service_project.relations import remote_relation  # added by demonolith extract
from django.conf import settings
from django.db import models

from .base import Billable


class OpenInvoiceManager(models.Manager):
    """Only the invoices of orders whose code starts with "A" (a scope keyed on a relation path)."""

    def get_queryset(self):
        raise NotImplementedError(
            "demonolith extract: order__code__startswith=... at "
            "billing/models/invoice.py:13 follows 'order', now the ID order_id of a "
            "orders.Order (service 'orders'); read it through that service's API"
        )


class Invoice(Billable):
    number = models.CharField(max_length=20)
    # tags: many-to-many to orders.OrderTag (service 'orders') removed; keep the links there.

    objects = models.Manager()
    open_orders = OpenInvoiceManager()

    # order: inherited from an abstract base; the ID field below replaces it,
    # this accessor answers its ID only (service_project/relations.py).
    order = remote_relation("order_id", "orders.Order", "orders", "common/models.py:7")
    # ID of a orders.Order (service 'orders'); was a ForeignKey, read it via that service's API.
    order_id = models.BigIntegerField(db_index=True)

    # order_label: inherited from OrderLinked, which follows 'order'; it raises here.
    def order_label(self):
        raise NotImplementedError(
            "demonolith extract: self.order.code at common/models.py:14 follows 'order', "
            "now the ID order_id of a orders.Order (service 'orders'); read it through "
            "that service's API"
        )

    class Meta:
        # ordering: removed 'order__code': it follows a relation that is now an ID of another
        # service's model (see README).
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["order_id", "number"], name="uniq_invoice_per_order")]
        db_table = "billing_invoice"

    def __str__(self):
        return self.number

    def order_code(self):
        raise NotImplementedError(
            "demonolith extract: self.order.code at billing/models/invoice.py:31 follows "
            "'order', now the ID order_id of a orders.Order (service 'orders'); read it "
            "through that service's API"
        )

    def currency_allowed(self):
        return self.currency in settings.BILLING_CURRENCIES
