"""The analyzer's phases on a terminal: one line per phase on stderr, redrawn while it counts.

``reading 120/485, 1.2 s, ~3.0 s left`` is redrawn in place (at most ten times a second) while a
counted phase runs; the time left is at the rate since the phase's first items with work done
(weighed by that work, such as bytes to parse, when the phase has one), so that neither the
workers' start nor the files taken from the cache skew it. While files are read, the line also
estimates the whole run (``~9 s in all``): the time so far, the reading left, and what follows
reading (resolving, graph, partition, metrics, report) as :data:`AFTER_READING` times the
reading's own length. When the phase ends its
line is replaced by what it found and how long it took (``reading: 485 files (480 from the
cache), 1.3 s``) and kept. Only on a terminal and without ``-q``: :func:`terminal_phases` gives
:class:`analyzer.progress.NoPhases` otherwise, and clears a phase's unfinished line when the run
stops with an error (which then prints alone).
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
# What follows reading takes about this share of the reading's time on a cold run (-j 2; measured
# with bench/progress_estimate.py: wagtail 0.4, nautobot 0.7 after issue #18's speed work).
AFTER_READING = 0.6


class TerminalPhases:
    """Draws each phase on ``stream`` (a terminal); ``clock`` is injectable for tests."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.phase, self.total, self.done = "", 0, 0
        self.started = self.drawn = 0.0
        self.running = False
        self.work, self.worked = 0, 0
        self.mark: tuple[float, int] | None = None  # (time, progress) at the first advance
        self.run_started: float | None = None

    def begin(self, phase: str, total: int = 0, work: int = 0) -> None:
        """Start a phase and draw its line."""
        self.phase, self.total, self.done, self.running, self.mark = phase, total, 0, True, None
        self.work, self.worked = work, 0
        self.started = self.clock()
        self.run_started = self.started if self.run_started is None else self.run_started
        self._draw(self.started)

    def advance(self, count: int = 1, work: int = 0) -> None:
        """Count ``count`` items weighing ``work``; redraw when the last drawing is old enough."""
        self.done, self.worked = self.done + count, self.worked + work
        now = self.clock()
        if self.mark is None and (work if self.work else count) > 0:
            self.mark = (now, self._progress())
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
        left = self._left(now)
        whole = None
        if left is not None and self.phase == "reading" and self.run_started is not None:
            whole = now - self.run_started + left + (now - self.started + left) * AFTER_READING
        line = running_line(self.phase, self.done, self.total, now - self.started, left, whole)
        self.stream.write(_CLEAR + line)
        self.stream.flush()

    def _progress(self) -> int:
        """What is done, in work when the phase has a weight, else in items."""
        return self.worked if self.work else self.done

    def _left(self, now: float) -> float | None:
        """The time left at the rate since the first advance; None until that rate is known."""
        if self.mark is None:
            return None
        since, progressed = now - self.mark[0], self._progress() - self.mark[1]
        remaining = (self.work if self.work else self.total) - self._progress()
        if since < _ESTIMATE_AFTER or progressed <= 0 or remaining <= 0:
            return None
        return since / progressed * remaining


def running_line(phase: str, done: int, total: int, elapsed: float, left: float | None = None,
                 whole: float | None = None) -> str:
    """The line of a phase still running: its count, its time and, when known, the time left
    (and the whole run's estimated length)."""
    if not total:
        return f"{phase} ..."
    line = f"{phase} {done}/{total}, {elapsed:.1f} s"
    if left is not None:
        line += f", ~{_seconds(left)} s left"
    if whole is not None:
        line += f" (~{_seconds(whole)} s in all)"
    return line


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


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
