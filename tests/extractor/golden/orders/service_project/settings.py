"""Settings of the orders service.

SQLite by default (``db.sqlite3`` next to manage.py); set ``DATABASE_URL`` for another engine
(postgres://, mysql://, sqlite:///path). ``DEMONOLITH_IDENTITY_SECRET`` is the secret shared with the
strangler proxy for the signed identity header, ``DEMONOLITH_SHADOW_SECRET`` the one for its shadow
marker (shadow requests are rolled back, ``service_project/shadow.py``; see README.md).
"""

import os
from pathlib import Path

from service_project.dburl import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-orders-dev-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "0").lower() in {"1", "true", "yes", "on"}
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",") if h]

INSTALLED_APPS = [
    "service_project.apps.ServiceProjectConfig",
    "service_project.apps.OrdersConfig",
]

MIDDLEWARE = [
    "service_project.shadow.ShadowMiddleware",  # first: a shadow request runs, then rolls back
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # the moved browser routes; /_api/ is token-based
    "service_project.identity.IdentityMiddleware",
]

ROOT_URLCONF = "service_project.urls"
WSGI_APPLICATION = "service_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL"), BASE_DIR / "db.sqlite3"),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# Identity forwarded by the strangler proxy: HMAC-SHA256, shared secret, short expiry.
DEMONOLITH_IDENTITY_SECRET = os.environ.get("DEMONOLITH_IDENTITY_SECRET", "")
DEMONOLITH_IDENTITY_MAX_AGE = int(os.environ.get("DEMONOLITH_IDENTITY_MAX_AGE", "60"))
# /_api/ answers a signed identity (above) or ``Authorization: Bearer <this token>``; unset: identity only.
DEMONOLITH_SERVICE_TOKEN = os.environ.get("DEMONOLITH_SERVICE_TOKEN", "")
DEMONOLITH_SERVICE_NAME = "orders"
# Shadow copies from the proxy carry a marker signed with this key; without it they are refused.
DEMONOLITH_SHADOW_SECRET = os.environ.get("DEMONOLITH_SHADOW_SECRET", "")

# E-mail goes through the shadow-aware backend, which sends with DEMONOLITH_EMAIL_BACKEND (nothing
# from a shadow request).
DEMONOLITH_EMAIL_BACKEND = os.environ.get(
    "DEMONOLITH_EMAIL_BACKEND",
    globals().get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"))
EMAIL_BACKEND = "service_project.shadow.ShadowEmailBackend"
