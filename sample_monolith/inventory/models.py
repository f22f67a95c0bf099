"""Inventory models. ``StockItem`` keeps the table name of the system it replaced."""

from django.db import models
from django.utils import timezone


class Warehouse(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=80)
    city = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.city}"


class StockItem(models.Model):
    """How many units of one product one warehouse holds."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="stock_items"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_items")
    quantity = models.IntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "stock_levels"
        ordering = ("product_id", "warehouse__code")
        constraints = (
            models.UniqueConstraint(fields=("product", "warehouse"), name="uniq_stock_per_wh"),
        )

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity}"

    @property
    def is_low(self) -> bool:
        return self.quantity <= self.low_stock_threshold


class StockMovement(models.Model):
    """An audit row for every change of a ``StockItem``'s quantity."""

    class Reason(models.TextChoices):
        RECEIPT = "receipt", "Goods received"
        SALE = "sale", "Sold"
        RETURN = "return", "Returned / refunded"
        ADJUSTMENT = "adjustment", "Manual adjustment"

    stock_item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.reason} {self.reference}"
