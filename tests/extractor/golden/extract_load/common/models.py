# Carried from the monolith's common.models by `demonolith extract`; unused code was left behind.
from django.db import models


class OrderLinked(models.Model):
    """A mixin of every record that belongs to an order."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def order_label(self):
        raise NotImplementedError(
            "demonolith extract: self.order.code at common/models.py:14 follows 'order', "
            "now the ID order_id of a orders.Order (service 'orders'); read it through "
            "that service's API"
        )
