"""Shipping JSON API, mounted at ``/api/shipping/``."""

from django.urls import path

from shipping import views

app_name = "shipping_api"

urlpatterns = [
    path("rates/", views.api_rates, name="rates"),
    path("carriers/", views.api_carriers, name="carriers"),
    path("track/<str:tracking_number>/", views.api_tracking, name="track"),
    path("orders/<int:order_id>/", views.api_order_shipments, name="order_shipments"),
]
