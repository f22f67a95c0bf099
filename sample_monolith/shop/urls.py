"""Root URLconf: every app's routes are included under a prefix.

JSON APIs live under ``/api/<app>/``, HTML pages under ``/<app>/``, and ``/internal/`` holds the
endpoints the strangler proxy calls (identity resolution).
"""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from common import views as common_views

urlpatterns = [
    path("", RedirectView.as_view(url="/catalog/", permanent=False), name="home"),
    path("healthz/", common_views.health, name="health"),
    path("admin/", admin.site.urls),
    # HTML pages
    path("accounts/", include("customers.urls_pages")),
    path("catalog/", include("catalog.urls_pages")),
    path("orders/", include("orders.urls_pages")),
    # JSON APIs
    path("api/catalog/", include("catalog.urls")),
    path("api/inventory/", include("inventory.urls")),
    path("api/customers/", include("customers.urls")),
    path("api/orders/", include("orders.urls")),
    path("api/payments/", include("payments.urls")),
    path("api/shipping/", include("shipping.urls")),
    path("api/notifications/", include("notifications.urls")),
    path("api/reviews/", include("reviews.urls")),
    path("api/reporting/", include("reporting.urls")),
    # Endpoints for infrastructure (the strangler proxy), not for browsers
    path("internal/", include("customers.urls_internal")),
]
