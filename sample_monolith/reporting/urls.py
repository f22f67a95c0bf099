"""Reporting JSON API, mounted at ``/api/reporting/``."""

from django.urls import path

from reporting import views

app_name = "reporting_api"

urlpatterns = [
    path("sales/", views.api_sales, name="sales"),
    path("sales/by-category/", views.api_sales_by_category, name="sales_by_category"),
    path("sales/daily/", views.api_daily, name="daily"),
    path("products/top/", views.api_top_products, name="top_products"),
    path("customers/top/", views.api_top_customers, name="top_customers"),
    path("stock/cover/", views.api_stock_cover, name="stock_cover"),
    path("orders/delayed/", views.api_delayed_orders, name="delayed_orders"),
]
