"""URLs of the shipping service: health, OpenAPI, the JSON API, and the routes moved here."""

from django.urls import include, path, re_path  # noqa: F401

from service_project import api, stubs  # noqa: F401
import shipping.views

handler500 = "service_project.api.server_error"

urlpatterns = [
    path("healthz/", api.health, name="health"),
    path("openapi.json", api.openapi_document, name="openapi"),
    path("_api/", include(api.urlpatterns)),
]

# Routes moved from the monolith (same paths, so the proxy can send them here unchanged).
urlpatterns += [
    path("", include(([
        path('api/shipping/carriers/', shipping.views.api_carriers, name='carriers'),
        path('api/shipping/orders/<int:order_id>/', stubs.stub_api_order_shipments_1, name='order_shipments'),
        path('api/shipping/rates/', shipping.views.api_rates, name='rates'),
        path('api/shipping/track/<str:tracking_number>/', stubs.stub_api_tracking_3, name='track'),
    ], 'shipping_api'))),
]
