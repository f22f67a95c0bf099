"""The migration plan: which service to extract first, and what each step moves and must fix.

Greedy and deterministic: at each step the remaining service that is cheapest and safest to
extract goes next, by this key (smallest first):

1. needs a saga that no earlier step has built (it takes part in a distributed transaction
   whose other services are all still in the monolith);
2. inbound dependencies: how many other services depend on it;
3. shared tables: tables it owns that others use, or others' tables it uses;
4. violations still to fix; then its size in lines; then its name.

A step lists the routes to move, the tables to copy (those it owns), and the violations to fix
first (those crossing its boundary that no earlier step fixed). Its effort comes from the counts:
``points = routes + tables + 2·violations + 3·inbound + 8·(new saga)``; S ≤ 8 < M ≤ 20 < L ≤ 40 < XL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzer.model.analysis import Analysis, PlanStep, Service, Violation
from analyzer.model.wording import plural, verb

EFFORT_BANDS = ((8, "S"), (20, "M"), (40, "L"))
SAGA_KIND = "distributed-transaction"


@dataclass(frozen=True)
class Candidate:
    """A service weighed for the next step, given the services already extracted."""

    service: Service
    inbound: int
    shared: tuple[str, ...]
    violations: tuple[Violation, ...]
    new_saga: bool

    def key(self) -> tuple[bool, int, int, int, int, str]:
        """Sort key: cheapest and safest first."""
        return (self.new_saga, self.inbound, len(self.shared), len(self.violations),
                self.service.lines, self.service.name)


def inbound_dependencies(analysis: Analysis, service: str) -> int:
    """How many other services depend on ``service``."""
    return len({d.source for d in analysis.dependencies if d.target == service and d.source != service})


def shared_tables_of(analysis: Analysis, service: str) -> tuple[str, ...]:
    """Tables ``service`` owns that others read or write, and others' tables it reads or writes."""
    shared = set()
    for usage in analysis.tables:
        users = set(usage.readers) | set(usage.writers)
        if (usage.owner == service and users - {service}) or (usage.owner != service and service in users):
            shared.add(usage.table)
    return tuple(sorted(shared))


def candidate(analysis: Analysis, service: Service, fixed: frozenset[str],
              violations: tuple[Violation, ...] | None = None) -> Candidate:
    """Weigh ``service`` for the next step; ``fixed`` holds the ids earlier steps already fixed
    (``violations``: the service's own, sorted by id, when already gathered)."""
    if violations is None:
        violations = tuple(sorted(analysis.violations_of(service.name), key=lambda v: v.id))
    return _candidate(service, fixed, violations, inbound_dependencies(analysis, service.name),
                      shared_tables_of(analysis, service.name))


def _candidate(service: Service, fixed: frozenset[str], violations: tuple[Violation, ...], inbound: int,
               shared: tuple[str, ...]) -> Candidate:
    open_violations = tuple(v for v in violations if v.id not in fixed)
    return Candidate(service=service, inbound=inbound, shared=shared, violations=open_violations,
                     new_saga=any(v.kind == SAGA_KIND for v in open_violations))


def violations_by_service(analysis: Analysis) -> dict[str, tuple[Violation, ...]]:
    """Each service's violations (those it crosses from or is crossed into), sorted by id: what
    :meth:`Analysis.violations_of` gives, gathered in one pass."""
    found: dict[str, list[Violation]] = {service.name: [] for service in analysis.services}
    for violation in analysis.violations:
        for name in {violation.source_service, *violation.target_services}:
            if name in found:
                found[name].append(violation)
    return {name: tuple(sorted(items, key=lambda v: v.id)) for name, items in found.items()}


class _OpenCounts:
    """Each service's open violations counted (all of them, and the sagas among them), lowered as
    the steps fix them: what :meth:`Candidate.key` reads, without filtering the lists at each step."""

    def __init__(self, violations: Mapping[str, tuple[Violation, ...]]) -> None:
        self.open = {name: len(items) for name, items in violations.items()}
        self.sagas = {name: sum(v.kind == SAGA_KIND for v in items) for name, items in violations.items()}
        self.listed: dict[str, list[tuple[str, bool]]] = {}  # id -> (service, saga) per listing
        for name, items in violations.items():
            for violation in items:
                self.listed.setdefault(violation.id, []).append((name, violation.kind == SAGA_KIND))

    def key(self, service: Service, inbound: int, shared: int) -> tuple[bool, int, int, int, int, str]:
        """:meth:`Candidate.key` of ``service`` given the violations fixed so far."""
        return (self.sagas[service.name] > 0, inbound, shared, self.open[service.name], service.lines,
                service.name)

    def fix(self, ids: Iterable[str]) -> None:
        """Count the violations ``ids`` (none fixed before) as fixed."""
        for id_ in ids:
            for name, saga in self.listed.pop(id_, ()):
                self.open[name] -= 1
                self.sagas[name] -= saga


def effort_points(chosen: Candidate) -> int:
    """The effort of a step, in points derived from its counts (see the module docstring)."""
    service = chosen.service
    return (len(service.routes) + len(service.tables) + 2 * len(chosen.violations)
            + 3 * chosen.inbound + (8 if chosen.new_saga else 0))


def effort_band(points: int) -> str:
    """``S``, ``M``, ``L`` or ``XL`` for a number of effort points."""
    for limit, band in EFFORT_BANDS:
        if points <= limit:
            return band
    return "XL"


def reasoning(chosen: Candidate, order: int) -> str:
    """One sentence: why this service goes at this place, and what the step involves."""
    service = chosen.service
    position = "first" if order == 1 else f"at step {order}"
    depends = f"{plural(chosen.inbound, 'service')} {verb(chosen.inbound, 'depends', 'depend')}"
    saga = "needs a saga for a transaction it shares" if chosen.new_saga else "needs no new saga"
    return (
        f"{service.name} goes {position} because {depends} on it, it shares "
        f"{plural(len(chosen.shared), 'table')} and {saga}; move {plural(len(service.routes), 'route')}"
        f" and copy {plural(len(service.tables), 'table')} after fixing "
        f"{plural(len(chosen.violations), 'violation')}."
    )


def plan_migration(analysis: Analysis) -> tuple[PlanStep, ...]:
    """Order the extraction of every service of ``analysis``, cheapest and safest first.

    Reads only ``services``, ``tables``, ``violations`` and ``dependencies``, so it runs on an
    Analysis still being built.
    """
    remaining = sorted(analysis.services, key=lambda s: s.name)
    violations = violations_by_service(analysis)
    # what does not change from step to step, weighed once per service
    inbound = {s.name: inbound_dependencies(analysis, s.name) for s in remaining}
    shared = {s.name: shared_tables_of(analysis, s.name) for s in remaining}
    counts = _OpenCounts(violations)
    fixed: frozenset[str] = frozenset()
    steps: list[PlanStep] = []
    while remaining:
        best = min(remaining, key=lambda s: counts.key(s, inbound[s.name], len(shared[s.name])))
        chosen = _candidate(best, fixed, violations[best.name], inbound[best.name], shared[best.name])
        order = len(steps) + 1
        steps.append(PlanStep(
            order=order,
            service=chosen.service.name,
            routes=tuple(sorted(chosen.service.routes)),
            tables=tuple(sorted(chosen.service.tables)),
            violations_to_fix=tuple(v.id for v in chosen.violations),
            effort=effort_band(effort_points(chosen)),
            reasoning=reasoning(chosen, order),
            needs_saga=chosen.new_saga,
        ))
        newly = {v.id for v in chosen.violations}
        counts.fix(sorted(newly))
        fixed |= newly
        remaining.remove(chosen.service)
    return tuple(steps)
