"""DATABASE_URL -> a Django DATABASES entry (no extra dependency).

Accepted: ``sqlite:///relative.db``, ``sqlite:////absolute/path.db``, a bare file path (SQLite),
``postgres://user:pass@host:5432/name`` (also ``postgresql://``), ``mysql://...``.
Query parameters become OPTIONS (e.g. ``?sslmode=require``).
"""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
}


class DatabaseUrlError(ValueError):
    """The URL names an unknown scheme or lacks a database name."""


def database_from_url(url: str | None, default_sqlite: Path | str) -> dict[str, Any]:
    """The DATABASES entry for ``url``; SQLite at ``default_sqlite`` when url is empty."""
    if not url:
        return {"ENGINE": ENGINES["sqlite"], "NAME": str(default_sqlite)}
    if "://" not in url:
        return {"ENGINE": ENGINES["sqlite"], "NAME": url}
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0].lower()
    if scheme not in ENGINES:
        raise DatabaseUrlError(f"unsupported database scheme {parts.scheme!r} in DATABASE_URL")
    if scheme == "sqlite":
        path = unquote(url.split("://", 1)[1].split("?", 1)[0])
        name = path[1:] if path.startswith("/") else path
        return {"ENGINE": ENGINES["sqlite"], "NAME": name or str(default_sqlite)}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise DatabaseUrlError("DATABASE_URL has no database name")
    return {
        "ENGINE": ENGINES[scheme],
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }
