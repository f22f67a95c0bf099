"""Notifications sent (or queued) to customers and to operations."""

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Kind(models.TextChoices):
        ORDER_PLACED = "order_placed", "Order confirmation"
        ORDER_REFUNDED = "order_refunded", "Refund confirmation"
        SHIPMENT_SHIPPED = "shipment_shipped", "Shipment dispatched"
        LOW_STOCK = "low_stock", "Low stock alert"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        OPS = "ops", "Operations alert"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("kind", "status"), name="notification_kind_idx"),)

    def __str__(self) -> str:
        return f"{self.kind} -> {self.recipient}"
