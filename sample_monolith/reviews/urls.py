"""Reviews JSON API, mounted at ``/api/reviews/``."""

from django.urls import path

from reviews import views

app_name = "reviews_api"

urlpatterns = [
    path("products/<slug:slug>/", views.api_product_reviews, name="product_reviews"),
]
