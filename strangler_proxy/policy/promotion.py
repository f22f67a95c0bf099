"""Automatic canary: from one window of traffic (and the sync relay's status) to a decision (pure).

At each tick the caller gives the policy, the step the canary is on, what the primary and the
canary did (the window), and optionally the relay's ``GET /status`` (read with
:func:`sync_status_from_json`). The answer is one
:class:`Decision`, always with a reason a person can read:

* ``rollback`` (weight 0): the relay's parity watch reports keys that drift (``parity_drift``);
  the relay's ``conflicts`` or ``failed`` grew while
  ``rollback_on_sync_errors`` is set; or, judged once both sides have ``min_samples`` requests,
  the canary's error rate exceeds the primary's by more than ``max_error_rate_increase``, or its
  latency is greater than the primary's (one-sided Mann-Whitney U, p below ``alpha``) with its
  median slower by more than ``max_latency_ratio``;
* ``hold`` (weight unchanged): the relay's status could not be read (``sync_unreachable`` says
  why), its lag is above ``max_lag_seconds``, or fewer than ``min_samples`` requests on either
  side ("not enough traffic");
* ``promote`` to the next step's weight; ``complete`` once the last step is reached.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.policy.mann_whitney import canary_slower

PROMOTE, HOLD, ROLLBACK, COMPLETE = "promote", "hold", "rollback", "complete"


@dataclass(frozen=True)
class Window:
    """What one side answered since the last decision: latencies (seconds) and error count."""

    latencies: tuple[float, ...] = ()
    errors: int = 0

    @property
    def error_rate(self) -> float:
        """Errors over requests (0 without requests)."""
        return self.errors / len(self.latencies) if self.latencies else 0.0


@dataclass(frozen=True)
class SyncStatus:
    """The relay's ``GET /status`` fields the policy reads."""

    lag_seconds: float
    failed: int
    conflicts: int
    parity_drift: int | None = None  # keys drifting at the relay's last parity check, if it runs one


@dataclass(frozen=True)
class Decision:
    """What to do, the weight to set, and why."""

    action: str
    weight: int
    reason: str


def decide(
    policy: PromotionPolicy,
    step: int,
    primary: Window,
    canary: Window,
    sync: tuple[SyncStatus, SyncStatus] | None = None,
    sync_unreachable: str = "",
) -> Decision:
    """The decision at ``step`` (an index into ``policy.steps``); ``sync`` is (previous, now),
    ``sync_unreachable`` why the relay's status could not be read this time (``""``: it was)."""
    weight = policy.steps[step]
    failure = _parity_failure(sync) or _sync_failure(policy, sync) or _regression(policy, primary, canary)
    if failure:
        return Decision(ROLLBACK, 0, failure)
    if sync_unreachable:
        return Decision(HOLD, weight, f"sync status unreachable: {sync_unreachable}")
    if sync and policy.max_lag_seconds is not None and sync[1].lag_seconds > policy.max_lag_seconds:
        return Decision(HOLD, weight, f"sync lag {sync[1].lag_seconds:.3g} s above "
                                      f"{policy.max_lag_seconds:g} s")
    shortest = min(len(primary.latencies), len(canary.latencies))
    if shortest < policy.min_samples:
        return Decision(HOLD, weight, f"not enough traffic: {len(canary.latencies)} canary and "
                                      f"{len(primary.latencies)} primary requests, "
                                      f"{policy.min_samples} needed on each")
    if step + 1 >= len(policy.steps):
        return Decision(COMPLETE, weight, "at the last step and within bounds")
    return Decision(PROMOTE, policy.steps[step + 1], "error rate and latency within bounds")


def _regression(policy: PromotionPolicy, primary: Window, canary: Window) -> str:
    """Why the canary is worse than the primary, or ``""``."""
    if min(len(primary.latencies), len(canary.latencies)) < policy.min_samples:
        return ""
    if canary.error_rate - primary.error_rate > policy.max_error_rate_increase:
        return (f"canary error rate {canary.error_rate:.2%} vs primary {primary.error_rate:.2%} "
                f"(allowed increase {policy.max_error_rate_increase:.2%})")
    return _latency_regression(policy, primary.latencies, canary.latencies)


def _latency_regression(
    policy: PromotionPolicy, primary: Sequence[float], canary: Sequence[float]
) -> str:
    """Why the canary is slower (significant and beyond the ratio), or ``""``."""
    test = canary_slower(canary, primary)
    slow, fast = statistics.median(canary), statistics.median(primary)
    ratio = slow / fast if fast > 0 else (1.0 if slow == 0 else float("inf"))
    if test.p_value < policy.alpha and ratio > policy.max_latency_ratio:
        return (f"canary latency greater: median {slow * 1000:.1f} ms vs {fast * 1000:.1f} ms "
                f"(x{ratio:.2f} > x{policy.max_latency_ratio:g}), Mann-Whitney U={test.u:g}, "
                f"one-sided p={test.p_value:.2g} < alpha={policy.alpha:g}")
    return ""


def _parity_failure(sync: tuple[SyncStatus, SyncStatus] | None) -> str:
    """Why the two databases' drift calls for a rollback, or ``""``: the relay's parity watch
    found keys that differ outside the sync window (rows lost or diverged)."""
    drift = sync[1].parity_drift if sync else None
    if not drift:
        return ""
    return (f"parity: {drift} key(s) differ between the monolith's and the service's tables "
            "outside the sync window")


def _sync_failure(policy: PromotionPolicy, sync: tuple[SyncStatus, SyncStatus] | None) -> str:
    """Why the relay's errors call for a rollback, or ``""``."""
    if not sync or not policy.rollback_on_sync_errors:
        return ""
    before, now = sync
    if now.conflicts > before.conflicts:
        return f"sync conflicts grew from {before.conflicts} to {now.conflicts}"
    if now.failed > before.failed:
        return f"sync failed changes grew from {before.failed} to {now.failed}"
    return ""


def sync_status_from_json(text: str | bytes) -> SyncStatus:
    """The relay's ``GET /status`` body as a :class:`SyncStatus`; ValueError saying what is wrong."""
    try:
        data = json.loads(text)
        lag, failed, conflicts = data["lag_seconds"], data["failed"], data["conflicts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not the relay's status JSON ({exc!r})") from exc
    numbers = (lag, failed, conflicts)
    if any(isinstance(value, bool) or not isinstance(value, int | float) for value in numbers):
        raise ValueError("lag_seconds, failed and conflicts must be numbers")
    if not math.isfinite(lag) or lag < 0:
        raise ValueError(f"lag_seconds must be a finite number >= 0, got {lag!r}")
    drift = data.get("parity_drift")
    if drift is not None and (isinstance(drift, bool) or not isinstance(drift, int) or drift < 0):
        raise ValueError(f"parity_drift must be a count >= 0 or null, got {drift!r}")
    return SyncStatus(float(lag), int(failed), int(conflicts), drift)
