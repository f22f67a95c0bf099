"""Fault injection for resilience drills (pure): which requests are delayed, which aborted.

Both draws are independent, as in Envoy's fault filter: a request may be delayed, aborted, both
(delayed, then aborted) or neither. Off by default: a route without ``faults`` never gets here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from strangler_proxy.config.model import Faults


@dataclass(frozen=True)
class Injection:
    """What happens to one request: ``delay`` seconds first, then ``abort`` with that status."""

    delay: float = 0.0
    abort: int | None = None

    @property
    def any(self) -> bool:
        """Whether anything is injected."""
        return self.delay > 0 or self.abort is not None


NONE = Injection()


def draw(faults: Faults, rand: Callable[[], float] = random.random) -> Injection:
    """The injection for one request of a route with ``faults``."""
    delay = faults.delay if faults.delay_percent and rand() * 100.0 < faults.delay_percent else 0.0
    aborted = faults.abort_percent and rand() * 100.0 < faults.abort_percent
    if not delay and not aborted:
        return NONE
    return Injection(delay, faults.abort_status if aborted else None)
