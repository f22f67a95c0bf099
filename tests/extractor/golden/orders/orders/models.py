# Carried from the monolith's orders.models by `demonolith extract`; unused code was left behind.
from service_project.relations import remote_relation  # added by demonolith extract
from django.db import models

class Order(models.Model):
    # the product bought
    # ID of a catalog.Product (service 'catalog'); was a ForeignKey, read it via that service's API.
    product_id = models.BigIntegerField(db_index=True)
    product = remote_relation("product_id", "catalog.Product", "catalog", "orders/models.py:6")
    quantity = models.IntegerField(default=1)

    class Meta:
        ordering = ("-product_id", "id")
        db_table = "orders_order"
