"""JSON API of the catalog, mounted at ``/api/catalog/``."""

from django.urls import path

from catalog import views

app_name = "catalog_api"

urlpatterns = [
    path("products/", views.api_products, name="products"),
    path("products/<slug:slug>/", views.api_product_detail, name="product"),
    path("categories/", views.api_categories, name="categories"),
]
