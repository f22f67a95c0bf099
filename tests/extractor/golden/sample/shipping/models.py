# Carried from the monolith's shipping.models by `demonolith extract`; unused code was left behind.
"""Carriers and shipments."""
from service_project.relations import remote_relation  # added by demonolith extract

from decimal import Decimal

from django.db import models
from django.utils import timezone


class Carrier(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=80)
    tracking_url_template = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("code",)
        db_table = "shipping_carrier"

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        return self.tracking_url_template.format(tracking_number=tracking_number)


class Shipment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting pickup"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    # ID of a orders.Order (service 'orders'); was a ForeignKey, read it via that service's API.
    order_id = models.BigIntegerField(db_index=True)
    order = remote_relation("order_id", "orders.Order", "orders", "shipping/models.py:32")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    # ID of a customers.Address (service 'customers'); was a ForeignKey, read it via that service's API.
    address_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    address = remote_relation("address_id", "customers.Address", "customers", "shipping/models.py:34")
    tracking_number = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        db_table = "shipping_shipment"

    def __str__(self) -> str:
        return self.tracking_number
