"""How the analyzer says what it is doing: named phases, their counts and what each found.

A run goes through ``listing``, ``reading`` (one item per file), ``resolving``, then ``graph``,
``partition`` and ``metrics`` (or ``analysis`` when the cached Analysis is reused); the CLI
adds ``report``. The analyzer calls a :class:`Phases` it is given and never prints; the CLI
draws them on a terminal (``demonolith/progress.py``). Imports nothing of ours.
"""

from __future__ import annotations

from typing import Protocol


class Phases(Protocol):
    """Receives the phases of a run as they happen."""

    def begin(self, phase: str, total: int = 0, work: int = 0) -> None:
        """``phase`` starts; ``total`` items of it are to be done (0: not counted), weighing
        ``work`` in all (e.g. bytes to parse; 0: every item weighs the same)."""

    def advance(self, count: int = 1, work: int = 0) -> None:
        """``count`` more items of the current phase are done, weighing ``work``."""

    def end(self, outcome: str) -> None:
        """The current phase is over; ``outcome`` says what it found (``133 files``)."""


class NoPhases:
    """The :class:`Phases` that shows nothing (a library call, a pipe, ``-q``)."""

    def begin(self, phase: str, total: int = 0, work: int = 0) -> None:
        """Nothing to show."""

    def advance(self, count: int = 1, work: int = 0) -> None:
        """Nothing to show."""

    def end(self, outcome: str) -> None:
        """Nothing to show."""
