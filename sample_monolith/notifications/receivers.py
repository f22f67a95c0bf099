"""Signal receivers: the rest of the shop tells us what happened, we tell people."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from common.money import money_str
from inventory.models import StockItem
from notifications.models import Notification
from notifications.services import notify
from orders.models import Order
from orders.signals import order_placed, order_refunded


@receiver(order_placed, dispatch_uid="notifications.order_placed")
def on_order_placed(sender: type[Order], order: Order, **kwargs: Any) -> None:
    """Order confirmation e-mail."""
    customer = order.customer
    lines = "\n".join(
        f"  {line.quantity} x {line.product_name}  {money_str(line.line_total)}"
        for line in order.lines.order_by("id")
    )
    notify(
        kind=Notification.Kind.ORDER_PLACED,
        recipient=customer.email,
        subject=f"Your order {order.number}",
        body=f"Hello {customer.display_name},\n\n{lines}\n\nTotal: {money_str(order.total)} EUR",
        customer=customer,
        order_id=order.pk,
    )


@receiver(order_refunded, dispatch_uid="notifications.order_refunded")
def on_order_refunded(sender: type[Order], order: Order, reason: str = "", **kwargs: Any) -> None:
    notify(
        kind=Notification.Kind.ORDER_REFUNDED,
        recipient=order.customer.email,
        subject=f"Refund for order {order.number}",
        body=f"We refunded {money_str(order.total)} EUR ({reason}).",
        customer=order.customer,
        order_id=order.pk,
    )


@receiver(post_save, sender="shipping.Shipment", dispatch_uid="notifications.shipment_saved")
def on_shipment_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Tell the customer when a parcel leaves the warehouse (lazy sender: no shipping import)."""
    if created or instance.status != "shipped":
        return
    order = Order.objects.select_related("customer__user").get(pk=instance.order_id)
    notify(
        kind=Notification.Kind.SHIPMENT_SHIPPED,
        recipient=order.customer.email,
        subject=f"Order {order.number} is on its way",
        body=f"Tracking number: {instance.tracking_number}",
        customer=order.customer,
        order_id=order.pk,
    )


def on_low_stock(sender: Any, stock_item: StockItem, available: int, **kwargs: Any) -> None:
    """Alert operations; connected with ``low_stock.connect`` in ``NotificationsConfig.ready``."""
    already = Notification.objects.filter(
        kind=Notification.Kind.LOW_STOCK,
        status=Notification.Status.QUEUED,
        subject__endswith=f"{stock_item.product.sku} @ {stock_item.warehouse.code}",
    ).exists()
    if already:
        return
    notify(
        kind=Notification.Kind.LOW_STOCK,
        channel=Notification.Channel.OPS,
        recipient=settings.SHOP_OPS_EMAIL,
        subject=f"Low stock: {stock_item.product.sku} @ {stock_item.warehouse.code}",
        body=f"{available} left (threshold {stock_item.low_stock_threshold}).",
    )
