"""The CLI's view of the error hierarchy, re-exported from :mod:`analyzer.errors`."""

from analyzer.errors import (
    AnalysisFileError,
    ConfigError,
    DemonolithError,
    ExtractError,
    NotDjangoProject,
    ProxyFailure,
    SourceTreeError,
    StrictModeFailure,
    UsageError,
)

__all__ = [
    "AnalysisFileError",
    "ConfigError",
    "DemonolithError",
    "ExtractError",
    "NotDjangoProject",
    "ProxyFailure",
    "SourceTreeError",
    "StrictModeFailure",
    "UsageError",
]
