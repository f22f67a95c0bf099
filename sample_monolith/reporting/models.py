"""Reporting models: stored daily snapshots, and an unmanaged model over a SQL view."""

from decimal import Decimal

from django.db import models


class DailySalesSnapshot(models.Model):
    """Sales of one day, rebuilt by ``rebuild_sales_snapshots`` or recorded by a till system.

    Keyed by the day itself: recording a day twice, or on two databases kept in sync, is one row.
    """

    day = models.DateField(primary_key=True)
    orders_count = models.PositiveIntegerField(default=0)
    units_sold = models.PositiveIntegerField(default=0)
    gross_revenue = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ("day",)

    def __str__(self) -> str:
        return f"{self.day}: {self.gross_revenue}"


class ProductSales(models.Model):
    """Read-only rows of the ``reporting_product_sales`` view (see migration 0002)."""

    product = models.OneToOneField(
        "catalog.Product",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=140)
    category_slug = models.CharField(max_length=120)
    units_sold = models.IntegerField()
    revenue = models.DecimalField(max_digits=12, decimal_places=2)
    on_hand = models.IntegerField()

    class Meta:
        managed = False
        db_table = "reporting_product_sales"
        ordering = ("-revenue", "sku")
        verbose_name_plural = "product sales"

    def __str__(self) -> str:
        return f"{self.sku}: {self.units_sold}"
