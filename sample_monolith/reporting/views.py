"""Reporting JSON API: reports to read, and the daily figures a till system records."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from common.http import api_errors, json_error, json_response, parse_json_body
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


def _snapshot_to_dict(s: DailySalesSnapshot) -> dict[str, Any]:
    return {
        "day": iso(s.day),
        "orders": s.orders_count,
        "units": s.units_sold,
        "gross_revenue": money_str(s.gross_revenue),
        "refunded": money_str(s.refunded_amount),
    }


def _record_day(data: dict[str, Any]) -> JsonResponse:
    """Store one day's figures (replacing what was recorded for that day): idempotent by day."""
    day = parse_date(str(data.get("day", "")))
    if day is None:
        return json_error("day must be YYYY-MM-DD")
    try:
        figures = {
            "orders_count": max(int(data.get("orders", 0)), 0),
            "units_sold": max(int(data.get("units", 0)), 0),
            "gross_revenue": Decimal(str(data.get("gross_revenue", "0"))),
            "refunded_amount": Decimal(str(data.get("refunded", "0"))),
        }
    except (ValueError, InvalidOperation):
        return json_error("orders and units are integers, gross_revenue and refunded decimals")
    snapshot = DailySalesSnapshot(day=day, **figures)
    # one INSERT ... ON CONFLICT statement: no read-then-write transaction for SQLite to refuse
    DailySalesSnapshot.objects.bulk_create([snapshot], update_conflicts=True, unique_fields=["day"],
                                           update_fields=list(figures))
    return json_response(_snapshot_to_dict(snapshot))


@csrf_exempt  # JSON API clients send no CSRF token (deliberate demo simplification)
@require_http_methods(["GET", "POST"])
@api_errors
def api_daily(request: HttpRequest) -> JsonResponse:
    """``GET`` the daily figures; ``POST {"day", "orders", "units", "gross_revenue", "refunded"}``
    records one day's (a till system's end-of-day import)."""
    if request.method == "POST":
        return _record_day(parse_json_body(request))
    rows = [_snapshot_to_dict(s) for s in DailySalesSnapshot.objects.order_by("day")]
    return json_response({"results": rows})
