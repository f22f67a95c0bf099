"""Infrastructure endpoints, mounted at ``/internal/``."""

from django.urls import path

from customers import views

urlpatterns = [
    path("whoami/", views.whoami, name="whoami"),
]
