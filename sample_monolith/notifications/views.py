"""Notifications JSON API: the current customer's notifications."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.http import api_login_required, json_response, paginate
from common.utils import iso
from notifications.models import Notification


@require_GET
@api_login_required
def api_notifications(request: HttpRequest) -> JsonResponse:
    notifications = Notification.objects.filter(customer__user=request.user).order_by(
        "-created_at", "-id"
    )
    items, meta = paginate(notifications, request)
    rows = [
        {
            "id": n.pk,
            "kind": n.kind,
            "subject": n.subject,
            "status": n.status,
            "created_at": iso(n.created_at),
        }
        for n in items
    ]
    return json_response({"results": rows, **meta})
