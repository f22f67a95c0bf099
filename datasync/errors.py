"""The errors of live sync, in the tool's one hierarchy (``demonolith/errors.py`` lists the codes)."""

from __future__ import annotations

from analyzer.errors import DemonolithError


class SyncError(DemonolithError):
    """Live sync cannot proceed: a table is missing or has no one-column key, or a database fails."""

    exit_code = 14


class OutboxReplaced(SyncError):
    """`sync run`: the source's outbox was created again under the target's high-water mark.

    Relaying would skip the new outbox's first changes silently, so the relay stops."""

    exit_code = 18
