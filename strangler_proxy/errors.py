"""Errors of the proxy, which is deployed alone and so has its own root.

    ProxyError
    └── RoutesError      the routes file is invalid (message names the file, key and line)
"""

from __future__ import annotations


class ProxyError(Exception):
    """Root of the errors the proxy reports to its operator."""


class RoutesError(ProxyError):
    """The routes file is invalid; the message names the file and the key or line."""
