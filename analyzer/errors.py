"""The one exception hierarchy for everything a user can cause.

Every error a user can provoke (a bad path, a broken config, an invalid analysis file) is a
``DemonolithError`` subclass carrying its own exit code; the CLI turns it into one line on stderr.
It lives in the analyzer, the bottom layer, so that ``reports`` and ``extractor`` can raise it too.
``strangler_proxy`` is deployed alone and has its own root (``strangler_proxy.errors.ProxyError``),
which the CLI wraps into :class:`ProxyFailure`.

    DemonolithError (1)
    ├── UsageError (2)            bad command-line arguments or combinations
    ├── ConfigError (3)           invalid [tool.demonolith] / demonolith.toml
    ├── SourceTreeError (4)       the tree to analyse is missing, not readable or empty
    │   └── NotDjangoProject (11) no settings module and no models under it
    ├── AnalysisFileError (5)     analysis.json missing, invalid or of another schema version
    ├── StrictModeFailure (6)     --strict and the analysis produced warnings
    ├── ExtractError (7)          extract cannot proceed (unknown service, unsafe path, ...)
    └── ProxyFailure (8)          the proxy refused to start (wraps ProxyError)
"""

from __future__ import annotations


class DemonolithError(Exception):
    """Root of all errors a user can cause; ``exit_code`` is what the process exits with."""

    exit_code = 1


class UsageError(DemonolithError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class ConfigError(DemonolithError):
    """The project configuration is invalid; the message names the key."""

    exit_code = 3


class SourceTreeError(DemonolithError):
    """The tree to analyse does not exist or cannot be read."""

    exit_code = 4


class NotDjangoProject(SourceTreeError):
    """The tree holds Python code but no Django settings module and no models."""

    exit_code = 11


class AnalysisFileError(DemonolithError):
    """An analysis.json file is missing, malformed or of an unsupported schema version."""

    exit_code = 5


class StrictModeFailure(DemonolithError):
    """``--strict`` was given and the analysis produced warnings."""

    exit_code = 6


class ExtractError(DemonolithError):
    """Extraction cannot proceed: unknown service, unsafe path or similar."""

    exit_code = 7


class ProxyFailure(DemonolithError):
    """The proxy could not start or its routes file is invalid."""

    exit_code = 8
