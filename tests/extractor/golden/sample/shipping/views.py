# Carried from the monolith's shipping.views by `demonolith extract`; unused code was left behind.
"""Shipping JSON API: rate quotes, carriers, tracking."""

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.http import json_error, json_response
from common.money import money_str
from common.utils import parse_positive_int
from orders.services import quote_shipping  # the rate table still lives in orders
from shipping.models import Carrier


@require_GET
def api_rates(request: HttpRequest) -> JsonResponse:
    """``GET /api/shipping/rates/?country=FR&weight=1200&subtotal=50``"""
    country = request.GET.get("country", "DE")[:2]
    weight = parse_positive_int(request.GET.get("weight"), 1000)
    try:
        subtotal = Decimal(request.GET.get("subtotal", "0"))
    except InvalidOperation:
        return json_error("subtotal must be a number")
    quote = quote_shipping(country, weight, subtotal)
    return json_response(
        {
            "country": country.upper(),
            "weight_grams": weight,
            "zone": quote.zone,
            "carrier": quote.carrier_code,
            "cost": money_str(quote.cost),
            "transit_days": quote.transit_days,
        }
    )


@require_GET
def api_carriers(request: HttpRequest) -> JsonResponse:
    carriers = [
        {"code": c.code, "name": c.name, "active": c.is_active}
        for c in Carrier.objects.order_by("code")
    ]
    return json_response({"results": carriers})
