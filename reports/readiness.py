"""Should we split at all? A verdict from measured facts, with the reasons, for the overview.

Splitting pays when most coupling already sits inside the proposed services and few writes or
transactions cross them; otherwise a modular monolith (boundaries frozen with ``demonolith
contracts`` and ``demonolith check``) frees the same teams at a fraction of the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.model.analysis import Analysis, Independence
from analyzer.model.wording import noun, plural, verb

INSIDE_READY = 0.75  # share of coupling weight inside services from which splitting pays
SMALL_LINES = 20_000  # below this a monolith is cheaper to run than any split
MAX_SAGAS = 2
MAX_FOREIGN_WRITES = 20


@dataclass(frozen=True)
class Readiness:
    """The verdict, the facts it comes from (each a sentence), and the history figures."""

    verdict: str  # "split" | "modular-monolith-first" | "stay"
    headline: str
    reasons: tuple[str, ...]
    independence: tuple[Independence, ...]


def inside_share(analysis: Analysis) -> float:
    """The share of coupling weight between items of the same service (1.0 without coupling)."""
    if analysis.coupling is None:
        return 1.0
    service = {i.id: i.service for i in analysis.coupling.items}
    total = sum(e.weight for e in analysis.coupling.edges)
    inside = sum(e.weight for e in analysis.coupling.edges if service.get(e.source) == service.get(e.target))
    return inside / total if total else 1.0


def readiness(analysis: Analysis) -> Readiness:
    """Judge whether the proposal is worth splitting now."""
    share = inside_share(analysis)
    sagas = sum(1 for v in analysis.violations if v.kind == "distributed-transaction")
    writes = sum(1 for v in analysis.violations if v.kind == "foreign-write")
    lines = sum(s.lines for s in analysis.services)
    reasons = [f"{share:.0%} of the coupling weight is inside the proposed services "
               f"({'enough' if share >= INSIDE_READY else 'below'} the {INSIDE_READY:.0%} "
               "where splitting pays)",
               f"{plural(sagas, 'transaction')} {verb(sagas, 'spans', 'span')} services and would "
               f"become {noun(sagas, 'a saga', 'sagas')}",
               f"{plural(writes, 'place')} {verb(writes, 'writes', 'write')} tables another service "
               "would own",
               f"{lines:,} {noun(lines, 'line')} in {plural(len(analysis.services), 'service')}"]
    blockers = [share < INSIDE_READY, sagas > MAX_SAGAS, writes > MAX_FOREIGN_WRITES]
    if lines < SMALL_LINES and len(analysis.services) > 1:
        verdict, headline = "stay", ("Stay a monolith for now: at this size a split costs more in "
                                     "operations than it frees; keep the boundaries as modules.")
    elif any(blockers):
        verdict, headline = "modular-monolith-first", (
            "Make it a modular monolith first: freeze these boundaries in CI (`demonolith contracts`, "
            "`demonolith check`), fix the crossings below inside one deployment, then extract.")
    else:
        verdict, headline = "split", "Ready to extract, one service at a time, in the plan's order."
    return Readiness(verdict, headline, tuple(reasons),
                     analysis.coupling.independence if analysis.coupling else ())
