"""The analyzer's phases on a terminal: one line per phase on stderr, redrawn while it counts.

``reading 120/485 files, 1.2 s, ~3 s left`` is redrawn in place (at most ten times a second)
while a counted phase runs; when the phase ends its line is replaced by what it found and how
long it took (``reading: 485 files (480 from the cache), 1.3 s``) and kept. Only on a terminal
and without ``-q``: :func:`terminal_phases` gives :class:`analyzer.progress.NoPhases` otherwise,
and clears a phase's unfinished line when the run stops with an error (which then prints alone).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from analyzer.progress import NoPhases, Phases

_REDRAW_EVERY = 0.1  # seconds
_ESTIMATE_AFTER = 0.5  # seconds into a phase before a time left is shown
_CLEAR = "\r\x1b[K"


class TerminalPhases:
    """Draws each phase on ``stream`` (a terminal); ``clock`` is injectable for tests."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.phase, self.total, self.done = "", 0, 0
        self.started = self.drawn = 0.0
        self.running = False

    def begin(self, phase: str, total: int = 0) -> None:
        """Start a phase and draw its line."""
        self.phase, self.total, self.done, self.running = phase, total, 0, True
        self.started = self.clock()
        self._draw(self.started)

    def advance(self, count: int = 1) -> None:
        """Count ``count`` items; redraw when the last drawing is old enough."""
        self.done += count
        now = self.clock()
        if now - self.drawn >= _REDRAW_EVERY:
            self._draw(now)

    def end(self, outcome: str) -> None:
        """Replace the phase's line by what it found and its time, and keep it."""
        elapsed = self.clock() - self.started
        self.running = False
        self.stream.write(f"{_CLEAR}{self.phase}: {outcome}, {elapsed:.1f} s\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the line of a phase that did not end (the run stopped in it)."""
        if self.running:
            self.running = False
            self.stream.write(_CLEAR)
            self.stream.flush()

    def _draw(self, now: float) -> None:
        self.drawn = now
        self.stream.write(_CLEAR + running_line(self.phase, self.done, self.total, now - self.started))
        self.stream.flush()


def running_line(phase: str, done: int, total: int, elapsed: float) -> str:
    """The line of a phase still running: its count and, once it has run a while, the time left
    at the rate so far."""
    if not total:
        return f"{phase} ..."
    line = f"{phase} {done}/{total}, {elapsed:.1f} s"
    if done and elapsed >= _ESTIMATE_AFTER and done < total:
        left = elapsed / done * (total - done)
        line += f", ~{left:.0f} s left" if left >= 10 else f", ~{left:.1f} s left"
    return line


@contextmanager
def terminal_phases(stream: TextIO, quiet: bool) -> Iterator[Phases]:
    """:class:`TerminalPhases` when ``stream`` is a terminal and ``-q`` was not given, else none;
    on the way out, an unfinished phase's line is cleared."""
    if quiet or not stream.isatty():
        yield NoPhases()
        return
    phases = TerminalPhases(stream)
    try:
        yield phases
    finally:
        phases.close()
