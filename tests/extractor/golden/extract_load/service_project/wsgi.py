"""WSGI entry point of the billing service."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service_project.settings")
application = get_wsgi_application()
