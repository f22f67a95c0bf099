"""Shipping JSON API: rate quotes, carriers, tracking."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from common.http import json_error, json_response
from common.money import money_str
from common.utils import iso, parse_positive_int
from orders.services import quote_shipping  # the rate table still lives in orders
from shipping.models import Carrier, Shipment


def shipment_to_dict(shipment: Shipment) -> dict[str, Any]:
    return {
        "tracking_number": shipment.tracking_number,
        "order": shipment.order.number,
        "carrier": shipment.carrier.code,
        "tracking_url": shipment.carrier.tracking_url(shipment.tracking_number),
        "status": shipment.status,
        "cost": money_str(shipment.cost),
        "created_at": iso(shipment.created_at),
        "shipped_at": iso(shipment.shipped_at),
        "delivered_at": iso(shipment.delivered_at),
        "destination": shipment.address.country if shipment.address else None,
    }


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


@require_GET
def api_tracking(request: HttpRequest, tracking_number: str) -> JsonResponse:
    """``GET /api/shipping/track/<tracking_number>/``: public parcel tracking."""
    shipment = get_object_or_404(
        Shipment.objects.select_related("order", "carrier", "address"),
        tracking_number=tracking_number,
    )
    return json_response(shipment_to_dict(shipment))


@require_GET
def api_order_shipments(request: HttpRequest, order_id: int) -> JsonResponse:
    if not request.user.is_authenticated:
        return json_error("authentication required", status=401)
    shipments = Shipment.objects.filter(order_id=order_id).select_related(
        "order__customer", "carrier", "address"
    )
    if not request.user.is_staff:
        shipments = shipments.filter(order__customer__user=request.user)
    return json_response({"results": [shipment_to_dict(s) for s in shipments.order_by("id")]})
