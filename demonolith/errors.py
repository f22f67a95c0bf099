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
    │   └── RoutesLeftInMonolith (17)  analyzer.errors: written, but planned routes were left out
    ├── ProxyFailure (8)          here: the proxy refused to start or to change (wraps ProxyError)
    ├── DemoFailure (9)           here: a step of `demo` failed (raised in demonolith.demo)
    ├── DemoChecksFailed (10)     here: `demo` ran but one of its checks failed
    ├── CrossingsGrew (11)        here: `check` found crossings the baseline did not have
    ├── BaselineMismatch (12)     here: `check`'s PATH is not the project of --against
    ├── SyncError (14)            datasync.errors: live sync cannot capture or relay
    │   └── OutboxReplaced (18)   datasync.errors: the outbox was created again under the mark
    ├── ParityDrift (15)          here: `parity` found rows that differ outside the sync window
    └── MissingDependency (16)    analyzer.errors: a command's optional dependency (Django) is missing

Besides these, 0 is success, 2 is also click's own usage errors (unknown option, ...), 130 is an
interrupt, and an unexpected bug exits 1 with a traceback. :func:`exit_code_rows` is the whole
table; the README's exit-code table is checked against it (``tests/demonolith/test_cli.py``).
"""

from __future__ import annotations

import sys

from analyzer.errors import (
    AnalysisFileError,
    ConfigError,
    DemonolithError,
    ExtractError,
    MissingDependency,
    NotDjangoProject,
    RoutesLeftInMonolith,
    SourceTreeError,
)
from datasync.errors import OutboxReplaced, SyncError


class UsageError(DemonolithError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class StrictModeFailure(DemonolithError):
    """``--strict`` was given and the analysis produced warnings."""

    exit_code = 6


class ProxyFailure(DemonolithError):
    """The proxy could not start, its routes file is invalid, or the admin API refused a change."""

    exit_code = 8


class DemoFailure(DemonolithError):
    """A step of ``demonolith demo`` failed (a process did not start, a command failed, ...)."""

    exit_code = 9


class DemoChecksFailed(DemonolithError):
    """``demo``: the walkthrough ran, but one of its checks failed (see the report)."""

    exit_code = 10


class CrossingsGrew(DemonolithError):
    """``check``: the code crosses the baseline's boundaries more than it did."""

    exit_code = 11


class BaselineMismatch(DemonolithError):
    """``check``: the tree is not the baseline's project (too few of its modules are found)."""

    exit_code = 12


class ParityDrift(DemonolithError):
    """``parity``: a service-owned table differs between the two sides outside the sync window."""

    exit_code = 15


# The codes that are no DemonolithError: (code, what, meaning).
OTHER_EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (0, "", "Success (``check``: no crossing was added)."),
    (1, "a bug", "Unexpected: a traceback is printed; please report it."),
    (2, "click", "Unknown option or command, missing or invalid argument."),
    (130, "", "Interrupted (Ctrl-C)."),
)
# The root's docstring says what it is; the table says when it is the exit code.
_ROOT_MEANING = "Any other user error (one line on stderr; ``--debug`` shows the traceback)."


def _error_classes(cls: type[DemonolithError] = DemonolithError) -> list[type[DemonolithError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _error_classes(child))]


def exit_code_rows() -> list[tuple[int, str, str]]:
    """Every exit code of ``demonolith``: (code, what, meaning), by code. An error's ``what`` is
    its class name in backquotes and its meaning the first line of its docstring."""
    rows = [(cls.exit_code, f"`{cls.__name__}`",
             _ROOT_MEANING if cls is DemonolithError else (cls.__doc__ or "").strip().splitlines()[0])
            for cls in _error_classes() if cls.__module__ in {"analyzer.errors", "datasync.errors", __name__}]
    return sorted([*rows, *OTHER_EXIT_CODES])


def exit_codes_markdown() -> str:
    """The README's exit-code table (``python -m demonolith.errors`` prints it)."""
    lines = ["| Code | Error | Meaning |", "| ---: | --- | --- |"]
    lines += [f"| {code} | {what} | {meaning.replace('``', '`')} |"
              for code, what, meaning in exit_code_rows()]
    return "\n".join(lines) + "\n"


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
    "BaselineMismatch",
    "ConfigError",
    "CrossingsGrew",
    "DemoChecksFailed",
    "DemoFailure",
    "DemonolithError",
    "ExtractError",
    "MissingDependency",
    "NotDjangoProject",
    "OutboxReplaced",
    "ParityDrift",
    "ProxyFailure",
    "RoutesLeftInMonolith",
    "SourceTreeError",
    "StrictModeFailure",
    "SyncError",
    "UsageError",
    "exit_code_rows",
    "exit_codes_markdown",
    "user_error",
]


if __name__ == "__main__":
    print(exit_codes_markdown(), end="")
