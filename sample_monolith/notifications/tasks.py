"""Notification delivery."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from common.tasks import shared_task
from notifications.models import Notification


@shared_task(name="notifications.send", max_retries=2)
def send_notification(notification_id: int) -> str:
    """Deliver one queued notification by e-mail; returns its final status."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status == Notification.Status.SENT:
        return "skipped"
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
        fail_silently=False,
    )
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "sent_at"])
    return notification.status
