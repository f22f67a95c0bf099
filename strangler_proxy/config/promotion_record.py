"""What the state file keeps of promotions: run-time policies, and each route's state and decisions.

A promotion policy started at run time (``demonolith routes promote ROUTE --steps ... --every ...``)
is kept in the route's override, as JSON with the keys of the routes file's ``promotion`` table
(read back by the same parser, so the file, the admin API and the state file accept the same
values). The promotion loop's own state of each route -- ``held``, ``rolled_back`` and the rest,
the weight it was decided at, the last decisions with their reasons -- is a :class:`KeptPromotion`,
so a restart continues a held or rolled-back canary as it was instead of re-deriving it from the
weights alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.config.promotion_table import promotion
from strangler_proxy.config.tables import Table
from strangler_proxy.errors import RoutesError


@dataclass(frozen=True)
class KeptDecision:
    """One decision as the state file keeps it (``at``: Unix time)."""

    at: float
    action: str
    weight: int
    reason: str
    by: str
    times: int = 1


@dataclass(frozen=True)
class KeptPromotion:
    """Route ``route``'s promotion as last decided: its state at canary weight ``weight``."""

    route: str
    state: str
    weight: int
    decisions: tuple[KeptDecision, ...] = ()


def policy_json(policy: PromotionPolicy) -> dict[str, Any]:
    """``policy`` with the routes file's keys (``every`` in seconds); None values left out."""
    data: dict[str, Any] = {
        "steps": list(policy.steps), "every": policy.every_seconds,
        "min_samples": policy.min_samples, "alpha": policy.alpha,
        "max_error_rate_increase": policy.max_error_rate_increase,
        "max_latency_ratio": policy.max_latency_ratio,
        "rollback_on_sync_errors": policy.rollback_on_sync_errors,
        "max_lag_seconds": policy.max_lag_seconds, "sync_status_url": policy.sync_status_url,
    }
    return {key: value for key, value in data.items() if value is not None}


def policy_from_json(data: Any, source: str, where: str = "promotion") -> PromotionPolicy:
    """A policy from routes-file keys (``data``); RoutesError naming ``source`` and ``where``."""
    if not isinstance(data, dict):
        raise RoutesError(f"{source}: {where}: expected an object with the promotion table's keys")
    parsed = promotion(Table({where: data}, "", source))
    assert parsed is not None
    return parsed


def kept_json(kept: KeptPromotion) -> dict[str, Any]:
    """How the state file writes ``kept``."""
    return {"route": kept.route, "state": kept.state, "weight": kept.weight,
            "decisions": [{"at": d.at, "action": d.action, "weight": d.weight,
                           "reason": d.reason, "by": d.by, "times": d.times}
                          for d in kept.decisions]}


def kept_from_json(data: Any) -> KeptPromotion:
    """The inverse of :func:`kept_json` (KeyError, TypeError or ValueError when malformed)."""
    decisions = tuple(KeptDecision(float(d["at"]), str(d["action"]), int(d["weight"]),
                                   str(d["reason"]), str(d["by"]), int(d.get("times", 1)))
                      for d in data["decisions"])
    return KeptPromotion(str(data["route"]), str(data["state"]), int(data["weight"]), decisions)
