"""Reviews JSON API: list and submit reviews of a product."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from catalog.models import Product
from common.http import api_errors, json_error, json_response, paginate, parse_json_body
from common.utils import iso
from customers.services import customer_for_user
from reviews.models import Review
from reviews.services import ReviewError, submit_review


def review_to_dict(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "author": review.customer.user.get_username(),
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "verified_purchase": review.is_verified_purchase,
        "created_at": iso(review.created_at),
    }


@csrf_exempt  # JSON API clients send no CSRF token (deliberate demo simplification)
@require_http_methods(["GET", "POST"])
@api_errors
def api_product_reviews(request: HttpRequest, slug: str) -> JsonResponse:
    """``GET`` a product's reviews; ``POST {"rating", "title", "body"}`` adds one (login)."""
    product = get_object_or_404(Product, slug=slug)
    if request.method == "POST":
        customer = customer_for_user(request.user)
        if customer is None:
            return json_error("authentication required", status=401)
        data = parse_json_body(request)
        try:
            review = submit_review(
                customer,
                product,
                rating=int(data.get("rating", 0)),
                title=str(data.get("title", "")),
                body=str(data.get("body", "")),
            )
        except (ReviewError, ValueError) as exc:
            return json_error(str(exc))
        return json_response(review_to_dict(review), status=201)
    reviews = Review.objects.filter(product=product).select_related("customer__user")
    items, meta = paginate(reviews.order_by("-created_at", "-id"), request)
    return json_response(
        {
            "product": product.slug,
            "rating_average": str(product.rating_average),
            "results": [review_to_dict(r) for r in items],
            **meta,
        }
    )
