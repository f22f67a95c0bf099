"""Two runs side by side: which models moved between services, and how the figures changed.

``demonolith report NEW.json --compare OLD.json``: services are matched by name; a model whose
service name differs between the runs moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.model.analysis import Analysis


@dataclass(frozen=True)
class RunComparison:
    """What changed from the previous run to this one."""

    previous: str  # the previous run's project and tool version
    moved: tuple[tuple[str, str, str], ...]  # (model, before, now), sorted
    added: tuple[str, ...]  # models only in this run
    removed: tuple[str, ...]  # models only in the previous run
    figures: tuple[tuple[str, str, str], ...]  # (what, before, now)
    agreement: float  # share of the common models placed in a same-named service


def placement_of(analysis: Analysis) -> dict[str, str]:
    """Model label -> service name."""
    return {label: s.name for s in analysis.services for label in s.models}


def compare_runs(previous: Analysis, current: Analysis) -> RunComparison:
    """Compare two analyses of (presumably) the same monolith."""
    before, now = placement_of(previous), placement_of(current)
    common = sorted(set(before) & set(now))
    moved = tuple((m, before[m], now[m]) for m in common if before[m] != now[m])
    figures = (("services", str(len(previous.services)), str(len(current.services))),
               ("violations", str(len(previous.violations)), str(len(current.violations))),
               ("tables", str(len(previous.tables)), str(len(current.tables))),
               ("models", str(len(previous.models)), str(len(current.models))))
    return RunComparison(f"{previous.project_name} (demonolith {previous.tool_version})", moved,
                         tuple(sorted(set(now) - set(before))), tuple(sorted(set(before) - set(now))),
                         figures, 1 - len(moved) / len(common) if common else 1.0)
