"""What ``analyze`` prints: the summary as text lines or as one JSON document (``--format json``).

Both forms are built from the same facts and Analysis, and count crossings as ``check`` does
(:mod:`analyzer.model.crossings`), so the numbers never differ between them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.model.analysis import Analysis
from analyzer.model.crossings import analysis_crossings, count_by_kind, crossings_line
from analyzer.model.facts import ProjectFacts
from demonolith.output import plural


@dataclass(frozen=True)
class Outputs:
    """The files one run wrote or left current (None: not asked for)."""

    facts: Path | None = None
    analysis: Path | None = None
    summary: Path | None = None
    report: Path | None = None


def facts_line(facts: ProjectFacts) -> str:
    """``133 files, 5201 lines: 23 models, 42 routes, ...``."""
    return (f"{plural(facts.files, 'file')}, {plural(facts.lines, 'line')}: "
            f"{plural(len(facts.models), 'model')}, {plural(len(facts.routes), 'route')}, "
            f"{plural(len(facts.sql), 'SQL site')}, {plural(len(facts.atomic_blocks), 'atomic block')}, "
            f"{plural(len(facts.signals), 'signal receiver')}")


def boundary_summary(analysis: Analysis) -> list[str]:
    """The short table printed after analysis: services, their sizes, crossings by kind (counted
    as ``check`` counts them)."""
    lines = [analysis.count_reason, f"{'service':<20} {'models':>6} {'tables':>6} {'routes':>6} {'units':>6} "
             f"{'lines':>7}"]
    for s in analysis.services:
        lines.append(f"{s.name:<20} {len(s.models):>6} {len(s.tables):>6} {len(s.routes):>6} "
                     f"{len(s.units):>6} {s.lines:>7}")
    lines.append(crossings_line(analysis_crossings(analysis)))
    if analysis.shared:
        lines.append("shared libraries: " + ", ".join(c.module for c in analysis.shared))
    return lines


def _facts_part(facts: ProjectFacts) -> dict[str, Any]:
    return {
        "files": facts.files, "lines": facts.lines, "models": len(facts.models),
        "routes": len(facts.routes), "sql_sites": len(facts.sql),
        "atomic_blocks": len(facts.atomic_blocks), "signal_receivers": len(facts.signals),
        "warnings": [{"path": w.path, "line": w.line, "code": w.code, "message": w.message}
                     for w in facts.warnings],
    }


def _analysis_part(analysis: Analysis) -> dict[str, Any]:
    found = analysis_crossings(analysis)
    return {
        "count_reason": analysis.count_reason,
        "services": [{"name": s.name, "models": len(s.models), "tables": len(s.tables),
                      "routes": len(s.routes), "units": len(s.units), "lines": s.lines}
                     for s in analysis.services],
        "crossings": {"total": len(found), "by_kind": dict(count_by_kind(found))},
        "shared_libraries": [c.module for c in analysis.shared],
    }


def summary_json(facts: ProjectFacts, analysis: Analysis | None, outputs: Outputs) -> str:
    """``analyze --format json``: the facts' counts and warnings, the services and crossings (none
    with ``--facts-only``), and the paths written; deterministic."""
    document: dict[str, Any] = {"facts": _facts_part(facts),
                                "analysis": _analysis_part(analysis) if analysis else None,
                                "outputs": {name: str(path) if path else None
                                            for name, path in vars(outputs).items()}}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
