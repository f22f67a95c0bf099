"""Reporting JSON API (read-only)."""

from dataclasses import asdict
from datetime import date

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.http import json_error, json_response
from common.money import money_str
from common.utils import iso, parse_date, parse_positive_int
from reporting import queries
from reporting.models import DailySalesSnapshot, ProductSales


def _range(request: HttpRequest) -> tuple[date | None, date | None]:
    return parse_date(request.GET.get("start")), parse_date(request.GET.get("end"))


@require_GET
def api_sales(request: HttpRequest) -> JsonResponse:
    """``GET /api/reporting/sales/?start=YYYY-MM-DD&end=YYYY-MM-DD``"""
    start, end = _range(request)
    summary = queries.sales_summary(start, end)
    return json_response({"start": iso(start), "end": iso(end), **asdict(summary)})


@require_GET
def api_sales_by_category(request: HttpRequest) -> JsonResponse:
    start, end = _range(request)
    return json_response({"results": queries.sales_by_category(start, end)})


@require_GET
def api_top_products(request: HttpRequest) -> JsonResponse:
    limit = parse_positive_int(request.GET.get("limit"), 10, maximum=100)
    rows = [
        {
            "sku": row.sku,
            "name": row.name,
            "category": row.category_slug,
            "units_sold": row.units_sold,
            "revenue": money_str(row.revenue),
            "on_hand": row.on_hand,
        }
        for row in ProductSales.objects.order_by("-revenue", "sku")[:limit]
    ]
    return json_response({"results": rows, "totals": queries.product_sales_totals()})


@require_GET
def api_top_customers(request: HttpRequest) -> JsonResponse:
    """Staff only: ``?order_by=revenue|orders|points|reviews&limit=&asc=1``"""
    if not request.user.is_staff:
        return json_error("staff only", status=403)
    rows = queries.top_customers(
        order_by=request.GET.get("order_by", "revenue"),
        limit=parse_positive_int(request.GET.get("limit"), 10, maximum=100),
        ascending=request.GET.get("asc") == "1",
    )
    return json_response({"results": rows})


@require_GET
def api_stock_cover(request: HttpRequest) -> JsonResponse:
    days = parse_positive_int(request.GET.get("days"), 30, maximum=365)
    today = parse_date(request.GET.get("today"))
    return json_response({"days": days, "results": queries.stock_cover(days, today)})


@require_GET
def api_delayed_orders(request: HttpRequest) -> JsonResponse:
    days = parse_positive_int(request.GET.get("days"), 3, maximum=90)
    rows = [
        {"number": o.number, "placed_at": iso(o.placed_at), "total": money_str(o.total)}
        for o in queries.delayed_orders(days)
    ]
    return json_response({"results": rows, "count": len(rows)})


@require_GET
def api_daily(request: HttpRequest) -> JsonResponse:
    rows = [
        {
            "day": iso(s.day),
            "orders": s.orders_count,
            "units": s.units_sold,
            "gross_revenue": money_str(s.gross_revenue),
            "refunded": money_str(s.refunded_amount),
        }
        for s in DailySalesSnapshot.objects.order_by("day")
    ]
    return json_response({"results": rows})
