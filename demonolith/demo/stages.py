"""The stages of the cut-over — shadow, canary (10 %, sticky), 100 %, failover drill, rollback —
each one routing change, one load of traffic, and the figures the proxy and the visitors saw.

Only routes the shadow stage proved (compared, and never different) are moved; the others stay on
the monolith and keep being compared. A stub route of the extracted service (it answers 501 until
it calls other services) differing in shadow is expected; any other difference is not.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from demonolith.demo.control import ProxyControl
from demonolith.demo.prepare import MovedRoute, Subject
from demonolith.demo.routefiles import StageRouting, Topology, admin_change, routes_document, routing
from demonolith.demo.scrape import AccessEntry, Sample, increase, parse_metrics, read_access_log, total
from demonolith.demo.traffic import Load, Outcome, Traffic, drive

SETTLE_SECONDS = 10.0


@dataclass(frozen=True)
class RouteFigures:
    """One moved route in one stage."""

    name: str
    requests: int  # the visitors' requests to it
    to_service: int  # answered by the service (metrics)
    matches: int
    diffs: int
    shadow_errors: int


@dataclass(frozen=True)
class StageResult:
    """What one stage did and measured."""

    name: str
    commands: tuple[str, ...]  # the `demonolith routes set` commands that made this stage
    placed: tuple[str, ...]  # routes this stage sends (a share of) to the service
    outcomes: tuple[Outcome, ...]
    routes: tuple[RouteFigures, ...]
    fallbacks: int
    upstream_errors: int
    diff_examples: tuple[str, ...]
    served_by: tuple[tuple[str, str], ...]  # request id -> upstream (access log)
    notes: tuple[str, ...] = ()

    @property
    def requests(self) -> int:
        """Requests the visitors sent."""
        return len(self.outcomes)

    @property
    def errors(self) -> int:
        """Requests without an answer or answered with a 5xx."""
        return sum(o.failed for o in self.outcomes)

    @property
    def retried(self) -> int:
        """Writes a till sent again after no answer or a 502-504 (the answer counted is the second)."""
        return sum(o.retried for o in self.outcomes)

    @property
    def unanswered(self) -> int:
        """Requests that got no answer at all."""
        return sum(o.status == 0 for o in self.outcomes)

    @property
    def auth_lost(self) -> int:
        """Logged-in requests answered as if anonymous."""
        return sum(o.auth_lost for o in self.outcomes)

    @property
    def diffs(self) -> int:
        """Shadow comparisons that found a difference."""
        return sum(r.diffs for r in self.routes)

    @property
    def moved_requests(self) -> int:
        """Requests to the routes this stage sends (a share of) to the service."""
        return sum(r.requests for r in self.routes if r.name in self.placed)

    @property
    def to_service(self) -> int:
        """Requests the new service answered (on any route)."""
        return sum(r.to_service for r in self.routes)

    def upstream_of(self, request_id: str) -> str:
        """Which upstream answered ``request_id`` ("" when the access log does not say)."""
        return dict(self.served_by).get(request_id, "")


Announce = Callable[[str, tuple[str, ...], "StageResult | None"], None]


@dataclass(frozen=True)
class Stage:
    """Everything the stages share: the subject, the topology, the proxy, the traffic."""

    subject: Subject
    topology: Topology
    control: ProxyControl
    traffic: Traffic

    def run(self, name: str, placement: StageRouting,
            during: Callable[[list[Outcome]], None] | None = None,
            announce: Announce | None = None, load: Load | None = None,
            stop: threading.Event | None = None) -> StageResult:
        """Apply ``placement``, drive the traffic (``during`` runs beside it), measure.

        ``announce(name, commands, None)`` is called once the routing is in place,
        ``announce(name, commands, result)`` at the end. ``load`` replaces the traffic's load for
        this stage; once ``stop`` is set the traffic ends early.
        """
        if placement.promotion is not None:  # a promoted canary starts from its routes file
            self.control.rewrite(routes_document(self.topology, self.subject.routes, placement))
            first = len(self.control.commands) - 1
            commands = (*self.control.commands[first:], *self.apply(placement))
        else:
            commands = self.apply(placement)
        if announce is not None:
            announce(name, commands, None)
        placed = tuple(r.name for r in self.subject.routes if _sends_to_service(placement, r.name))
        focus = tuple(p for p in self.traffic.probes if self.traffic.matcher.route_of(p) in placed)
        before = parse_metrics(self.control.metrics_text())
        sink: list[Outcome] = []
        helper = threading.Thread(target=during, args=(sink,), daemon=True) if during else None
        if helper is not None:
            helper.start()
        traffic = replace(self.traffic, label=name, focus=focus, load=load or self.traffic.load)
        outcomes = drive(traffic, sink, stop)
        if helper is not None:
            helper.join(timeout=60)
        grown = increase(before, parse_metrics(self._settled_metrics()))
        served = self._access_log_of(outcomes)
        result = StageResult(
            name, commands, placed, outcomes, self._route_figures(outcomes, grown),
            int(total(grown, "proxy_fallbacks_total")), int(total(grown, "proxy_upstream_errors_total")),
            self._diff_examples(), _served_by(outcomes, served))
        if announce is not None:
            announce(name, commands, result)
        return result

    def apply(self, placement: StageRouting) -> tuple[str, ...]:
        """Make the routing ``placement`` through the admin API; returns the commands it took."""
        first = len(self.control.commands)
        changes = {route.name: admin_change(placement.placement_of(route.name), self.topology.service,
                                            placement.canary_percent, placement.mirrored)
                   for route in self.subject.routes}
        if not any(changes.values()):  # every route back on the routes file: one atomic call
            self.control.rollback()
        for name, change in changes.items():
            self.control.set_route(name, change)  # a no-op for a route already so
        return tuple(self.control.commands[first:])

    def _settled_metrics(self) -> str:
        """Metrics once the shadow queue is empty (<= 10 s)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        text = self.control.metrics_text()
        while time.monotonic() < deadline:
            if total(parse_metrics(text), "proxy_shadow_queue_length") == 0:
                break
            time.sleep(0.2)
            text = self.control.metrics_text()
        return self.control.metrics_text()

    def _access_log_of(self, outcomes: Sequence[Outcome]) -> dict[str, AccessEntry]:
        """The access log once it holds every answered request of ``outcomes`` (<= 10 s)."""
        answered = {o.request_id for o in outcomes if o.status}
        deadline = time.monotonic() + SETTLE_SECONDS
        served = read_access_log(self.control.access_log)
        while not answered <= served.keys() and time.monotonic() < deadline:
            time.sleep(0.25)
            served = read_access_log(self.control.access_log)
        return served

    def _route_figures(self, outcomes: Sequence[Outcome],
                       grown: Sequence[Sample]) -> tuple[RouteFigures, ...]:
        service = self.topology.service
        figures = []
        for route in self.subject.routes:
            shadow = {result: int(total(grown, "proxy_shadow_comparisons_total", route=route.name,
                                        result=result)) for result in ("match", "diff", "error")}
            figures.append(RouteFigures(
                route.name, sum(o.route == route.name for o in outcomes),
                int(total(grown, "proxy_requests_total", route=route.name, upstream=service)),
                shadow["match"], shadow["diff"], shadow["error"]))
        return tuple(figures)

    def _diff_examples(self) -> tuple[str, ...]:
        try:
            recent = json.loads(self.control.status_text()).get("shadow_recent", [])
        except (OSError, ValueError):
            return ()
        examples: dict[str, str] = {}
        for entry in recent:
            if not isinstance(entry, dict):
                continue
            detail = entry.get("differences") or entry.get("error") or ""
            statuses = f"{entry.get('primary_status', '?')} vs {entry.get('shadow_status', '?')}"
            examples.setdefault(str(entry.get("route")), f"{entry.get('route')}: {statuses}: {detail}")
        return tuple(sorted(examples.values()))


def _sends_to_service(placement: StageRouting, name: str) -> bool:
    where = placement.placement_of(name)
    return where in ("promoted", "service") or (where == "canary" and placement.canary_percent > 0)


def _served_by(outcomes: Sequence[Outcome], served: dict[str, AccessEntry]) -> tuple[tuple[str, str], ...]:
    return tuple((o.request_id, served[o.request_id].upstream) for o in outcomes if o.request_id in served)


def shadow_verdict(subject: Subject, shadow: StageResult) -> tuple[tuple[str, ...], dict[str, str]]:
    """Routes proven in shadow (compared, no difference), and why each other route is held back."""
    by_name = {r.name: r for r in shadow.routes}
    verified: list[str] = []
    held: dict[str, str] = {}
    for route in subject.routes:
        figures = by_name[route.name]
        if route.stub:
            held[route.name] = "stub: needs other services' APIs (expected difference)"
        elif figures.diffs or figures.shadow_errors:
            held[route.name] = (f"UNEXPECTED: {figures.diffs} differences, "
                                f"{figures.shadow_errors} shadow errors in {figures.matches + figures.diffs} "
                                "comparisons")
        elif figures.matches == 0:
            held[route.name] = "not compared (no traffic reached it)"
        else:
            verified.append(route.name)
    return tuple(verified), held


def unexpected_differences(subject: Subject, shadow: StageResult) -> dict[str, int]:
    """Differences (and shadow errors) on routes whose code the service carries (not stubs)."""
    carried = {r.name for r in subject.carried}
    return {r.name: r.diffs + r.shadow_errors for r in shadow.routes
            if r.name in carried and (r.diffs or r.shadow_errors)}


def plan_stages(routes: Sequence[MovedRoute], verified: Sequence[str]) -> dict[str, StageRouting]:
    """The routing of every stage after shadow: moved routes advance, held ones stay in shadow."""
    return {
        "canary": routing(routes, "canary", only=verified, others="shadow"),
        "cutover": routing(routes, "service", only=verified, others="shadow"),
        "rollback": routing(routes, "monolith"),
    }
