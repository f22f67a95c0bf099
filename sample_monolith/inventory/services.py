"""Stock queries and the operations that move stock (allocation at checkout, release on refund)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Sum

from catalog.models import Product
from inventory.models import StockItem, StockMovement, Warehouse
from inventory.signals import low_stock


class InsufficientStock(Exception):
    """Raised when a product cannot be allocated in the requested quantity."""

    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"only {available} of {sku} available, {requested} requested")
        self.sku = sku
        self.requested = requested
        self.available = available


def available_quantity(product: Product) -> int:
    """Units of ``product`` across all active warehouses."""
    total = StockItem.objects.filter(product=product, warehouse__is_active=True).aggregate(
        total=Sum("quantity")
    )["total"]
    return max(total or 0, 0)


def available_quantities(product_ids: Iterable[int]) -> dict[int, int]:
    """``{product_id: units}`` for many products in one query."""
    rows = (
        StockItem.objects.filter(product_id__in=list(product_ids), warehouse__is_active=True)
        .values("product_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["product_id"]: max(row["total"] or 0, 0) for row in rows}


def _notify_if_low(item: StockItem) -> None:
    if item.is_low:
        low_stock.send(sender=StockItem, stock_item=item, available=item.quantity)


def receive_stock(product: Product, warehouse: Warehouse, quantity: int, reference: str = "") -> (
    StockItem
):
    """Book goods in: create the stock row if needed and add ``quantity``."""
    item, _ = StockItem.objects.get_or_create(product=product, warehouse=warehouse)
    StockItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + quantity)
    StockMovement.objects.create(
        stock_item=item, delta=quantity, reason=StockMovement.Reason.RECEIPT, reference=reference
    )
    item.refresh_from_db()
    return item


def allocate(product: Product, quantity: int, reference: str) -> list[StockMovement]:
    """Take ``quantity`` units of ``product`` out of stock, fullest warehouse first.

    Must run inside the caller's transaction (checkout); rows are locked while allocating.
    """
    items = list(
        StockItem.objects.select_for_update()
        .filter(product=product, warehouse__is_active=True, quantity__gt=0)
        .select_related("warehouse", "product")
        .order_by("-quantity", "warehouse__code")
    )
    available = sum(item.quantity for item in items)
    if available < quantity:
        raise InsufficientStock(product.sku, quantity, available)
    movements = []
    remaining = quantity
    for item in items:
        if remaining == 0:
            break
        take = min(item.quantity, remaining)
        item.quantity -= take
        item.save(update_fields=["quantity", "updated_at"])
        movements.append(
            StockMovement.objects.create(
                stock_item=item, delta=-take, reason=StockMovement.Reason.SALE, reference=reference
            )
        )
        remaining -= take
        _notify_if_low(item)
    return movements


@transaction.atomic
def release(reference: str) -> int:
    """Put back everything sold under ``reference`` (an order number). Returns units restored."""
    restored = 0
    sales = StockMovement.objects.filter(reference=reference, reason=StockMovement.Reason.SALE)
    returned = StockMovement.objects.filter(
        reference=reference, reason=StockMovement.Reason.RETURN
    ).exists()
    if returned:
        return 0
    for movement in sales.select_related("stock_item"):
        units = -movement.delta
        StockItem.objects.filter(pk=movement.stock_item_id).update(
            quantity=F("quantity") + units
        )
        StockMovement.objects.create(
            stock_item=movement.stock_item,
            delta=units,
            reason=StockMovement.Reason.RETURN,
            reference=reference,
        )
        restored += units
    return restored


def low_stock_items() -> list[StockItem]:
    """Stock rows at or below their threshold, most urgent first."""
    return list(
        StockItem.objects.filter(quantity__lte=F("low_stock_threshold"), warehouse__is_active=True)
        .select_related("product", "warehouse")
        .order_by("quantity", "product__sku", "warehouse__code")
    )
