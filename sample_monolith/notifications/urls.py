"""Notifications JSON API, mounted at ``/api/notifications/``."""

from django.urls import path

from notifications import views

app_name = "notifications_api"

urlpatterns = [
    path("", views.api_notifications, name="list"),
]
