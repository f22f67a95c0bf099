"""Customer JSON API, mounted at ``/api/customers/``."""

from django.urls import path

from customers import views

app_name = "customers_api"

urlpatterns = [
    path("me/", views.api_me, name="me"),
    path("login/", views.api_login, name="login"),
    path("logout/", views.api_logout, name="logout"),
    path("wishlist/", views.api_wishlist, name="wishlist"),
]
