"""The demo's user-facing failure: a step of the walkthrough could not be done."""

from __future__ import annotations

from demonolith.errors import DemonolithError


class DemoFailure(DemonolithError):
    """A step of ``demonolith demo`` failed (a process did not start, a command failed, ...)."""

    exit_code = 9
