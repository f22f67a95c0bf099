# Carried from the monolith's orders.services by `demonolith extract`; unused code was left behind.
"""Order services: cart, promotions, checkout, refunds, order queries — and shipping.

History: when checkout first needed a shipping price, the rate table, carrier choice and
shipment creation were written here "for now". They never moved, so this module holds two
domains: the **order** domain (cart, promotions, checkout, refunds, history) and the
**shipping** domain (zones, rates, carriers, tracking numbers, shipment life cycle). The
``shipping`` app's views import their rate quotes from here.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from common.money import ZERO, to_money
from shipping.models import Carrier


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
