"""The automatic canary's state per route, and how decisions and admin commands move it (pure).

A route's :class:`Promotion` is derived from its live weights (:func:`derived`: the canary's share
of the two, in percent, and the step it is on), so a restart or a routes-file change continues
from what the proxy serves; what the state file kept of it (:func:`kept_of`) gives a restart the
state and the decisions back (:func:`restored`) while the weights are still those it was decided
at. States:

* ``running``: decided every ``every`` seconds (:func:`~strangler_proxy.policy.promotion.decide`);
* ``held`` (``promote --hold``): still decided, and still rolled back, but never promoted;
* ``rolled_back`` (canary at 0 by a decision or by hand), ``stopped`` (the weights give the canary
  nothing), ``complete`` (the canary at 100 and judged within bounds): no more decisions until a
  command (``--step`` starts again at the first step; ``--rollback`` is always allowed).

The windows a decision reads (:func:`windows`): the canary's requests since its weight last changed
(the old weight's requests do not judge the new one), and the primary's over the same period, so
that what changes with time (the load on the machines, the traffic's mix) weighs on both sides
alike; at 100 % the primary gets no more traffic, and its requests of the period before (the
baseline, kept by the loop) stand in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.config.promotion_record import KeptDecision, KeptPromotion
from strangler_proxy.policy.promotion import COMPLETE, HOLD, PROMOTE, ROLLBACK, Decision, Window

RUNNING, HELD, ROLLED_BACK, STOPPED, COMPLETED = "running", "held", "rolled_back", "stopped", "complete"
DECIDING = frozenset({RUNNING, HELD})
STATES = frozenset({RUNNING, HELD, ROLLED_BACK, STOPPED, COMPLETED})
HISTORY = 20  # decisions kept per route for the admin API
COMMANDS = ("step", "hold", "rollback")
Sample = tuple[float, float, bool]  # started (monotonic seconds), duration (seconds), error
NEVER = float("inf")


class CommandError(ValueError):
    """A command the current state refuses (the admin API answers 409)."""


@dataclass(frozen=True)
class Entry:
    """One decision as kept: when (Unix time), what, who (``promotion`` or a token's name), and
    how many holds in a row at the same weight by the same hand it stands for (the latest one)."""

    at: float
    decision: Decision
    by: str
    times: int = 1


def logged(entries: tuple[Entry, ...], entry: Entry) -> tuple[Entry, ...]:
    """``entries`` with ``entry`` added (a hold repeating the last one replaces it), the last
    :data:`HISTORY` kept."""
    last = entries[-1] if entries else None
    if (last is not None and entry.decision.action == HOLD == last.decision.action
            and (last.decision.weight, last.by) == (entry.decision.weight, entry.by)):
        return (*entries[:-1], replace(entry, times=last.times + 1))
    return (*entries, entry)[-HISTORY:]


@dataclass(frozen=True)
class Promotion:
    """Where one route's canary is: ``weight`` percent at ``policy.steps[step]`` (or 0 / between
    steps when set by hand); ``since`` and ``next_at`` are monotonic times."""

    route: str
    policy: PromotionPolicy
    state: str
    step: int
    weight: int
    since: float
    next_at: float
    decisions: tuple[Entry, ...] = ()


def canary_share(weights: tuple[tuple[str, int], ...]) -> int:
    """The canary's (second upstream's) share of a promoted route's weights, in percent."""
    total = sum(weight for _, weight in weights)
    return round(100 * weights[1][1] / total) if total else 0


def step_at(policy: PromotionPolicy, share: int) -> int:
    """The index of the highest step at or below ``share`` (0 below the first)."""
    return max((i for i, step in enumerate(policy.steps) if step <= share), default=0)


def derived(route: str, policy: PromotionPolicy, share: int, now: float) -> Promotion:
    """The promotion of a route whose canary has ``share`` percent now."""
    state = STOPPED if share == 0 else COMPLETED if share >= 100 else RUNNING
    next_at = now + policy.every_seconds if state == RUNNING else NEVER
    return Promotion(route, policy, state, step_at(policy, share), share, now, next_at)


def kept_of(promotion: Promotion) -> KeptPromotion:
    """What the state file keeps of ``promotion``."""
    return KeptPromotion(promotion.route, promotion.state, promotion.weight, tuple(
        KeptDecision(e.at, e.decision.action, e.decision.weight, e.decision.reason, e.by, e.times)
        for e in promotion.decisions))


def restored(fresh: Promotion, kept: KeptPromotion | None) -> Promotion:
    """``fresh`` (:func:`derived` at start) continued from what the state file ``kept``: its
    decisions always; its state too while the canary still has the weight it was decided at."""
    if kept is None:
        return fresh
    decisions = tuple(Entry(d.at, Decision(d.action, d.weight, d.reason), d.by, d.times)
                      for d in kept.decisions)[-HISTORY:]
    if kept.weight != fresh.weight or kept.state not in STATES:
        return replace(fresh, decisions=decisions)
    next_at = fresh.since + fresh.policy.every_seconds if kept.state in DECIDING else NEVER
    return replace(fresh, state=kept.state, next_at=next_at, decisions=decisions)


def promotion_weights(names: tuple[str, str], weight: int) -> dict[str, int]:
    """The route's weights (primary, canary) giving the canary ``weight`` percent."""
    return {names[0]: 100 - weight, names[1]: weight}


def window(samples: Iterable[Sample], since: float) -> Window:
    """The latencies and errors of the requests that started at ``since`` or later."""
    kept = [(duration, error) for started, duration, error in samples if started >= since]
    return Window(tuple(duration for duration, _ in kept), sum(1 for _, error in kept if error))


def windows(promotion: Promotion, primary: Iterable[Sample],
            canary: Iterable[Sample]) -> tuple[Window, Window]:
    """The primary's and the canary's windows for a decision on ``promotion``: both since its
    weight last changed, but the primary's whole ``primary`` (its baseline) at 100 %."""
    since = promotion.since
    return window(primary, since if promotion.weight < 100 else -NEVER), window(canary, since)


def primary_kept(primary: Iterable[Sample], promotion: Promotion) -> list[Sample]:
    """What the loop keeps of the primary's requests once ``promotion`` is the route's state:
    those of its period, or, at 100 % (when the primary gets no more), all it had (the baseline)."""
    if promotion.weight >= 100:
        return list(primary)
    return [sample for sample in primary if sample[0] >= promotion.since]


def when_held(promotion: Promotion, decision: Decision) -> Decision:
    """``decision`` as a held promotion takes it: a rollback stands, a promotion becomes a hold."""
    if promotion.state != HELD or decision.action in (HOLD, ROLLBACK):
        return decision
    return Decision(HOLD, promotion.weight, f"held by hand; would {decision.action} to "
                                            f"{decision.weight}: {decision.reason}")


def after(promotion: Promotion, decision: Decision, now: float, at: float, by: str,
          state: str | None = None) -> Promotion:
    """The promotion once ``decision`` is applied at monotonic ``now`` (Unix ``at``), logged as
    taken by ``by``; ``state`` overrides the state it leads to (a command's)."""
    entries = logged(promotion.decisions, Entry(at, decision, by))
    every = promotion.policy.every_seconds
    if decision.action == ROLLBACK:
        return replace(promotion, state=state or ROLLED_BACK, weight=0, since=now, next_at=NEVER,
                       decisions=entries)
    if decision.action == COMPLETE:
        return replace(promotion, state=COMPLETED, step=len(promotion.policy.steps) - 1,
                       weight=decision.weight, next_at=NEVER, decisions=entries)
    new_state = state or promotion.state
    weight = promotion.weight if decision.action == HOLD else decision.weight
    return replace(promotion, state=new_state, step=step_at(promotion.policy, weight),
                   weight=weight, since=now if weight != promotion.weight else promotion.since,
                   next_at=now + every if new_state in DECIDING else NEVER, decisions=entries)


def commanded(promotion: Promotion, action: str) -> tuple[Decision, str]:
    """The decision and the state an admin command leads to (who gave it is logged beside the
    decision); CommandError when refused."""
    steps, state = promotion.policy.steps, promotion.state
    if action == "rollback":
        return Decision(ROLLBACK, 0, "rolled back by hand"), ROLLED_BACK
    if action == "hold":
        if state not in DECIDING:
            raise CommandError(f"route {promotion.route} is {state}: nothing to hold")
        return Decision(HOLD, promotion.weight, "held by hand: no automatic promotion until "
                                                "promote --step"), HELD
    if action != "step":
        raise CommandError(f"unknown action {action!r} (one of {', '.join(COMMANDS)})")
    if state == COMPLETED:
        raise CommandError(f"route {promotion.route} is complete: the canary has 100%")
    if state in (ROLLED_BACK, STOPPED):
        return Decision(PROMOTE, steps[0], "started again by hand"), RUNNING
    following = [step for step in steps if step > promotion.weight]
    if not following:
        return Decision(COMPLETE, promotion.weight, "completed by hand"), COMPLETED
    return Decision(PROMOTE, following[0], "stepped by hand"), RUNNING
