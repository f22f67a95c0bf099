"""Inventory JSON API, mounted at ``/api/inventory/``."""

from django.urls import path

from inventory import views

app_name = "inventory_api"

urlpatterns = [
    path("stock/<str:sku>/", views.api_stock, name="stock"),
    path("warehouses/", views.api_warehouses, name="warehouses"),
    path("low-stock/", views.api_low_stock, name="low_stock"),
]
