"""Views that belong to no domain."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.http import json_response


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers and the strangler proxy."""
    return json_response({"status": "ok"})
