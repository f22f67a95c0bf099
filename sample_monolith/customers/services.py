"""Customer operations used by other apps (checkout awards loyalty points here)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from customers.models import Address, Customer


def customer_for_user(user: AbstractBaseUser | AnonymousUser) -> Customer | None:
    """The customer profile of a logged-in user, created on first use."""
    if not user.is_authenticated:
        return None
    customer, _ = Customer.objects.get_or_create(user=user)
    return customer


def default_address(customer: Customer) -> Address | None:
    return customer.addresses.order_by("-is_default", "id").first()


def loyalty_points_for(amount: Decimal) -> int:
    return int(amount) * int(settings.SHOP_LOYALTY_POINTS_PER_EURO)


def award_loyalty_points(customer: Customer, amount: Decimal) -> int:
    """Credit points for ``amount`` spent; a negative amount takes them back (refunds)."""
    points = loyalty_points_for(abs(amount)) * (1 if amount >= 0 else -1)
    Customer.objects.filter(pk=customer.pk).update(loyalty_points=F("loyalty_points") + points)
    return points
