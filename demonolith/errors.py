"""The CLI's errors, and the one place any of our exceptions becomes a user error.

The root and the errors the libraries raise live in :mod:`analyzer.errors` (the bottom layer,
so that ``reports`` and ``extractor`` can raise them); the errors only the CLI raises live here.
``strangler_proxy`` is deployed alone and has its own root, ``ProxyError``: :func:`user_error`
wraps it into :class:`ProxyFailure`, so commands let it propagate.

    DemonolithError (1)           analyzer.errors
    ├── UsageError (2)            here: bad command-line arguments or combinations
    ├── ConfigError (3)           analyzer.errors: invalid [tool.demonolith] / demonolith.toml
    ├── SourceTreeError (4)       analyzer.errors: the tree to analyse is missing or unreadable
    ├── AnalysisFileError (5)     analyzer.errors: analysis.json missing, invalid or of another version
    ├── StrictModeFailure (6)     here: --strict and the analysis produced warnings
    ├── ExtractError (7)          analyzer.errors: extract cannot proceed (unknown service, ...)
    └── ProxyFailure (8)          here: the proxy refused to start or to change (wraps ProxyError)
"""

from __future__ import annotations

import sys

from analyzer.errors import (
    AnalysisFileError,
    ConfigError,
    DemonolithError,
    ExtractError,
    SourceTreeError,
)


class UsageError(DemonolithError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class StrictModeFailure(DemonolithError):
    """``--strict`` was given and the analysis produced warnings."""

    exit_code = 6


class ProxyFailure(DemonolithError):
    """The proxy could not start, its routes file is invalid, or the admin API refused a change."""

    exit_code = 8


def user_error(exc: BaseException) -> DemonolithError | None:
    """``exc`` as the user error it stands for (a ``ProxyError`` as :class:`ProxyFailure`), or None
    when it is a bug. The proxy's module is looked up, not imported: no ``ProxyError`` can have
    been raised unless the proxy was loaded, and ``demonolith --help`` must not load it."""
    if isinstance(exc, DemonolithError):
        return exc
    proxy_errors = sys.modules.get("strangler_proxy.errors")
    if proxy_errors is not None and isinstance(exc, proxy_errors.ProxyError):
        failure = ProxyFailure(str(exc))
        failure.__cause__ = exc
        return failure
    return None


__all__ = [
    "AnalysisFileError",
    "ConfigError",
    "DemonolithError",
    "ExtractError",
    "ProxyFailure",
    "SourceTreeError",
    "StrictModeFailure",
    "UsageError",
    "user_error",
]
