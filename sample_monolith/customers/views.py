"""Customer JSON API, session login for API clients, and the proxy's identity endpoint."""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Product
from common.http import api_errors, api_login_required, json_error, json_response, parse_json_body
from common.utils import iso
from customers.models import WishlistItem
from customers.services import customer_for_user


@require_GET
def whoami(request: HttpRequest) -> JsonResponse:
    """``GET /internal/whoami/``: resolve the session cookie into an identity (for the proxy)."""
    user = request.user
    return json_response(
        {
            "user_id": user.pk if user.is_authenticated else None,
            "username": user.get_username() if user.is_authenticated else None,
            "is_authenticated": bool(user.is_authenticated),
            "is_staff": bool(getattr(user, "is_staff", False)),
        }
    )


@require_GET
@api_login_required
def api_me(request: HttpRequest) -> JsonResponse:
    """``GET /api/customers/me/``: the logged-in customer with addresses and order count."""
    customer = customer_for_user(request.user)
    assert customer is not None
    addresses = [
        {
            "id": a.pk,
            "label": a.label,
            "line1": a.line1,
            "city": a.city,
            "postcode": a.postcode,
            "country": a.country,
            "is_default": a.is_default,
        }
        for a in customer.addresses.order_by("id")
    ]
    return json_response(
        {
            "id": customer.pk,
            "user_id": request.user.pk,
            "username": request.user.get_username(),
            "email": customer.email,
            "name": customer.display_name,
            "loyalty_points": customer.loyalty_points,
            "member_since": iso(customer.created_at),
            "addresses": addresses,
            # Reverse relation into the orders app.
            "order_count": customer.orders.count(),
        }
    )


@csrf_exempt  # JSON API clients send no CSRF token (deliberate demo simplification)
@require_POST
@api_errors
def api_login(request: HttpRequest) -> JsonResponse:
    """``POST /api/customers/login/`` with ``{"username", "password"}``: starts a session."""
    data = parse_json_body(request)
    user = authenticate(
        request, username=str(data.get("username", "")), password=str(data.get("password", ""))
    )
    if user is None:
        return json_error("invalid credentials", status=401)
    login(request, user)
    return json_response({"user_id": user.pk, "username": user.get_username()})


@csrf_exempt
@require_POST
def api_logout(request: HttpRequest) -> JsonResponse:
    logout(request)
    return json_response({"ok": True})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@api_login_required
@api_errors
def api_wishlist(request: HttpRequest) -> JsonResponse:
    """``GET`` the wishlist, or ``POST {"sku"}`` to add a product to it."""
    customer = customer_for_user(request.user)
    assert customer is not None
    if request.method == "POST":
        sku = str(parse_json_body(request).get("sku", ""))
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            return json_error(f"unknown sku {sku!r}", status=404)
        WishlistItem.objects.get_or_create(customer=customer, product=product)
    items = WishlistItem.objects.filter(customer=customer).select_related("product")
    skus = sorted(item.product.sku for item in items)
    return json_response({"skus": skus, "count": len(skus)})
