"""Order services: cart, promotions, checkout, refunds, order queries — and shipping.

History: when checkout first needed a shipping price, the rate table, carrier choice and
shipment creation were written here "for now". They never moved, so this module holds two
domains: the **order** domain (cart, promotions, checkout, refunds, history) and the
**shipping** domain (zones, rates, carriers, tracking numbers, shipment life cycle). The
``shipping`` app's views import their rate quotes from here.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from catalog.models import Product
from common.money import ZERO, money_str, percent_of, sum_money, to_money
from common.utils import iso, make_reference
from customers.models import Address, Customer
from customers.services import award_loyalty_points, default_address
from inventory.services import InsufficientStock, allocate, release
from orders.models import Cart, CartItem, Order, OrderLine, Promotion
from orders.signals import order_placed, order_refunded
from payments.models import Payment
from payments.services import PaymentDeclined, charge_order, refund_payment
from shipping.models import Carrier, Shipment


class CheckoutError(Exception):
    """A checkout or refund that cannot go through; ``code`` is machine-readable."""

    def __init__(self, message: str, code: str = "checkout_failed") -> None:
        super().__init__(message)
        self.code = code


# ================================================================================================
# Cart
# ================================================================================================


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return to_money(self.product.price)

    @property
    def line_total(self) -> Decimal:
        return to_money(self.unit_price * self.quantity)


def get_cart(customer: Customer) -> Cart:
    cart, _ = Cart.objects.get_or_create(customer=customer)
    return cart


def add_to_cart(customer: Customer, product: Product, quantity: int = 1) -> CartItem:
    """Add ``quantity`` of ``product``; the quantity accumulates for a product already in it."""
    if quantity < 1:
        raise CheckoutError("quantity must be at least 1", code="invalid_quantity")
    if not product.is_active:
        raise CheckoutError(f"{product.sku} is not for sale", code="inactive_product")
    cart = get_cart(customer)
    item, created = CartItem.objects.get_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    if not created:
        item.quantity += quantity
        item.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return item


def cart_lines(cart: Cart) -> list[CartLine]:
    items = cart.items.select_related("product").order_by("product__sku")
    return [CartLine(item.product, item.quantity) for item in items]


def cart_to_dict(cart: Cart) -> dict[str, Any]:
    lines = cart_lines(cart)
    return {
        "items": [
            {
                "sku": line.product.sku,
                "name": line.product.name,
                "quantity": line.quantity,
                "unit_price": money_str(line.unit_price),
                "line_total": money_str(line.line_total),
            }
            for line in lines
        ],
        "subtotal": money_str(sum_money([line.line_total for line in lines])),
    }


# ================================================================================================
# Promotions
# ================================================================================================


def find_promotion(code: str, subtotal: Decimal, at: datetime) -> Promotion:
    """The active promotion ``code`` valid at ``at`` for ``subtotal``, or ``CheckoutError``."""
    promotion = Promotion.objects.filter(code__iexact=code.strip(), is_active=True).first()
    if promotion is None or promotion.valid_from > at:
        raise CheckoutError(f"unknown promotion code {code!r}", code="invalid_promotion")
    if promotion.valid_until is not None and promotion.valid_until < at:
        raise CheckoutError(f"promotion {promotion.code} has expired", code="invalid_promotion")
    if subtotal < promotion.min_subtotal:
        raise CheckoutError(
            f"{promotion.code} needs a subtotal of {money_str(promotion.min_subtotal)}",
            code="invalid_promotion",
        )
    return promotion


def discount_for(promotion: Promotion | None, subtotal: Decimal) -> Decimal:
    if promotion is None:
        return ZERO
    return min(percent_of(subtotal, promotion.percent_off), subtotal)


# ================================================================================================
# Checkout and refunds
# ================================================================================================


def place_order(
    customer: Customer,
    *,
    payment_token: str,
    promo_code: str | None = None,
    address: Address | None = None,
    placed_at: datetime | None = None,
) -> Order:
    """Turn the customer's cart into a paid order.

    One database transaction writes the order and its lines (orders), takes the stock
    (inventory), captures the payment (payments), books the shipment (shipping), credits
    loyalty points (customers) and, through the ``order_placed`` signal, queues the
    confirmation (notifications). A declined payment or missing stock rolls all of it back.
    """
    at = placed_at or timezone.now()
    cart = get_cart(customer)
    lines = cart_lines(cart)
    if not lines:
        raise CheckoutError("the cart is empty", code="empty_cart")
    address = address or default_address(customer)
    if address is None:
        raise CheckoutError("no shipping address on file", code="no_address")
    subtotal = sum_money([line.line_total for line in lines])
    promotion = find_promotion(promo_code, subtotal, at) if promo_code else None
    discount = discount_for(promotion, subtotal)
    weight = sum(line.product.weight_grams * line.quantity for line in lines)
    quote = quote_shipping(address.country, weight, subtotal - discount)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=customer,
                shipping_address=address,
                promotion=promotion,
                subtotal=subtotal,
                discount=discount,
                shipping_cost=quote.cost,
                total=to_money(subtotal - discount + quote.cost),
                currency=settings.SHOP_CURRENCY,
                placed_at=at,
            )
            order.number = make_reference("SO", order.pk)
            order.save(update_fields=["number"])
            for line in lines:
                OrderLine.objects.create(
                    order=order,
                    product=line.product,
                    sku=line.product.sku,
                    product_name=line.product.name,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                )
                allocate(line.product, line.quantity, reference=order.number)
            charge_order(order, payment_token)
            order.status = Order.Status.PAID
            order.save(update_fields=["status"])
            create_shipment(order, quote, address)
            award_loyalty_points(customer, order.total)
            cart.items.all().delete()
            order_placed.send(sender=Order, order=order)
    except InsufficientStock as exc:
        raise CheckoutError(str(exc), code="insufficient_stock") from exc
    except PaymentDeclined as exc:
        raise CheckoutError(str(exc), code="payment_declined") from exc
    return order


REFUNDABLE = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


def refund_order(order: Order, *, reason: str = "customer request") -> Order:
    """Undo a checkout: refund the payments, return the stock, cancel open shipments,
    take back the loyalty points and mark the order refunded — all or nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        if order.status not in REFUNDABLE:
            raise CheckoutError(f"order {order.number} is {order.status}", code="not_refundable")
        for payment in order.payments.filter(status=Payment.Status.CAPTURED):
            refund_payment(payment, payment.amount, reason)
        release(order.number or "")
        cancel_open_shipments(order)
        award_loyalty_points(order.customer, -order.total)
        order.status = Order.Status.REFUNDED
        order.save(update_fields=["status"])
        order_refunded.send(sender=Order, order=order, reason=reason)
    return order


# ================================================================================================
# Order queries and rendering
# ================================================================================================


def orders_in_category(slug: str) -> QuerySet[Order]:
    """Orders with at least one product of category ``slug`` (a lookup across three apps)."""
    return (
        Order.objects.filter(lines__product__category__slug=slug)
        .select_related("customer__user")
        .distinct()
        .order_by("-placed_at", "-id")
    )


def order_history(customer: Customer) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=customer)
        .select_related("customer__user", "shipping_address", "promotion")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product__category")),
            Prefetch("shipments", queryset=Shipment.objects.select_related("carrier")),
            "payments",
        )
        .order_by("-placed_at", "-id")
    )


def order_to_dict(order: Order) -> dict[str, Any]:
    """The JSON form of an order, with its payments and shipments."""
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "customer": order.customer.user.get_username(),
        "placed_at": iso(order.placed_at),
        "currency": order.currency,
        "subtotal": money_str(order.subtotal),
        "discount": money_str(order.discount),
        "shipping_cost": money_str(order.shipping_cost),
        "total": money_str(order.total),
        "promotion": order.promotion.code if order.promotion else None,
        "lines": [
            {
                "sku": line.sku,
                "name": line.product_name,
                "category": line.product.category.slug,
                "quantity": line.quantity,
                "unit_price": money_str(line.unit_price),
                "line_total": money_str(line.line_total),
            }
            for line in order.lines.all()
        ],
        "payments": [
            {"reference": p.provider_ref, "amount": money_str(p.amount), "status": p.status}
            for p in order.payments.all()
        ],
        "shipments": [
            {
                "tracking_number": s.tracking_number,
                "carrier": s.carrier.code,
                "status": s.status,
            }
            for s in order.shipments.all()
        ],
    }


# ================================================================================================
# Shipping: zones, rates, carriers and shipments (belongs to the shipping domain)
# ================================================================================================

SHIPPING_ZONES: dict[str, str] = {
    "DE": "domestic",
    **{c: "eu" for c in ("AT", "BE", "DK", "ES", "FR", "IE", "IT", "NL", "PL", "PT", "SE")},
}
# zone -> carrier -> ((max weight in grams, price), ...)
RATE_TABLE: dict[str, dict[str, tuple[tuple[int, str], ...]]] = {
    "domestic": {
        "dhl": ((1000, "4.90"), (5000, "6.90"), (31500, "12.90")),
        "dpd": ((2000, "5.20"), (10000, "7.40"), (31500, "11.90")),
    },
    "eu": {
        "dhl": ((1000, "9.90"), (5000, "15.90"), (31500, "29.90")),
        "ups": ((2000, "11.50"), (10000, "17.00"), (31500, "27.50")),
    },
    "world": {
        "ups": ((2000, "24.00"), (10000, "49.00"), (31500, "89.00")),
    },
}
CARRIER_NAMES = {"dhl": "DHL Paket", "dpd": "DPD Classic", "ups": "UPS Standard"}
TRANSIT_DAYS = {"domestic": 2, "eu": 4, "world": 9}


@dataclass(frozen=True)
class ShippingQuote:
    zone: str
    carrier_code: str
    cost: Decimal
    transit_days: int


def shipping_zone(country: str) -> str:
    return SHIPPING_ZONES.get(country.upper(), "world")


def _rate(bands: tuple[tuple[int, str], ...], weight_grams: int) -> Decimal | None:
    for max_weight, price in bands:
        if weight_grams <= max_weight:
            return Decimal(price)
    return None


def quote_shipping(country: str, weight_grams: int, subtotal: Decimal) -> ShippingQuote:
    """The cheapest carrier for a parcel; free within the EU above the free-shipping threshold."""
    zone = shipping_zone(country)
    offers = []
    for carrier_code, bands in sorted(RATE_TABLE[zone].items()):
        price = _rate(bands, weight_grams)
        if price is not None:
            offers.append((price, carrier_code))
    if not offers:  # heavier than any band: freight via the first carrier at the top price
        carrier_code, bands = sorted(RATE_TABLE[zone].items())[0]
        offers.append((Decimal(bands[-1][1]) * 2, carrier_code))
    price, carrier_code = min(offers)
    threshold = Decimal(settings.SHOP_FREE_SHIPPING_THRESHOLD)
    if zone != "world" and subtotal >= threshold:
        price = ZERO
    return ShippingQuote(zone, carrier_code, to_money(price), TRANSIT_DAYS[zone])


def carrier_for(code: str) -> Carrier:
    carrier, _ = Carrier.objects.get_or_create(
        code=code,
        defaults={
            "name": CARRIER_NAMES.get(code, code.upper()),
            "tracking_url_template": f"https://track.example/{code}/{{tracking_number}}",
        },
    )
    return carrier


def tracking_number_for(order: Order, carrier_code: str) -> str:
    digest = hashlib.sha1(f"{order.number}:{carrier_code}".encode(), usedforsecurity=False)
    return f"{carrier_code.upper()}{int(digest.hexdigest()[:10], 16):012d}"


def create_shipment(order: Order, quote: ShippingQuote, address: Address | None) -> Shipment:
    return Shipment.objects.create(
        order=order,
        carrier=carrier_for(quote.carrier_code),
        address=address,
        tracking_number=tracking_number_for(order, quote.carrier_code),
        cost=quote.cost,
        created_at=order.placed_at,
    )


def mark_shipped(shipment: Shipment, at: datetime | None = None) -> Shipment:
    """Hand the parcel to the carrier; the order follows the shipment's status."""
    shipment.status = Shipment.Status.SHIPPED
    shipment.shipped_at = at or timezone.now()
    shipment.save(update_fields=["status", "shipped_at"])
    Order.objects.filter(pk=shipment.order_id, status=Order.Status.PAID).update(
        status=Order.Status.SHIPPED
    )
    return shipment


def mark_delivered(shipment: Shipment, at: datetime | None = None) -> Shipment:
    shipment.status = Shipment.Status.DELIVERED
    shipment.delivered_at = at or timezone.now()
    shipment.save(update_fields=["status", "delivered_at"])
    Order.objects.filter(pk=shipment.order_id, status=Order.Status.SHIPPED).update(
        status=Order.Status.DELIVERED
    )
    return shipment


def cancel_open_shipments(order: Order) -> int:
    open_shipments = order.shipments.filter(status=Shipment.Status.PENDING)
    return open_shipments.update(status=Shipment.Status.CANCELLED)
