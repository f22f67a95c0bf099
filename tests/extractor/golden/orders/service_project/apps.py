"""App configs: the service project itself, and each monolith app whose models moved here.

Labels are the monolith's, so model labels, default table names and migrations line up.
"""

from django.apps import AppConfig


class ServiceProjectConfig(AppConfig):
    """Health, OpenAPI, identity, shadow requests, the data copy command."""

    name = "service_project"
    label = "service_project"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_migrate

        from service_project.db_objects import create_database_objects, register_sqlite_collations
        from service_project.shadow import hold_back_tasks

        hold_back_tasks()  # a shadow request sends no Celery task

        # every app's pre_migrate (this one has no models, so it gets none); idempotent DDL
        pre_migrate.connect(create_database_objects, dispatch_uid="service_project.create_database_objects")
        connection_created.connect(register_sqlite_collations,
                                   dispatch_uid="service_project.register_sqlite_collations")


class OrdersConfig(AppConfig):
    """The monolith's "orders" app (models owned by orders)."""

    name = "orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"
