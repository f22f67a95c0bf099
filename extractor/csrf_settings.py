"""The monolith's CSRF settings, so the moved browser routes check the token the monolith issued.

A form the monolith rendered posts its CSRF cookie and token to a route the proxy now sends to the
service; Django's ``CsrfViewMiddleware`` there accepts them only with the monolith's cookie and
header names and trusted origins. Those resolved values (read in the monolith's environment) that
differ from Django's defaults are written into the service's settings. A monolith that keeps the
token in its session (``CSRF_USE_SESSIONS``) cannot be checked by a service without that session:
that is reported, never copied.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from django.conf import global_settings

COPIED = ("CSRF_COOKIE_NAME", "CSRF_HEADER_NAME", "CSRF_TRUSTED_ORIGINS", "CSRF_COOKIE_DOMAIN",
          "CSRF_COOKIE_PATH", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE")
REPORTED = ("CSRF_USE_SESSIONS",)
READ = (*COPIED, *REPORTED)


def csrf_lines(resolved: Mapping[str, str]) -> list[str]:
    """``NAME = value`` for each copied setting whose resolved value (a ``repr``) is not Django's
    default, sorted."""
    lines = []
    for name in COPIED:
        if name in resolved and ast.literal_eval(resolved[name]) != getattr(global_settings, name):
            lines.append(f"{name} = {resolved[name]}")
    return sorted(lines)


def csrf_warnings(resolved: Mapping[str, str]) -> list[str]:
    """What keeps the service from checking the monolith's CSRF tokens."""
    if resolved.get("CSRF_USE_SESSIONS") == "True":
        return ["CSRF_USE_SESSIONS = True in the monolith: its CSRF token lives in the session, which "
                "this service does not read, so moved routes that accept POST answer 403 until the "
                "monolith keeps the token in its cookie"]
    return []
