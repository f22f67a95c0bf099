"""The migration plan in words: what crosses at each step, and an effort that separates the steps.

The analyzer's plan lists violation ids; a reader needs what crosses and where
(``orders.Order.customer -> customers.Customer, orders/models.py:41``), grouped by kind. The
effort is counted in points from the work itself, on a doubling scale, so a step with 500
crossings and one with 12 do not share a letter:

``points = violations + 2·foreign writes + 2·tables to copy + routes / 2 + 10·sagas``;
S < 16 ≤ M < 64 ≤ L < 256 ≤ XL < 1024 ≤ XXL. The same formula runs in the what-if (whatif.js).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analyzer.model.analysis import Analysis, PlanStep, Violation
from analyzer.model.wording import plural

SIZES = ((16, "S"), (64, "M"), (256, "L"), (1024, "XL"))
SAGA_KIND = "distributed-transaction"
SHOWN_PER_KIND = 12


@dataclass(frozen=True)
class Effort:
    """The points of one step, what they are made of, and the size they fall in."""

    points: int
    size: str
    violations: int
    foreign_writes: int
    tables: int
    routes: int
    sagas: int

    @property
    def breakdown(self) -> str:
        """The counts behind the points, in words."""
        return (f"{plural(self.violations, 'crossing')} to fix "
                f"({plural(self.foreign_writes, 'foreign write')}), {plural(self.tables, 'table')} to copy, "
                f"{plural(self.routes, 'route')} to move, {plural(self.sagas, 'saga')} to build")


@dataclass(frozen=True)
class StepView:
    """One plan step as the page shows it."""

    step: PlanStep
    effort: Effort
    crossings: tuple[tuple[str, int, tuple[Violation, ...]], ...]  # (kind, count, first few)


def size_of(points: int) -> str:
    """The size letter of a number of points."""
    return next((size for bound, size in SIZES if points < bound), "XXL")


def effort_of(step: PlanStep, violations: list[Violation]) -> Effort:
    """Count the work of one step."""
    writes = sum(1 for v in violations if v.kind == "foreign-write")
    sagas = sum(1 for v in violations if v.kind == SAGA_KIND)
    points = round(len(violations) + 2 * writes + 2 * len(step.tables) + len(step.routes) / 2 + 10 * sagas)
    return Effort(points, size_of(points), len(violations), writes, len(step.tables), len(step.routes), sagas)


def plan_views(analysis: Analysis) -> tuple[StepView, ...]:
    """Every step, in order, with its effort and its crossings grouped by kind."""
    by_id = {v.id: v for v in analysis.violations}
    result = []
    for step in sorted(analysis.plan, key=lambda s: s.order):
        found = [by_id[i] for i in step.violations_to_fix if i in by_id]
        grouped: dict[str, list[Violation]] = defaultdict(list)
        for violation in sorted(found, key=lambda v: (v.path, v.line, v.id)):
            grouped[violation.kind].append(violation)
        crossings = tuple((kind, len(items), tuple(items[:SHOWN_PER_KIND]))
                          for kind, items in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])))
        result.append(StepView(step, effort_of(step, found), crossings))
    return tuple(result)
