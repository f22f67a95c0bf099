"""The one exception hierarchy for everything a user can cause.

Every error a user can provoke (a bad path, a broken config, an invalid analysis file) is a
``DemonolithError`` subclass carrying its own exit code; the CLI turns it into one line on stderr.
It lives in the analyzer, the bottom layer, so that ``reports`` and ``extractor`` can raise it too.
``strangler_proxy`` is deployed alone and has its own root (``strangler_proxy.errors.ProxyError``),
which the CLI wraps into ``ProxyFailure``. The errors only the CLI raises (``UsageError`` (2),
``StrictModeFailure`` (6), ``ProxyFailure`` (8)) live in ``demonolith/errors.py``.

    DemonolithError (1)
    ├── ConfigError (3)           invalid [tool.demonolith] / demonolith.toml
    ├── SourceTreeError (4)       the tree to analyse is missing, not readable or empty
    │   └── NotDjangoProject (13) no settings module and no models under it
    ├── AnalysisFileError (5)     analysis.json missing, invalid or of another schema version
    ├── ExtractError (7)          extract cannot proceed (unknown service, unsafe path, ...)
    └── MissingDependency (16)    an optional dependency a command needs is not installed
"""

from __future__ import annotations

import importlib.util


class DemonolithError(Exception):
    """Root of all errors a user can cause; ``exit_code`` is what the process exits with."""

    exit_code = 1


class ConfigError(DemonolithError):
    """The project configuration is invalid; the message names the key."""

    exit_code = 3


class SourceTreeError(DemonolithError):
    """The tree to analyse does not exist or cannot be read."""

    exit_code = 4


class NotDjangoProject(SourceTreeError):
    """The tree holds Python code but no Django settings module and no models."""

    exit_code = 13


class AnalysisFileError(DemonolithError):
    """An analysis.json file is missing, malformed or of an unsupported schema version."""

    exit_code = 5


class ExtractError(DemonolithError):
    """Extraction cannot proceed: unknown service, unsafe path or similar."""

    exit_code = 7


class RoutesLeftInMonolith(ExtractError):
    """`extract`: the service was written and self-checked, but planned routes were left out."""

    exit_code = 17


class MissingDependency(DemonolithError):
    """A command needs an optional dependency that is not installed; the message names the extra."""

    exit_code = 16


def require_module(module: str, extra: str, needed_by: str, name: str = "") -> None:
    """Raise :class:`MissingDependency` when ``module`` (``name`` to the user) cannot be imported:
    ``needed_by`` needs it, demonolith's ``extra`` installs it (``analyze`` and the rest need none)."""
    if importlib.util.find_spec(module) is None:
        name = name or module
        raise MissingDependency(
            f"{needed_by} needs {name}, which is not installed here: pip install 'demonolith[{extra}]'"
            f" (or install demonolith into the monolith's environment, where {name} is)")
