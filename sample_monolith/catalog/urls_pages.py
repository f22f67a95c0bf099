"""HTML pages of the catalog, mounted at ``/catalog/``."""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("<slug:slug>/", views.product_page, name="product_detail"),
]
