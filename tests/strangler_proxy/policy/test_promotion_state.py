"""A route's promotion state: derived from its live weights, moved by decisions and commands."""

from __future__ import annotations

import pytest

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.policy.promotion import (
    COMPLETE,
    HOLD,
    PROMOTE,
    ROLLBACK,
    Decision,
    decide,
)
from strangler_proxy.policy.promotion_state import (
    COMPLETED,
    HELD,
    HISTORY,
    NEVER,
    ROLLED_BACK,
    RUNNING,
    STOPPED,
    CommandError,
    after,
    canary_share,
    commanded,
    derived,
    primary_kept,
    promotion_weights,
    when_held,
    window,
    windows,
)

POLICY = PromotionPolicy(steps=(1, 5, 25, 50, 100), every_seconds=10.0)


@pytest.mark.parametrize(("weights", "share", "state", "step"), [
    ((("monolith", 99), ("catalog", 1)), 1, RUNNING, 0),
    ((("monolith", 9), ("catalog", 1)), 10, RUNNING, 1),  # between steps: the one below
    ((("monolith", 1), ("catalog", 0)), 0, STOPPED, 0),
    ((("monolith", 0), ("catalog", 3)), 100, COMPLETED, 4),
])
def test_the_state_follows_the_live_weights(weights: tuple[tuple[str, int], ...], share: int,
                                            state: str, step: int) -> None:
    promotion = derived("catalog", POLICY, canary_share(weights), now=100.0)
    assert (promotion.weight, promotion.state, promotion.step) == (share, state, step)
    assert promotion.next_at == (110.0 if state == RUNNING else NEVER)


def test_a_promotion_moves_the_window_and_a_hold_keeps_the_weight_between_steps() -> None:
    between = derived("catalog", POLICY, 10, now=0.0)
    held = after(between, Decision(HOLD, 5, "not enough traffic"), 10.0, 1e9, "promotion")
    assert (held.weight, held.since, held.next_at) == (10, 0.0, 20.0)
    promoted = after(held, Decision(PROMOTE, 25, "within bounds"), 20.0, 1e9, "promotion")
    assert (promoted.weight, promoted.step, promoted.since, promoted.next_at) == (25, 2, 20.0, 30.0)
    assert [e.decision.action for e in promoted.decisions] == [HOLD, PROMOTE]
    rolled = after(promoted, Decision(ROLLBACK, 0, "slower"), 30.0, 1e9, "promotion")
    assert (rolled.state, rolled.weight, rolled.next_at) == (ROLLED_BACK, 0, NEVER)


def test_the_window_counts_only_requests_started_since_the_weight_changed() -> None:
    samples = [(1.0, 0.5, True), (2.0, 0.25, False), (3.0, 0.125, True)]
    found = window(samples, since=2.0)
    assert (found.latencies, found.errors) == ((0.25, 0.125), 1)


def loaded(started: tuple[float, ...], latency: float) -> list[tuple[float, float, bool]]:
    """Requests started at ``started`` that took ``latency`` (a little apart, none alike)."""
    return [(at, latency + i * 1e-6, False) for i, at in enumerate(started)]


def test_the_primary_is_judged_over_the_canary_s_period_not_before_it() -> None:
    # the machine got three times slower when the canary reached 50 %: both sides alike
    policy = PromotionPolicy(steps=(25, 50, 100), every_seconds=10.0, min_samples=20,
                             max_latency_ratio=1.5)
    at_50 = after(derived("catalog", policy, 25, 0.0), Decision(PROMOTE, 50, "ok"), 10.0, 1e9, "x")
    early, late = tuple(i / 10 for i in range(100)), tuple(10 + i / 10 for i in range(60))
    primary = loaded(early, 0.001) + loaded(late, 0.003)
    canary = loaded(late, 0.003)
    judged = windows(at_50, primary, canary)
    assert [len(w.latencies) for w in judged] == [60, 60]
    assert decide(policy, at_50.step, *judged).action == PROMOTE
    # the whole of the primary's past against the canary's period: a good canary looks slower
    assert decide(policy, at_50.step, window(primary, 0.0), window(canary, 10.0)).action == ROLLBACK


def test_at_100_the_primary_s_last_period_is_the_baseline() -> None:
    policy = PromotionPolicy(steps=(25, 50, 100), every_seconds=10.0)
    at_50 = after(derived("catalog", policy, 25, 0.0), Decision(PROMOTE, 50, "ok"), 10.0, 1e9, "x")
    primary = loaded((1.0, 2.0, 11.0, 12.0), 0.001)
    kept = primary_kept(primary, at_50)  # what the loop keeps once at 50: that period's
    assert [sample[0] for sample in kept] == [11.0, 12.0]
    at_100 = after(at_50, Decision(PROMOTE, 100, "ok"), 20.0, 1e9, "x")
    assert primary_kept(kept, at_100) == kept  # the primary gets no more: its last period stays
    baseline, canary = windows(at_100, kept, loaded((21.0, 22.0, 23.0), 0.001))
    assert (len(baseline.latencies), len(canary.latencies)) == (2, 3)


def test_a_held_promotion_is_never_promoted_but_still_rolled_back() -> None:
    running = derived("catalog", POLICY, 5, 0.0)
    decision, state = commanded(running, "hold")
    held = after(running, decision, 0.0, 1e9, "cli", state)
    assert (held.state, held.weight, held.next_at) == (HELD, 5, 10.0)
    kept = when_held(held, Decision(PROMOTE, 25, "error rate and latency within bounds"))
    assert kept == Decision(HOLD, 5, "held by hand; would promote to 25: error rate and latency "
                                     "within bounds")
    assert when_held(held, Decision(ROLLBACK, 0, "slower")).action == ROLLBACK


def test_commands_step_hold_and_roll_back_and_refuse_what_cannot_be() -> None:
    running = derived("catalog", POLICY, 5, 0.0)
    assert commanded(running, "step") == (Decision(PROMOTE, 25, "stepped by hand"), RUNNING)
    assert commanded(running, "rollback")[1] == ROLLED_BACK
    stopped = derived("catalog", POLICY, 0, 0.0)
    assert commanded(stopped, "step") == (Decision(PROMOTE, 1, "started again by hand"), RUNNING)
    at_100 = after(running, Decision(PROMOTE, 100, "within bounds"), 1.0, 1e9, "promotion")
    assert commanded(at_100, "step")[0].action == COMPLETE
    for promotion, action, message in ((stopped, "hold", "is stopped: nothing to hold"),
                                       (derived("catalog", POLICY, 100, 0.0), "step",
                                        "is complete"),
                                       (running, "jump", "unknown action 'jump'")):
        with pytest.raises(CommandError, match=message):
            commanded(promotion, action)


def test_the_weights_give_the_canary_its_share_of_100() -> None:
    assert promotion_weights(("monolith", "catalog"), 25) == {"monolith": 75, "catalog": 25}


def test_holds_in_a_row_are_kept_as_one_entry_and_the_history_is_bounded() -> None:
    promotion = derived("catalog", POLICY, 5, 0.0)
    for n in range(3):
        promotion = after(promotion, Decision(HOLD, 5, f"not enough traffic: {n}"), n, n, "promotion")
    promotion = after(promotion, Decision(HOLD, 5, "held by hand"), 3.0, 3.0, "cli")
    (first, second) = promotion.decisions
    assert (first.times, first.decision.reason, first.at) == (3, "not enough traffic: 2", 2)
    assert (second.times, second.by) == (1, "cli")
    for n in range(HISTORY + 5):
        promotion = after(promotion, Decision(PROMOTE, 5, "within bounds"), n, n, "promotion")
    assert len(promotion.decisions) == HISTORY
