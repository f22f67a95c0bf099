"""Order pages, mounted at ``/orders/``."""

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("history/", views.history, name="history"),
    path("checkout/", views.checkout, name="checkout"),
    path("cart/add/<str:sku>/", views.cart_add, name="cart_add"),
]
