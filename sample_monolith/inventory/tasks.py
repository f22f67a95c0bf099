"""Periodic inventory jobs (formerly Celery beat)."""

from common.tasks import shared_task
from inventory.models import StockItem
from inventory.services import low_stock_items
from inventory.signals import low_stock


@shared_task(name="inventory.check_low_stock")
def check_low_stock() -> int:
    """Re-send ``low_stock`` for every item under its threshold; returns how many."""
    items = low_stock_items()
    for item in items:
        low_stock.send(sender=StockItem, stock_item=item, available=item.quantity)
    return len(items)
