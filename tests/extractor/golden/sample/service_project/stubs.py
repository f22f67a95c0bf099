"""Views whose monolith code needs other services: each answers 501 and lists what it needs.

Replace each stub with code that calls the owning service's API (its generated client), then
remove it from STUBS. The proxy keeps sending these routes to the monolith until you do.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse

STUBS: dict[str, dict[str, Any]] = {
    "stub_api_order_shipments_1": {
        "view": "shipping.views.api_order_shipments",
        "route": "/api/shipping/orders/<int:order_id>/",
        "needs": [
            "shipping/views.py:20: order -> relation 'order' (now an ID) (service orders)",
            "shipping/views.py:28: address -> relation 'address' (now an ID) (service customers)",
            ('shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads '
 'customers.Address (lookup through shipping.Shipment) (service customers)'),
            ('shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads '
 'customers.Customer (lookup through shipping.Shipment) (service customers)'),
            ('shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads '
 'orders.Order (lookup through shipping.Shipment) (service orders)'),
            "shipping/views.py:78: address -> relation 'address' (now an ID) (service customers)",
            "shipping/views.py:78: order__customer -> relation 'order' (now an ID) (service orders)",
            "shipping/views.py:81: order__customer__user -> relation 'order' (now an ID) (service orders)",
        ],
    },
    "stub_api_tracking_3": {
        "view": "shipping.views.api_tracking",
        "route": "/api/shipping/track/<str:tracking_number>/",
        "needs": [
            "shipping/views.py:20: order -> relation 'order' (now an ID) (service orders)",
            "shipping/views.py:28: address -> relation 'address' (now an ID) (service customers)",
            "shipping/views.py:67: address -> relation 'address' (now an ID) (service customers)",
            ('shipping/views.py:67: data: cross-service-query -> shipping.views.api_tracking reads '
 'customers.Address (lookup through shipping.Shipment) (service customers)'),
            ('shipping/views.py:67: data: cross-service-query -> shipping.views.api_tracking reads '
 'orders.Order (lookup through shipping.Shipment) (service orders)'),
            "shipping/views.py:67: order -> relation 'order' (now an ID) (service orders)",
        ],
    },
}


def _stub(name: str) -> Any:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        info = STUBS[name]
        body = {"error": f"{info['view']} is not implemented in this service yet", **info}
        return JsonResponse(body, status=501)

    view.__name__ = name
    view.__doc__ = f"Stub for {STUBS[name]['view']}: needs " + "; ".join(STUBS[name]["needs"])
    return view


# shipping.views.api_order_shipments (/api/shipping/orders/<int:order_id>/) needs:
#   shipping/views.py:20: order -> relation 'order' (now an ID) (service orders)
#   shipping/views.py:28: address -> relation 'address' (now an ID) (service customers)
#   shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads customers.Address (lookup through shipping.Shipment) (service customers)
#   shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads customers.Customer (lookup through shipping.Shipment) (service customers)
#   shipping/views.py:77: data: cross-service-query -> shipping.views.api_order_shipments reads orders.Order (lookup through shipping.Shipment) (service orders)
#   shipping/views.py:78: address -> relation 'address' (now an ID) (service customers)
#   shipping/views.py:78: order__customer -> relation 'order' (now an ID) (service orders)
#   shipping/views.py:81: order__customer__user -> relation 'order' (now an ID) (service orders)
stub_api_order_shipments_1 = _stub("stub_api_order_shipments_1")

# shipping.views.api_tracking (/api/shipping/track/<str:tracking_number>/) needs:
#   shipping/views.py:20: order -> relation 'order' (now an ID) (service orders)
#   shipping/views.py:28: address -> relation 'address' (now an ID) (service customers)
#   shipping/views.py:67: address -> relation 'address' (now an ID) (service customers)
#   shipping/views.py:67: data: cross-service-query -> shipping.views.api_tracking reads customers.Address (lookup through shipping.Shipment) (service customers)
#   shipping/views.py:67: data: cross-service-query -> shipping.views.api_tracking reads orders.Order (lookup through shipping.Shipment) (service orders)
#   shipping/views.py:67: order -> relation 'order' (now an ID) (service orders)
stub_api_tracking_3 = _stub("stub_api_tracking_3")
