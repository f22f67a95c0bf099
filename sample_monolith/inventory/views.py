"""Inventory JSON API."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from catalog.models import Product
from common.http import json_response
from inventory.models import StockItem, Warehouse
from inventory.services import low_stock_items


@require_GET
def api_stock(request: HttpRequest, sku: str) -> JsonResponse:
    """``GET /api/inventory/stock/<sku>/``: stock per warehouse and in total."""
    product = get_object_or_404(Product, sku=sku)
    items = (
        StockItem.objects.filter(product=product)
        .select_related("warehouse")
        .order_by("warehouse__code")
    )
    warehouses = [
        {
            "warehouse": item.warehouse.code,
            "quantity": item.quantity,
            "low": item.is_low,
            "active": item.warehouse.is_active,
        }
        for item in items
    ]
    total = sum(w["quantity"] for w in warehouses if w["active"])
    return json_response({"sku": product.sku, "total": total, "warehouses": warehouses})


@require_GET
def api_warehouses(request: HttpRequest) -> JsonResponse:
    rows = [
        {"code": w.code, "name": w.name, "city": w.city, "active": w.is_active}
        for w in Warehouse.objects.order_by("code")
    ]
    return json_response({"results": rows})


@require_GET
def api_low_stock(request: HttpRequest) -> JsonResponse:
    rows = [
        {
            "sku": item.product.sku,
            "warehouse": item.warehouse.code,
            "quantity": item.quantity,
            "threshold": item.low_stock_threshold,
        }
        for item in low_stock_items()
    ]
    return json_response({"results": rows})
