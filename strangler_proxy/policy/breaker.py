"""Circuit breaker of one upstream: closed -> open -> half-open -> closed (pure; clock injected).

* closed: requests flow; ``failures`` consecutive failures open the breaker;
* open: requests are refused (the route's fallback answers) for ``open_seconds``;
* half-open: up to ``half_open_requests`` trial requests pass; one success closes the breaker,
  one failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from strangler_proxy.config.model import BreakerConfig

CLOSED, HALF_OPEN, OPEN = "closed", "half_open", "open"
STATE_VALUES = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}


class CircuitBreaker:
    """Breaker state machine; call :meth:`allow` before, and :meth:`record` after, each request."""

    def __init__(
        self, config: BreakerConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config
        self._clock = clock
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trials = 0
        self.transitions: list[tuple[str, str]] = []

    @property
    def state(self) -> str:
        """The current state, moving open -> half-open once the open period is over."""
        if self._state == OPEN and self._clock() - self._opened_at >= self.config.open_seconds:
            self._move(HALF_OPEN)
            self._trials = 0
        return self._state

    def allow(self) -> bool:
        """Whether a request may be sent now (counts a trial in half-open)."""
        if self._state == CLOSED:  # the common case, without the property
            return True
        state = self.state
        if state == CLOSED:
            return True
        if state == HALF_OPEN and self._trials < self.config.half_open_requests:
            self._trials += 1
            return True
        return False

    def record(self, success: bool) -> None:
        """Record the outcome of a request that :meth:`allow` let through."""
        if success:
            if self._failures:
                self._failures = 0
            if self._state != CLOSED:
                self._move(CLOSED)
            return
        self._failures += 1
        if self._state == HALF_OPEN or self._failures >= self.config.failures:
            self._opened_at = self._clock()
            self._failures = 0
            if self._state != OPEN:
                self._move(OPEN)

    def _move(self, new: str) -> None:
        self.transitions.append((self._state, new))
        del self.transitions[:-20]
        self._state = new
