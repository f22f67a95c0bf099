"""The routes file's ``[admin] tokens = { NAME = "..." }`` table: who may use the admin API.

Only reading and checking the file's tokens lives here (the routes file is read in this package);
accepting a token at request time is :mod:`strangler_proxy.admin.auth`.
"""

from __future__ import annotations

from strangler_proxy.config.tables import Table

MIN_TOKEN_LENGTH = 16
Tokens = tuple[tuple[str, str], ...]


def admin_tokens(table: Table | None) -> Tokens:
    """The routes file's ``[admin] tokens`` table as ``((identity, token), ...)``, sorted."""
    if table is None:
        return ()
    tokens = table.table("tokens")
    table.finish()
    if tokens is None:
        return ()
    found = []
    for name in tokens.names():
        value = tokens.string(name)
        assert value is not None
        if len(value) < MIN_TOKEN_LENGTH:
            raise tokens.error(name, f"an admin token needs at least {MIN_TOKEN_LENGTH} characters")
        found.append((name, value))
    tokens.finish()
    return tuple(sorted(found))
