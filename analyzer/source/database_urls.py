"""Database URLs (``dj_database_url``, django-environ's ``env.db()``) -> a Django ``ENGINE``.

The scheme names the backend the way ``dj_database_url`` maps it; an unknown scheme gives None.
"""

from __future__ import annotations

_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "psql": "django.db.backends.postgresql",
    "postgis": "django.contrib.gis.db.backends.postgis",
    "mysql": "django.db.backends.mysql",
    "mysql2": "django.db.backends.mysql",
    "mysqlgis": "django.contrib.gis.db.backends.mysql",
    "mysql-connector": "mysql.connector.django",
    "sqlite": "django.db.backends.sqlite3",
    "spatialite": "django.contrib.gis.db.backends.spatialite",
    "oracle": "django.db.backends.oracle",
    "oraclegis": "django.contrib.gis.db.backends.oracle",
    "mssql": "mssql",
    "cockroach": "django_cockroachdb",
    "timescale": "timescale.db.backends.postgresql",
}


def engine_for_url(url: str) -> str | None:
    """The ``ENGINE`` a database URL such as ``sqlite:///db.sqlite3`` configures, or None."""
    scheme, separator, _ = url.partition("://")
    if not separator:
        return None
    return _ENGINES.get(scheme.lower().split("+", 1)[0])
