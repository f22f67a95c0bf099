"""Submitting reviews and keeping the catalog's rating columns in step."""

from decimal import Decimal

from django.db.models import Avg, Count

from catalog.models import Product
from customers.models import Customer
from orders.models import Order, OrderLine
from reviews.models import Review

PURCHASED = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


class ReviewError(Exception):
    pass


def has_purchased(customer: Customer, product: Product) -> bool:
    """Did the customer buy the product (and keep it)? Reads the orders app's tables."""
    return OrderLine.objects.filter(
        order__customer=customer, product=product, order__status__in=PURCHASED
    ).exists()


def submit_review(
    customer: Customer, product: Product, *, rating: int, title: str, body: str = ""
) -> Review:
    if not 1 <= rating <= 5:
        raise ReviewError("rating must be between 1 and 5")
    if not title.strip():
        raise ReviewError("a title is required")
    if Review.objects.filter(customer=customer, product=product).exists():
        raise ReviewError("you already reviewed this product")
    return Review.objects.create(
        product=product,
        customer=customer,
        rating=rating,
        title=title.strip(),
        body=body.strip(),
        is_verified_purchase=has_purchased(customer, product),
    )


def refresh_product_rating(product_id: int) -> None:
    """Write the average rating and count into ``catalog_product`` (a cross-app write)."""
    stats = Review.objects.filter(product_id=product_id).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = Decimal(str(stats["average"] or 0)).quantize(Decimal("0.01"))
    Product.objects.filter(pk=product_id).update(
        rating_average=average, review_count=stats["count"]
    )
