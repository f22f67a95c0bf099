"""The automatic canary's decisions: promote, hold, complete, roll back, each with its reason."""

from __future__ import annotations

import random

import pytest

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.policy.promotion import (
    COMPLETE,
    HOLD,
    PROMOTE,
    ROLLBACK,
    Decision,
    SyncStatus,
    Window,
    decide,
    sync_status_from_json,
)

POLICY = PromotionPolicy(steps=(1, 5, 25, 50, 100), min_samples=50, alpha=0.01)
STATUS_URL = "http://127.0.0.1:9/status"


def latencies(n: int, centre: float, seed: int) -> tuple[float, ...]:
    """``n`` latencies (seconds) around ``centre``, reproducible."""
    rng = random.Random(seed)
    return tuple(centre * rng.uniform(0.8, 1.2) for _ in range(n))


def test_a_healthy_canary_is_promoted_step_by_step_to_the_end() -> None:
    primary, canary = Window(latencies(200, 0.010, 1)), Window(latencies(200, 0.010, 2))
    weights = []
    for step in range(len(POLICY.steps)):
        decision = decide(POLICY, step, primary, canary)
        weights.append((decision.action, decision.weight))
    assert weights == [(PROMOTE, 5), (PROMOTE, 25), (PROMOTE, 50), (PROMOTE, 100),
                       (COMPLETE, 100)]


def test_not_enough_traffic_holds() -> None:
    decision = decide(POLICY, 1, Window(latencies(200, 0.01, 1)), Window(latencies(49, 0.01, 2)))
    assert decision == Decision(HOLD, 5, "not enough traffic: 49 canary and 200 primary "
                                         "requests, 50 needed on each")


def test_a_slower_canary_is_rolled_back_with_the_test_in_the_reason() -> None:
    decision = decide(POLICY, 2, Window(latencies(100, 0.010, 1)),
                      Window(latencies(100, 0.020, 2)))
    assert (decision.action, decision.weight) == (ROLLBACK, 0)
    assert "canary latency greater" in decision.reason
    assert "Mann-Whitney U=" in decision.reason and "alpha=0.01" in decision.reason


def test_a_significant_but_small_slowdown_is_within_the_ratio() -> None:
    decision = decide(POLICY, 0, Window(latencies(400, 0.0100, 1)),
                      Window(latencies(400, 0.0110, 2)))
    assert decision.action == PROMOTE


def test_a_canary_with_more_errors_is_rolled_back() -> None:
    primary = Window(latencies(100, 0.01, 1), errors=1)
    canary = Window(latencies(100, 0.01, 2), errors=5)
    decision = decide(POLICY, 3, primary, canary)
    assert decision == Decision(ROLLBACK, 0, "canary error rate 5.00% vs primary 1.00% "
                                             "(allowed increase 1.00%)")


def test_an_error_rate_within_the_allowed_increase_promotes() -> None:
    primary = Window(latencies(100, 0.01, 1), errors=1)
    canary = Window(latencies(100, 0.01, 2), errors=2)
    assert decide(POLICY, 0, primary, canary).action == PROMOTE


def test_sync_lag_above_the_bound_holds() -> None:
    policy = PromotionPolicy(max_lag_seconds=1.0, min_samples=10, sync_status_url=STATUS_URL)
    healthy = (Window(latencies(20, 0.01, 1)), Window(latencies(20, 0.01, 2)))
    lagging = (SyncStatus(0.2, 0, 0), SyncStatus(2.5, 0, 0))
    assert decide(policy, 0, *healthy, sync=lagging) == Decision(
        HOLD, 1, "sync lag 2.5 s above 1 s")
    caught_up = (SyncStatus(0.2, 0, 0), SyncStatus(0.3, 0, 0))
    assert decide(policy, 0, *healthy, sync=caught_up).action == PROMOTE


@pytest.mark.parametrize(("now", "reason"), [
    (SyncStatus(0.1, 0, 3), "sync conflicts grew from 1 to 3"),
    (SyncStatus(0.1, 2, 1), "sync failed changes grew from 0 to 2"),
])
def test_sync_errors_growing_roll_back_when_configured(now: SyncStatus, reason: str) -> None:
    before = SyncStatus(0.1, 0, 1)
    policy = PromotionPolicy(rollback_on_sync_errors=True, sync_status_url=STATUS_URL)
    decision = decide(policy, 2, Window(), Window(), sync=(before, now))
    assert decision == Decision(ROLLBACK, 0, reason)
    unset = decide(PromotionPolicy(), 2, Window(), Window(), sync=(before, now))
    assert unset.action == HOLD


@pytest.mark.parametrize("steps", [(), (5, 1, 100), (1, 5, 50), (0, 100), (1, 1, 100)])
def test_bad_steps_are_refused(steps: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        PromotionPolicy(steps=steps)


def test_an_unreachable_sync_status_holds_but_a_regression_still_rolls_back() -> None:
    policy = PromotionPolicy(max_lag_seconds=1.0, min_samples=10, sync_status_url=STATUS_URL)
    primary = Window(latencies(20, 0.01, 1))
    held = decide(policy, 1, primary, Window(latencies(20, 0.01, 2)),
                  sync_unreachable="GET http://127.0.0.1:9/status: Connection refused")
    assert held == Decision(HOLD, 5, "sync status unreachable: GET http://127.0.0.1:9/status: "
                                     "Connection refused")
    failing = decide(policy, 1, primary, Window(latencies(20, 0.01, 2), errors=10),
                     sync_unreachable="refused")
    assert failing.action == ROLLBACK


def test_the_relays_status_json_is_read_and_anything_else_refused() -> None:
    text = ('{"applied": 7, "conflicts": 1, "direction": "monolith->service", "failed": 2, '
            '"lag_seconds": 0.25, "pending": 3}')
    assert sync_status_from_json(text) == SyncStatus(0.25, 2, 1)
    for wrong in ("<html>", '{"lag_seconds": 1}', '{"lag_seconds": "x", "failed": 0, '
                  '"conflicts": 0}', '{"lag_seconds": -1, "failed": 0, "conflicts": 0}', "[]"):
        with pytest.raises(ValueError):
            sync_status_from_json(wrong)


def test_parity_drift_in_the_relays_status_rolls_back_before_anything_else() -> None:
    text = '{"lag_seconds": 0.0, "failed": 0, "conflicts": 0, "parity_drift": 2, "parity_checked_at": 1.0}'
    now = sync_status_from_json(text)
    assert now == SyncStatus(0.0, 0, 0, 2)
    healthy = (Window(latencies(100, 0.01, 1)), Window(latencies(100, 0.01, 2)))
    decision = decide(POLICY, 1, *healthy, sync=(SyncStatus(0.0, 0, 0, 0), now))
    assert decision == Decision(ROLLBACK, 0, "parity: 2 key(s) differ between the monolith's and "
                                             "the service's tables outside the sync window")
    for clean in ('"parity_drift": 0', '"parity_drift": null'):
        status = sync_status_from_json('{"lag_seconds": 0, "failed": 0, "conflicts": 0, ' + clean + "}")
        assert decide(POLICY, 1, *healthy, sync=(status, status)).action == PROMOTE
    for wrong in ('"parity_drift": -1', '"parity_drift": "2"', '"parity_drift": true'):
        with pytest.raises(ValueError):
            sync_status_from_json('{"lag_seconds": 0, "failed": 0, "conflicts": 0, ' + wrong + "}")
