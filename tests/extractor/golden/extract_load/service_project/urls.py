"""URLs of the billing service: health, OpenAPI, the JSON API, and the routes moved here."""

from django.urls import include, path, re_path  # noqa: F401

from service_project import api, stubs  # noqa: F401
import billing.views

handler500 = "service_project.api.server_error"

urlpatterns = [
    path("healthz/", api.health, name="health"),
    path("openapi.json", api.openapi_document, name="openapi"),
    path("_api/", include(api.urlpatterns)),
]

# Routes moved from the monolith (same paths, so the proxy can send them here unchanged).
urlpatterns += [
    path('billing/invoices/', billing.views.invoice_list, name='invoice-list'),
]
