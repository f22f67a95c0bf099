"""Per-request samples of the routes under automatic promotion, kept until the promotion loop takes
them: for each (route, upstream chosen by weight) the most recent :data:`MAX_SAMPLES` of
``(started, duration, error)`` (monotonic start, seconds, whether it failed). Memory is bounded by
the number of promoted routes; nothing is kept for the others. With ``--workers`` each worker keeps
its own and the supervisor takes them over the control socket (:func:`samples_to_json`).
"""

from __future__ import annotations

from collections import deque
from typing import Any

MAX_SAMPLES = 5000
Key = tuple[str, str]
Taken = dict[Key, list[tuple[float, float, bool]]]


class Samples:
    """The samples recorded since the last :meth:`take`, at most ``limit`` per key."""

    def __init__(self, limit: int = MAX_SAMPLES) -> None:
        self.limit = limit
        self._found: dict[Key, deque[tuple[float, float, bool]]] = {}

    def record(self, route: str, upstream: str, started: float, duration: float,
               error: bool) -> None:
        """Keep one request's sample (the oldest of its key is dropped when full)."""
        found = self._found.get((route, upstream))
        if found is None:
            found = self._found[(route, upstream)] = deque(maxlen=self.limit)
        found.append((started, duration, error))

    def take(self) -> Taken:
        """Everything recorded since the last call, and forget it."""
        found, self._found = self._found, {}
        return {key: list(values) for key, values in found.items()}


def samples_to_json(taken: Taken) -> list[Any]:
    """Taken samples as JSON-ready data: ``[[route, upstream, [[started, duration, error]...]]]``."""
    return [[route, upstream, [list(sample) for sample in values]]
            for (route, upstream), values in sorted(taken.items())]


def samples_from_json(data: Any) -> Taken:
    """The inverse of :func:`samples_to_json` (ValueError on anything else)."""
    try:
        return {(str(route), str(upstream)): [(float(s), float(d), bool(e)) for s, d, e in values]
                for route, upstream, values in data}
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a samples snapshot ({exc!r})") from exc


def merged(parts: list[Taken]) -> Taken:
    """Several processes' samples as one."""
    found: Taken = {}
    for part in parts:
        for key, values in part.items():
            found.setdefault(key, []).extend(values)
    return found
