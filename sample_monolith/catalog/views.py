"""Catalog views: JSON API and the two HTML pages (list, detail)."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from catalog.models import Category, Product, ProductQuerySet
from catalog.serializers import category_to_dict, product_detail, product_summary
from common.http import json_response, paginate
from inventory.services import available_quantities, available_quantity
from reviews.models import Review


def _filtered_products(request: HttpRequest) -> ProductQuerySet:
    products = Product.objects.active().select_related("category", "category__parent")
    category = request.GET.get("category")
    if category:
        products = products.in_category_tree(category)
    tag = request.GET.get("tag")
    if tag:
        products = products.filter(tags__slug=tag)
    query = request.GET.get("q")
    if query:
        products = products.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return products.order_by("name", "id").distinct()


@require_GET
def api_products(request: HttpRequest) -> JsonResponse:
    """``GET /api/catalog/products/?category=&tag=&q=&page=``"""
    items, meta = paginate(_filtered_products(request), request)
    return json_response({"results": [product_summary(p) for p in items], **meta})


@require_GET
def api_product_detail(request: HttpRequest, slug: str) -> JsonResponse:
    product = get_object_or_404(
        Product.objects.select_related("category").prefetch_related("tags"), slug=slug
    )
    return json_response(product_detail(product, available_quantity(product)))


@require_GET
def api_categories(request: HttpRequest) -> JsonResponse:
    categories = Category.objects.select_related("parent").order_by("position", "slug")
    return json_response({"results": [category_to_dict(c) for c in categories]})


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    """HTML catalog page with stock badges (from inventory)."""
    products = list(_filtered_products(request)[:60])
    stock = available_quantities([p.pk for p in products])
    rows = [(p, stock.get(p.pk, 0)) for p in products]
    context = {
        "rows": rows,
        "categories": Category.objects.filter(parent__isnull=True),
        "current_category": request.GET.get("category", ""),
    }
    return render(request, "catalog/product_list.html", context)


@require_GET
def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    """HTML product page: product, stock, and the latest reviews (from the reviews app)."""
    product = get_object_or_404(Product.objects.select_related("category"), slug=slug)
    reviews = (
        Review.objects.filter(product=product)
        .select_related("customer__user")
        .order_by("-created_at", "-id")[:10]
    )
    context = {"product": product, "available": available_quantity(product), "reviews": reviews}
    return render(request, "catalog/product_detail.html", context)
