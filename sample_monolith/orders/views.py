"""Orders: JSON API (cart, checkout, orders, refunds) and HTML pages (checkout, history)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Product
from common.http import api_errors, api_login_required, json_error, json_response, paginate, parse_json_body
from customers.models import Address, Customer
from customers.services import customer_for_user
from orders.models import Order
from orders.services import (
    CheckoutError,
    add_to_cart,
    cart_to_dict,
    get_cart,
    order_history,
    order_to_dict,
    orders_in_category,
    place_order,
    refund_order,
)

ERROR_STATUS = {"payment_declined": 402, "insufficient_stock": 409, "not_refundable": 409}


def _checkout_error(exc: CheckoutError) -> JsonResponse:
    return json_error(str(exc), status=ERROR_STATUS.get(exc.code, 400), code=exc.code)


def _current_customer(request: HttpRequest) -> Customer:
    customer = customer_for_user(request.user)
    if customer is None:
        raise PermissionDenied("authentication required")
    return customer


def _visible_order(request: HttpRequest, order_id: int) -> Order:
    """The order, if the user owns it or is staff (404 otherwise, to not leak ids)."""
    orders = Order.objects.all()
    if not request.user.is_staff:
        orders = orders.filter(customer=_current_customer(request))
    orders = orders.select_related("customer__user", "promotion").prefetch_related(
        "lines__product__category", "shipments__carrier", "payments"
    )
    return get_object_or_404(orders, pk=order_id)


def _quantity(data: dict[str, Any]) -> int:
    try:
        return int(data.get("quantity", 1))
    except (TypeError, ValueError) as exc:
        raise BadRequest("quantity must be an integer") from exc


@csrf_exempt  # JSON API clients send no CSRF token (deliberate demo simplification)
@require_http_methods(["GET", "POST"])
@api_login_required
@api_errors
def api_cart(request: HttpRequest) -> JsonResponse:
    """``GET`` the cart; ``POST {"sku", "quantity"}`` adds to it."""
    customer = _current_customer(request)
    if request.method == "POST":
        data = parse_json_body(request)
        product = Product.objects.filter(sku=str(data.get("sku", ""))).first()
        if product is None:
            return json_error("unknown sku", status=404)
        try:
            add_to_cart(customer, product, _quantity(data))
        except CheckoutError as exc:
            return _checkout_error(exc)
    return json_response(cart_to_dict(get_cart(customer)))


@csrf_exempt
@require_POST
@api_login_required
@api_errors
def api_checkout(request: HttpRequest) -> JsonResponse:
    """``POST {"payment_token", "promo_code"?, "address_id"?}``: place the order."""
    customer = _current_customer(request)
    data = parse_json_body(request)
    address = None
    if data.get("address_id"):
        address = get_object_or_404(Address, pk=data["address_id"], customer=customer)
    try:
        order = place_order(
            customer,
            payment_token=str(data.get("payment_token", "tok_visa")),
            promo_code=data.get("promo_code") or None,
            address=address,
        )
    except CheckoutError as exc:
        return _checkout_error(exc)
    return json_response(order_to_dict(order_history(customer).get(pk=order.pk)), status=201)


@require_GET
@api_login_required
@api_errors
def api_orders(request: HttpRequest) -> JsonResponse:
    """``GET /api/orders/``: the current customer's orders, newest first."""
    items, meta = paginate(order_history(_current_customer(request)), request)
    return json_response({"results": [order_to_dict(o) for o in items], **meta})


@require_GET
@api_login_required
@api_errors
def api_order_detail(request: HttpRequest, order_id: int) -> JsonResponse:
    return json_response(order_to_dict(_visible_order(request, order_id)))


@csrf_exempt
@require_POST
@api_login_required
@api_errors
def api_refund(request: HttpRequest, order_id: int) -> JsonResponse:
    """``POST /api/orders/<id>/refund/ {"reason"?}``: refund the whole order."""
    order = _visible_order(request, order_id)
    reason = str(parse_json_body(request).get("reason", "customer request"))
    try:
        refund_order(order, reason=reason)
    except CheckoutError as exc:
        return _checkout_error(exc)
    return json_response(order_to_dict(_visible_order(request, order_id)))


@require_GET
@api_login_required
def api_orders_by_category(request: HttpRequest, slug: str) -> JsonResponse:
    """Staff only: orders containing a product of category ``slug``."""
    if not request.user.is_staff:
        return json_error("staff only", status=403)
    orders = orders_in_category(slug)
    rows = [
        {
            "id": o.pk,
            "number": o.number,
            "customer": o.customer.user.get_username(),
            "total": str(o.total),
            "status": o.status,
        }
        for o in orders
    ]
    return json_response({"category": slug, "count": len(rows), "results": rows})


# --- HTML pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """``/orders/history/``: the logged-in customer's orders."""
    orders = order_history(_current_customer(request))[:50]
    return render(request, "orders/history.html", {"orders": orders})


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """``/orders/checkout/``: show the cart (GET) or place the order (POST)."""
    customer = _current_customer(request)
    if request.method == "POST":
        try:
            order = place_order(
                customer,
                payment_token=request.POST.get("payment_token", "tok_visa"),
                promo_code=request.POST.get("promo_code") or None,
            )
        except CheckoutError as exc:
            messages.error(request, str(exc))
            return redirect("orders:checkout")
        messages.success(request, f"Thank you! Order {order.number} is confirmed.")
        return redirect("orders:history")
    return render(request, "orders/checkout.html", {"cart": cart_to_dict(get_cart(customer))})


@login_required
@require_POST
def cart_add(request: HttpRequest, sku: str) -> HttpResponse:
    product = get_object_or_404(Product, sku=sku)
    try:
        add_to_cart(_current_customer(request), product, int(request.POST.get("quantity", 1)))
    except (CheckoutError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("orders:checkout")
