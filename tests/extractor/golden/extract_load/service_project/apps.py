"""App configs: the service project itself, and each monolith app whose models moved here.

Labels are the monolith's, so model labels, default table names and migrations line up.
"""

from django.apps import AppConfig


class ServiceProjectConfig(AppConfig):
    """Health, OpenAPI, identity, the data copy command."""

    name = "service_project"
    label = "service_project"
    default_auto_field = "django.db.models.BigAutoField"


class BillingConfig(AppConfig):
    """The monolith's "billing" app (models owned by billing)."""

    name = "billing"
    label = "billing"
    default_auto_field = "django.db.models.BigAutoField"
