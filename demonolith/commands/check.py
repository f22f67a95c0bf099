"""``demonolith check PATH --against analysis.json``: the boundary ratchet for CI.

Exit 0 when the code at PATH crosses the proposed boundaries no more than when the analysis was
made (fewer is fine), 11 (:class:`CrossingsGrew`) when a crossing was added, 12
(:class:`BaselineMismatch`) when PATH is not the baseline's project, so that a CI job pointed at
the wrong directory fails instead of passing with "0 crossings". ``--format`` prints the verdict
as text, JSON, GitHub workflow annotations or SARIF 2.1.0 (:mod:`analyzer.ci.verdict`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from analyzer.ci.baseline import BaselineSummary, read_baseline, summarise
from analyzer.ci.check_run import check_tree
from analyzer.ci.verdict import FORMATS, render_verdict
from analyzer.model.analysis import Analysis
from analyzer.project_facts.cache import DEFAULT_CACHE_DIRNAME
from analyzer.source.discover import list_tree
from analyzer.source.discover_config import discover_options
from analyzer.source.listing import FileListing
from demonolith import __version__
from demonolith.errors import AnalysisFileError, BaselineMismatch, CrossingsGrew, SourceTreeError, UsageError
from demonolith.output import quiet
from demonolith.progress import terminal_phases

# The share of the baseline's modules the tree must hold to be taken for the same project.
MIN_MODULES_FOUND = 0.5


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AnalysisFileError(f"{path}: cannot read: {exc}") from exc


def check_cache_dir(root: Path, given: Path | None, no_cache: bool) -> Path | None:
    """Where check caches: ``--cache-dir``, else the tree's ``.demonolith-cache/`` when it exists
    (``analyze`` made it), else nowhere."""
    if no_cache:
        return None
    if given is not None:
        return given
    default = root / DEFAULT_CACHE_DIRNAME
    return default if default.is_dir() else None


def baseline_modules(analysis: Analysis) -> set[str]:
    """The dotted modules the baseline's services hold."""
    return set(summarise(analysis).modules)


def refuse_another_project(path: Path, against: Path, baseline: BaselineSummary) -> FileListing | None:
    """Raise :class:`BaselineMismatch` when fewer than :data:`MIN_MODULES_FOUND` of the baseline's
    modules are in the tree at ``path`` (an empty directory, another project, a wrong sub-folder);
    else the tree's listing, which the facts then reuse (None: the baseline names no module)."""
    expected = set(baseline.modules)
    if not expected:
        return None
    listing = list_tree(path, discover_options(path))  # as analyze lists it
    found = {f.module for f in listing.files}
    share = len(expected & found) / len(expected)
    if share < MIN_MODULES_FOUND:
        raise BaselineMismatch(
            f"{path}: not the project of {against} ({baseline.project_name or 'unnamed'}, settings "
            f"{baseline.settings_module or 'unknown'}): {len(expected & found)} of its "
            f"{len(expected)} modules found, {MIN_MODULES_FOUND:.0%} needed; point check at the tree "
            f"analyze read")
    return listing


def tree_prefix(path: Path) -> str:
    """``path`` from the working directory (where CI runs), for the formats that link to files."""
    return Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix()


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--against", "against", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The analysis.json whose boundaries and crossings are the baseline.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text; json; github (workflow annotations with file and line); sarif (2.1.0).")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Cache directory (default: PATH/.demonolith-cache when analyze made it, else none: "
                   "check writes nothing into the tree unless asked).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.pass_context
def check(ctx: click.Context, path: Path, against: Path, fmt: str, as_json: bool, cache_dir: Path | None,
          no_cache: bool) -> None:
    """Fail when code at PATH crosses the boundaries of --against more than it did.

    \b
    Exit codes:
      0   no crossing was added (fewer is fine)
      11  crossings grew: the new ones are listed with path:line
      12  PATH is not the project of --against (under half of its modules found)
      other  an error (see the README's exit-code table)
    """
    if not path.is_dir():
        raise SourceTreeError(f"{path}: not a directory")
    directory = check_cache_dir(path.resolve(), cache_dir, no_cache)
    baseline = read_baseline(_read(against), str(against), directory)
    listing = refuse_another_project(path.resolve(), against, baseline.summary)
    with terminal_phases(sys.stderr, quiet(ctx)) as phases:
        result = check_tree(path.resolve(), baseline, directory, phases, listing)
    if as_json and fmt not in ("text", "json"):
        raise UsageError(f"--json and --format {fmt} contradict each other; give one")
    fmt = "json" if as_json else fmt
    if not (fmt == "text" and result.ok and quiet(ctx)):
        click.echo(render_verdict(result, fmt, tree_prefix(path), __version__), nl=False)
    if not result.ok:
        ctx.exit(CrossingsGrew.exit_code)
