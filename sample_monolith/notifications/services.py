"""Creating notifications; delivery happens in a background task after commit."""

from django.db import transaction

from customers.models import Customer
from notifications.models import Notification
from notifications.tasks import send_notification


def notify(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    customer: Customer | None = None,
    order_id: int | None = None,
    channel: str = Notification.Channel.EMAIL,
) -> Notification:
    """Store a notification and send it once the surrounding transaction commits."""
    notification = Notification.objects.create(
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        customer=customer,
        order_id=order_id,
    )
    transaction.on_commit(lambda: send_notification.delay(notification.pk))
    return notification
