"""Settings of the sample shop.

SQLite only. ``SHOP_DB_PATH`` overrides the database file (tests and demos use temp files);
``SHOP_DEBUG`` (``1``/``0``, default ``1``) switches debug mode.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A development constant: this project is a demo and test subject, never deployed as-is.
SECRET_KEY = "django-insecure-sample-monolith-dev-key-0f3b9c1e7a"

DEBUG = os.environ.get("SHOP_DEBUG", "1").lower() in {"1", "true", "yes", "on"}

ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "common",
    "catalog",
    "inventory",
    "customers",
    "orders",
    "payments",
    "shipping",
    "notifications.apps.NotificationsConfig",
    "reviews.apps.ReviewsConfig",
    "reporting",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "shop.wsgi.application"

# Runs the apps' tests.py files even when manage.py is started from another directory.
TEST_RUNNER = "shop.test_runner.ShopTestRunner"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SHOP_DB_PATH") or str(BASE_DIR / "db.sqlite3"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# The test suite logs users in often; a fast hasher keeps it quick. Never do this in production.
if len(sys.argv) > 1 and sys.argv[1] == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static_collected"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/orders/history/"
LOGOUT_REDIRECT_URL = "/catalog/"

# Mail stays in memory: notifications are "sent" without a mail server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "shop@shop.example"

# --- shop settings ------------------------------------------------------------------------------
SHOP_CURRENCY = "EUR"
SHOP_OPS_EMAIL = "ops@shop.example"
SHOP_FREE_SHIPPING_THRESHOLD = "120.00"
SHOP_LOYALTY_POINTS_PER_EURO = 1
# Background tasks run inline (no broker); failures are recorded, and re-raised when True.
SHOP_TASKS_EAGER_PROPAGATES = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"shop": {"handlers": ["console"], "level": "WARNING"}},
}
