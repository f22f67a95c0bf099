"""Plain-dict renderings of catalog objects for the JSON API."""

from typing import Any

from catalog.models import Category, Product
from common.money import money_str


def category_to_dict(category: Category) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "parent": category.parent.slug if category.parent_id else None,
        "description": category.description,
    }


def product_summary(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk,
        "sku": product.sku,
        "slug": product.slug,
        "name": product.name,
        "price": money_str(product.price),
        "category": product.category.slug,
        "rating_average": str(product.rating_average),
        "review_count": product.review_count,
    }


def product_detail(product: Product, available: int) -> dict[str, Any]:
    data = product_summary(product)
    data.update(
        {
            "description": product.description,
            "weight_grams": product.weight_grams,
            "tags": sorted(tag.slug for tag in product.tags.all()),
            "available": available,
            "in_stock": available > 0,
        }
    )
    return data
