"""Who may use the admin API: bearer tokens, each with an identity that the change log records.

Tokens come from ``--admin-token`` (identity ``cli``), the environment variable
``DEMONOLITH_ADMIN_TOKEN`` (identity ``env``) and the routes file's ``[admin] tokens = { NAME =
"..." }`` (identity ``NAME``). They are compared in constant time. An admin listener on an address
other than loopback must have at least one token, or the proxy refuses to start.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Mapping

from strangler_proxy.config.admin_tokens import MIN_TOKEN_LENGTH, Tokens
from strangler_proxy.errors import ProxyError

TOKEN_ENV = "DEMONOLITH_ADMIN_TOKEN"


def all_tokens(
    from_file: Tokens, cli_token: str | None, environ: Mapping[str, str] = os.environ
) -> Tokens:
    """Every accepted token: the command line's, the environment's and the routes file's."""
    found = list(from_file)
    for identity, value in (("cli", cli_token), ("env", environ.get(TOKEN_ENV))):
        if value:
            if len(value) < MIN_TOKEN_LENGTH:
                raise ProxyError(
                    f"admin token ({identity}) needs at least {MIN_TOKEN_LENGTH} characters")
            found.append((identity, value))
    return tuple(found)


def identify(tokens: Tokens, authorization: str | None) -> str | None:
    """The identity of the ``Authorization: Bearer`` token, or None (every token is compared)."""
    if not authorization:
        return None
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not given:
        return None
    found = None
    for identity, value in tokens:
        if hmac.compare_digest(value.encode(), given.strip().encode()):
            found = found or identity
    return found


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an admin listener's address) only accepts local connections."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_admin_exposure(host: str, tokens: Tokens) -> None:
    """Refuse an admin listener outside loopback without a token (raises ProxyError)."""
    if not tokens and not is_loopback(host):
        raise ProxyError(
            f"admin listener on {host} is not loopback: give an admin token "
            f"(--admin-token, {TOKEN_ENV} or [admin] tokens in the routes file)"
        )
