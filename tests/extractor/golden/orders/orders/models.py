# Carried from the monolith's orders.models by `demonolith extract`; unused code was left behind.
from django.db import models

class Order(models.Model):
    # the product bought
    # ID of a catalog.Product (service 'catalog'); was a ForeignKey, read it via that service's API.
    product_id = models.BigIntegerField(db_index=True)
    quantity = models.IntegerField(default=1)

    class Meta:
        ordering = ("-product_id", "id")
        db_table = "orders_order"
