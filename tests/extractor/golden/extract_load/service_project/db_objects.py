"""Database objects the monolith's migrations created and this service's tables need.

Created before this service's migrations run (``pre_migrate``), on PostgreSQL: collations named
by a field's ``db_collation`` and the extensions the monolith's migrations create. On SQLite (the
default for development) each collation is registered on every new connection instead: a
non-deterministic one compares case-folded text, the others plain text (an approximation of ICU).
"""

from typing import Any

from django.db import connections

COLLATIONS: tuple[dict[str, Any], ...] = (
)
EXTENSIONS: tuple[str, ...] = []


def create_database_objects(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """``CREATE EXTENSION`` / ``CREATE COLLATION ... IF NOT EXISTS`` on a PostgreSQL database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for extension in EXTENSIONS:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {quote(extension)}")
        for c in COLLATIONS:
            locale = "'" + c["locale"].replace("'", "''") + "'"  # DDL takes no bound parameters
            options = [f"provider = {c['provider']}", f"locale = {locale}"]
            if not c["deterministic"]:
                options.append("deterministic = false")
            cursor.execute(f"CREATE COLLATION IF NOT EXISTS {quote(c['name'])} ({', '.join(options)})")


def _sqlite_compare(deterministic: bool) -> Any:
    def compare(a: str, b: str) -> int:
        if not deterministic:
            a, b = a.casefold(), b.casefold()
        return (a > b) - (a < b)

    return compare


def register_sqlite_collations(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """``connection_created``: the collations on a new SQLite connection."""
    if connection is not None and connection.vendor == "sqlite":
        for c in COLLATIONS:
            connection.connection.create_collation(c["name"], _sqlite_compare(c["deterministic"]))
