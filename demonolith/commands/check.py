"""``demonolith check PATH --against analysis.json``: the boundary ratchet for CI.

Exit 0 when the code at PATH crosses the proposed boundaries no more than when the analysis was
made (fewer is fine), 1 when a crossing was added; ``--json`` prints the verdict for machines.
"""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.ci.ratchet import (
    Crossing,
    RatchetResult,
    baseline_crossings,
    compare_crossings,
    current_crossings,
    result_to_json,
)
from analyzer.model.analysis import analysis_from_json
from demonolith.errors import AnalysisFileError, SourceTreeError


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisFileError(f"{path}: cannot read: {exc}") from exc


def _line(crossing: Crossing) -> str:
    return f"  {crossing.path}:{crossing.line}  {crossing.kind}  {crossing.subject}"


def _summary(result: RatchetResult) -> list[str]:
    fixed = f", {len(result.fixed)} fixed" if result.fixed else ""
    if result.ok:
        return [f"ok: {result.current} crossings (baseline {result.baseline}), none new{fixed}"]
    return [f"FAILED: {len(result.new)} new crossings of the proposed boundaries "
            f"({result.current} now, baseline {result.baseline}{fixed}):",
            *(_line(c) for c in result.new)]


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--against", "against", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The analysis.json whose boundaries and crossings are the baseline.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.pass_context
def check(ctx: click.Context, path: Path, against: Path, as_json: bool, no_cache: bool) -> None:
    """Fail when code at PATH crosses the boundaries of --against more than it did."""
    if not path.is_dir():
        raise SourceTreeError(f"{path}: not a directory")
    baseline = analysis_from_json(_read(against), str(against))
    current = current_crossings(path.resolve(), baseline, use_cache=not no_cache)
    result = compare_crossings(baseline_crossings(baseline), current)
    if as_json:
        click.echo(result_to_json(result), nl=False)
    else:
        click.echo("\n".join(_summary(result)))
    if not result.ok:
        ctx.exit(1)
