"""``demonolith extract SERVICE``: generate a runnable service skeleton for one proposed service."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.errors import require_module


@click.command()
@click.argument("service")
@click.option("--analysis", "analysis_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="analysis.json written by analyze.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output directory; the service goes to OUT/SERVICE/.")
@click.option("--force", is_flag=True, help="Overwrite generated files you have edited.")
@click.option("--source", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The monolith's source tree (default: the analysis' source_root).")
@click.option("--skip-unresolved-routes", is_flag=True,
              help="Leave planned routes that cannot be moved exactly (<?>, catch-all, regex) in "
                   "the monolith instead of stopping.")
@click.option("--python", "python", type=click.Path(dir_okay=False, exists=True),
              help="The Python of the monolith's environment (its dependencies installed), for the "
                   "self-check (default: the one running demonolith).")
@click.option("--no-self-check", is_flag=True,
              help="Write the files only; run `manage.py self_check` there later.")
def extract(service: str, analysis_path: Path, out: Path, force: bool, source: Path | None,
            skip_unresolved_routes: bool, python: str | None, no_self_check: bool) -> None:
    """Write OUT/SERVICE/: a Django project with the service's models, views, API and tests.

    Then run its self-check: check, migrations, a fresh migrate, its tests, a live server smoke.
    Needs Django (the `django` extra, or demonolith installed in the monolith's environment)."""
    require_module("django", "django", "extract", "Django")  # before the extractor imports Django
    from extractor.extract import extract_service, load_analysis

    result = extract_service(load_analysis(analysis_path), service, out, force=force, source=source,
                             skip_unresolved_routes=skip_unresolved_routes, python=python,
                             self_check=not no_self_check)
    report = result.report
    click.echo(f"{result.root}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
               f"{len(report.kept_user_edits)} kept (edited by you), "
               f"{len(report.overwritten_user_edits)} overwritten (--force)")
    for path in report.kept_user_edits:
        click.echo(f"  kept your edit: {path} (use --force to overwrite)")
    for path in report.overwritten_user_edits:
        click.echo(f"  overwrote your edit: {path}")
    for path in report.removed:
        click.echo(f"  removed (no longer generated): {path}")
    for skipped in result.skipped_routes:
        click.echo(f"  route left in the monolith: {skipped}", err=True)
    for stub in result.stubs:
        click.echo(f"  stub (needs other services): {stub}")
    for warning in result.warnings:
        click.echo(f"  warning: not found in the source: {warning}", err=True)
    if result.check is not None:
        click.echo("  self-check: all steps passed (check, makemigrations --check, migrate, tests, server)")
