"""Payments JSON API, mounted at ``/api/payments/``."""

from django.urls import path

from payments import views

app_name = "payments_api"

urlpatterns = [
    path("", views.api_payments, name="list"),
    path("<str:reference>/", views.api_payment_detail, name="detail"),
]
