"""The demo's user-facing failure, kept in :mod:`demonolith.errors` with every other exit code."""

from __future__ import annotations

from demonolith.errors import DemoFailure

__all__ = ["DemoFailure"]
