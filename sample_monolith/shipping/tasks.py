"""Carrier status sync (formerly a Celery beat job polling the carriers' APIs)."""

from datetime import timedelta

from django.utils import timezone

from common.tasks import shared_task
from orders.services import mark_delivered
from shipping.models import Shipment


@shared_task(name="shipping.sync_carrier_statuses")
def sync_carrier_statuses(days_in_transit: int = 3) -> int:
    """Mark parcels shipped more than ``days_in_transit`` days ago as delivered."""
    cutoff = timezone.now() - timedelta(days=days_in_transit)
    shipments = Shipment.objects.filter(status=Shipment.Status.SHIPPED, shipped_at__lt=cutoff)
    count = 0
    for shipment in shipments.order_by("id"):
        mark_delivered(shipment)
        count += 1
    return count
