"""Orders JSON API, mounted at ``/api/orders/``."""

from django.urls import path

from orders import views

app_name = "orders_api"

urlpatterns = [
    path("", views.api_orders, name="list"),
    path("cart/", views.api_cart, name="cart"),
    path("checkout/", views.api_checkout, name="checkout"),
    path("<int:order_id>/", views.api_order_detail, name="detail"),
    path("<int:order_id>/refund/", views.api_refund, name="refund"),
    path("by-category/<slug:slug>/", views.api_orders_by_category, name="by_category"),
]
