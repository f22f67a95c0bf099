"""URLs of the orders service: health, OpenAPI, the JSON API, and the routes moved here."""

from django.urls import include, path, re_path  # noqa: F401

from service_project import api, stubs  # noqa: F401

handler500 = "service_project.api.server_error"

urlpatterns = [
    path("healthz/", api.health, name="health"),
    path("openapi.json", api.openapi_document, name="openapi"),
    path("_api/", include(api.urlpatterns)),
]

# Routes moved from the monolith (same paths, so the proxy can send them here unchanged).
urlpatterns += [
    path('api/orders/checkout/', stubs.stub_checkout_0),
]
