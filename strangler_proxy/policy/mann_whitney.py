"""One-sided Mann-Whitney U test: is the canary's latency stochastically greater than the primary's?

``U`` counts the pairs (canary sample, primary sample) where the canary is slower, a tie counting
one half. Under the null hypothesis (same distribution) small samples without ties get the exact
distribution of ``U`` (counted by dynamic programming); otherwise the normal approximation with the
tie correction of the variance and a continuity correction of one half. The p-value is
``P(U >= u)`` under the null: a small value says the canary is slower.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

EXACT_MAX_PRODUCT = 400  # n1 * n2 up to this, without ties: the exact distribution


@dataclass(frozen=True)
class UTest:
    """The statistic, the one-sided p-value and the method (``exact`` or ``normal``)."""

    u: float
    p_value: float
    method: str


def canary_slower(canary: Sequence[float], primary: Sequence[float]) -> UTest:
    """Test ``canary > primary`` (one-sided); both samples must be non-empty."""
    if not canary or not primary:
        raise ValueError("both samples need at least one value")
    ranks, tie_sizes = _ranks([*canary, *primary])
    n1, n2 = len(canary), len(primary)
    u = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    if not tie_sizes and n1 * n2 <= EXACT_MAX_PRODUCT:
        return UTest(u, _exact_upper_tail(n1, n2, round(u)), "exact")
    return UTest(u, _normal_upper_tail(u, n1, n2, tie_sizes), "normal")


def _ranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Mid-ranks (1-based) of ``values`` and the sizes of the groups of ties."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties: list[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        if end > start:
            ties.append(end - start + 1)
        start = end + 1
    return ranks, ties


def _normal_upper_tail(u: float, n1: int, n2: int, tie_sizes: Sequence[int]) -> float:
    """``P(U >= u)`` by the normal approximation, tie-corrected, with continuity correction."""
    n = n1 + n2
    ties = sum(t**3 - t for t in tie_sizes)
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0:
        return 1.0 if u <= n1 * n2 / 2 else 0.0
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2))


def _exact_upper_tail(n1: int, n2: int, u: int) -> float:
    """``P(U >= u)`` from the exact null distribution of ``U`` (no ties)."""
    counts = _u_counts(n1, n2)
    return sum(counts[u:]) / sum(counts)


@lru_cache(maxsize=64)
def _u_counts(n1: int, n2: int) -> tuple[int, ...]:
    """How many arrangements of ``n1`` and ``n2`` items give each ``U`` from 0 to ``n1 * n2``."""
    if n1 == 0 or n2 == 0:
        return (1,)
    with_last_first = _u_counts(n1 - 1, n2)  # the largest value is a first-sample one: U += n2
    with_last_second = _u_counts(n1, n2 - 1)
    counts = [0] * (n1 * n2 + 1)
    for u, count in enumerate(with_last_first):
        counts[u + n2] += count
    for u, count in enumerate(with_last_second):
        counts[u] += count
    return tuple(counts)
