"""The automatic canary in a running proxy: every route with a ``promotion`` table, on its interval.

One :class:`PromotionLoop` per owner process (the single proxy, or the supervisor with
``--workers``). About once a second it takes the per-request samples the data path recorded
(:class:`~strangler_proxy.observe.samples.Samples`, from every worker), keeps each promoted route's
window (bounded), and for each route whose time has come reads the sync relay's status (when the
policy names ``sync_status_url``), calls :func:`~strangler_proxy.policy.promotion.decide`, and
applies the new weight through :meth:`LiveRoutes.change` -- the path of an admin change: the
state file first, then one swap of the config in every process. Every decision is logged
(``promotion_decision``, with its reason), counted in ``/metrics`` and kept for
``GET /api/routes/NAME/promotion``, and kept in the state file with the route's state
(:meth:`LiveRoutes.keep_promotion`; a write that fails is tried again every round), so a restart
continues a held or rolled-back canary with its decisions. ``--step``, ``--hold`` and
``--rollback`` arrive through :meth:`PromotionLoop.command`; ``--steps``/``--every`` (a promotion
for a route without a ``promotion`` table) through :meth:`PromotionLoop.start`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from strangler_proxy.config.changes import (
    ChangeError,
    changeable_route,
    requested_promotion,
    start_weights,
)
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import Route
from strangler_proxy.config.state import Who, find_route
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.observe.samples import MAX_SAMPLES, Taken
from strangler_proxy.policy.promotion import (
    HOLD,
    PROMOTE,
    Decision,
    SyncStatus,
    decide,
    sync_status_from_json,
)
from strangler_proxy.policy.promotion_state import (
    DECIDING,
    NEVER,
    RUNNING,
    CommandError,
    Promotion,
    Sample,
    after,
    canary_share,
    commanded,
    derived,
    kept_of,
    primary_kept,
    promotion_weights,
    restored,
    when_held,
    windows,
)

logger = logging.getLogger("strangler_proxy.promotion")
TakeSamples = Callable[[], Awaitable[Taken]]
ReadSync = Callable[[str], Awaitable[SyncStatus]]
LOOP = Who("promotion", "-", None)
TICK_SECONDS = 1.0
SYNC_TIMEOUT = 2.0


async def fetch_sync_status(url: str) -> SyncStatus:
    """``GET url`` (the relay's ``/status``); OSError or ValueError saying why it failed."""

    def get() -> bytes:
        try:
            with urllib.request.urlopen(url, timeout=SYNC_TIMEOUT) as response:
                body: bytes = response.read(64 * 1024)
                return body
        except urllib.error.HTTPError as exc:
            raise OSError(f"GET {url}: status {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise OSError(f"GET {url}: {getattr(exc, 'reason', exc)}") from exc

    body = await asyncio.to_thread(get)
    try:
        return sync_status_from_json(body)
    except ValueError as exc:
        raise ValueError(f"GET {url}: {exc}") from exc


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds")


class PromotionLoop:
    """Promotes the canaries of ``live``'s routes; ``take`` gives the samples recorded since."""

    def __init__(self, live: LiveRoutes, take: TakeSamples, metrics: PrometheusRegistry | None,
                 read_sync: ReadSync = fetch_sync_status, tick: float = TICK_SECONDS) -> None:
        """Derive each promoted route's state from the live weights now."""
        self.live, self.take, self.read_sync, self.tick = live, take, read_sync, tick
        self.promotions: dict[str, Promotion] = {}
        self.canary: dict[str, deque[Sample]] = {}
        self.primary: dict[str, deque[Sample]] = {}
        self.sync_seen: dict[str, SyncStatus] = {}
        self.unsaved: set[str] = set()  # routes whose state the state file could not take yet
        self._lock = asyncio.Lock()
        registry = metrics or PrometheusRegistry()
        self.decisions = registry.add_counter(
            "demonolith_proxy_promotion_decisions_total",
            "Automatic canary decisions by route and kind: promote, hold, rollback, complete.",
            ("route", "action"))
        registry.add_gauge("demonolith_proxy_promotion_weight",
                           "The canary's weight (percent) of each route under promotion.",
                           ("route",), self._weights, "max")
        self._follow_config(time.monotonic())

    def _weights(self) -> dict[tuple[str, ...], float]:
        return {(name, ): float(p.weight) for name, p in sorted(self.promotions.items())}

    async def run(self) -> None:
        """Decide each route on its interval until cancelled (a failed round is logged)."""
        while True:
            try:
                async with self._lock:
                    await self._round()
            except Exception:  # a bug must not stop the promotions
                logger.exception("promotion round failed")
            due = min((p.next_at for p in self.promotions.values()), default=NEVER)
            await asyncio.sleep(max(0.0, min(self.tick, due - time.monotonic())))

    async def _round(self) -> None:
        self._follow_config(time.monotonic())
        if not self.promotions:  # nothing is recorded either: no need to ask the workers
            return
        for name in sorted(self.unsaved & set(self.promotions)):
            await self._save(name, self.promotions[name])
        self._keep(await self.take())
        for name, promotion in list(self.promotions.items()):
            if promotion.state in DECIDING and promotion.next_at <= time.monotonic():
                await self._decide(name, promotion)

    # -- following the live routes -------------------------------------------------------------
    def _promoted_routes(self) -> list[Route]:
        config = self.live.config
        return [r for r in (*config.routes, config.default) if r.promotion is not None]

    def _follow_config(self, now: float) -> None:
        """(Re)derive the state of routes whose weights or policy changed outside this loop."""
        found = {}
        for route in self._promoted_routes():
            assert route.promotion is not None
            share, known = canary_share(route.weights), self.promotions.get(route.name)
            if known is not None and known.policy == route.promotion and known.weight == share:
                found[route.name] = known
                continue
            fresh = derived(route.name, route.promotion, share, now)
            if known is None:
                fresh = restored(fresh, self.live.state.promotion(route.name))
            else:
                fresh = replace(fresh, decisions=known.decisions)
                _log("promotion_rebased", route=route.name, weight=share, state=fresh.state,
                     reason="the route's weights or promotion table changed outside the loop")
            self.canary[route.name] = deque(maxlen=MAX_SAMPLES)
            self.primary.setdefault(route.name, deque(maxlen=MAX_SAMPLES))
            found[route.name] = fresh
        for gone in set(self.promotions) - set(found):
            for kept in (self.canary, self.primary, self.sync_seen):
                kept.pop(gone, None)
        self.promotions = found

    def _keep(self, taken: Taken) -> None:
        """File the samples of each promoted route under its canary or its primary."""
        for (name, upstream), values in taken.items():
            route = find_route(self.live.config, name)
            if route is None or name not in self.promotions:
                continue
            primary, canary = (upstream_name for upstream_name, _ in route.weights)
            if upstream == canary:
                self.canary[name].extend(values)
            elif upstream == primary:
                self.primary[name].extend(values)

    # -- deciding and applying -------------------------------------------------------------------
    async def _decide(self, name: str, promotion: Promotion) -> None:
        sync, unreachable = await self._sync(name, promotion)
        primary, canary = windows(promotion, self.primary[name], self.canary[name])
        decision = decide(promotion.policy, promotion.step, primary, canary, sync, unreachable)
        try:
            await self._apply(name, promotion, when_held(promotion, decision), LOOP, None)
        except (ChangeError, OSError):  # logged; tried again at the next interval
            retry = time.monotonic() + promotion.policy.every_seconds
            self.promotions[name] = replace(promotion, next_at=retry)

    async def _sync(self, name: str, promotion: Promotion) -> tuple[
            tuple[SyncStatus, SyncStatus] | None, str]:
        url = promotion.policy.sync_status_url
        if url is None:
            return None, ""
        try:
            now = await self.read_sync(url)
        except (OSError, ValueError) as exc:
            return None, str(exc)
        previous = self.sync_seen.get(name, now)
        self.sync_seen[name] = now
        return (previous, now), ""

    async def _apply(self, name: str, promotion: Promotion, decision: Decision, who: Who,
                     state: str | None) -> Promotion:
        route = find_route(self.live.config, name)
        assert route is not None
        if decision.action != HOLD and decision.weight != promotion.weight:
            primary, canary = (upstream for upstream, _ in route.weights)
            try:
                await self.live.change(name, {"weights": promotion_weights(
                    (primary, canary), decision.weight)}, who)
            except (ChangeError, OSError) as exc:
                _log("promotion_apply_failed", route=name, action=decision.action,
                     weight=decision.weight, error=str(exc))
                raise
        by = who.token if who.user is None else f"{who.token} ({who.user})"
        judged = windows(promotion, self.primary[name], self.canary[name])
        new = after(promotion, decision, time.monotonic(), time.time(), by, state)
        if new.since != promotion.since:
            self.canary[name].clear()
            self.primary[name] = deque(primary_kept(self.primary[name], new), maxlen=MAX_SAMPLES)
        self.promotions[name] = new
        await self._save(name, new)
        self.decisions.inc((name, decision.action))
        _log("promotion_decision", route=name, action=decision.action, by=by,
             weight_before=promotion.weight, weight=new.weight, state=new.state,
             reason=decision.reason, canary_requests=len(judged[1].latencies),
             primary_requests=len(judged[0].latencies))
        return new

    async def _save(self, name: str, promotion: Promotion) -> None:
        """Keep ``promotion`` in the state file; when it cannot be written, say so and retry."""
        try:
            await self.live.keep_promotion(kept_of(promotion))
        except OSError as exc:
            self.unsaved.add(name)
            _log("promotion_state_write_failed", route=name, state=promotion.state,
                 error=str(exc), retry="at the next round")
            return
        self.unsaved.discard(name)

    # -- the admin API -------------------------------------------------------------------------
    async def start(self, name: str, request: dict[str, Any], who: Who) -> dict[str, Any]:
        """Start a promotion of route ``name`` with the policy ``request["promotion"]`` (routes
        file keys) and optionally ``request["canary"]``; ChangeError when refused."""
        async with self._lock:
            self._follow_config(time.monotonic())
            known = self.promotions.get(name)
            if known is not None and known.state in DECIDING:
                raise ChangeError(409, f"route {name} is {known.state} already: promote "
                                       "--rollback first, or let it finish")
            route = changeable_route(self.live.config, name)
            policy = requested_promotion(request.get("promotion"))
            if policy is None:
                raise ChangeError(400, "start: expected a promotion object (steps, every, ...)")
            weights = start_weights(route, request.get("canary"), policy.steps[0])
            await self.live.change(name, {"promotion": request["promotion"],
                                          "weights": weights}, who)
            self._follow_config(time.monotonic())
            promotion, weight = self.promotions[name], list(weights.values())[1]
            steps = ", ".join(str(step) for step in policy.steps)
            reason = f"started by hand: steps {steps}, every {policy.every_seconds:g} s"
            await self._apply(name, promotion, Decision(PROMOTE, weight, reason), who, RUNNING)
            shown = self.status(name)
            assert shown is not None
            return shown

    async def command(self, name: str, action: str, who: Who) -> dict[str, Any]:
        """``--step``, ``--hold`` or ``--rollback`` of route ``name`` now; ChangeError when refused."""
        async with self._lock:
            self._follow_config(time.monotonic())
            promotion = self.promotions.get(name)
            if promotion is None:
                raise ChangeError(404, f"route {name!r} has no promotion table")
            try:
                decision, state = commanded(promotion, action)
            except CommandError as exc:
                raise ChangeError(409 if action in ("step", "hold") else 400, str(exc)) from exc
            await self._apply(name, promotion, decision, who, state)
            shown = self.status(name)
            assert shown is not None
            return shown

    def status(self, name: str) -> dict[str, Any] | None:
        """``GET /api/routes/NAME/promotion``: state, weight, window, next decision, decisions."""
        promotion = self.promotions.get(name)
        if promotion is None:
            return None
        policy, seen = promotion.policy, self.sync_seen.get(name)
        primary, canary = windows(promotion, self.primary[name], self.canary[name])
        wait = None if promotion.next_at == NEVER else max(0.0, promotion.next_at - time.monotonic())
        return {
            "route": name, "state": promotion.state, "weight": promotion.weight,
            "step": promotion.step, "steps": list(policy.steps), "every_seconds": policy.every_seconds,
            "next_decision_in_s": None if wait is None else round(wait, 3),
            "next_decision_at": None if wait is None else _iso(time.time() + wait),
            "window": {"canary": len(canary.latencies), "primary": len(primary.latencies),
                       "min_samples": policy.min_samples},
            "sync_status_url": policy.sync_status_url,
            "sync": None if seen is None else {"lag_seconds": seen.lag_seconds,
                                               "failed": seen.failed, "conflicts": seen.conflicts,
                                               "parity_drift": seen.parity_drift},
            "decisions": [{"at": _iso(entry.at), "action": entry.decision.action,
                           "weight": entry.decision.weight, "reason": entry.decision.reason,
                           "by": entry.by, "times": entry.times} for entry in promotion.decisions],
        }


def _log(event: str, **fields: Any) -> None:
    logger.warning(json.dumps({"event": event, **fields}, sort_keys=True, default=str))
