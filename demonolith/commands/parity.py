"""``demonolith parity``: do the monolith's and the service's databases hold the same service rows?"""

from __future__ import annotations

import json
from pathlib import Path

import click

from demonolith.commands.sync import table_names, tables_options
from demonolith.errors import ParityDrift


@click.command("parity")
@click.argument("monolith_db", metavar="MONOLITH")
@click.argument("service_db", metavar="SERVICE")
@tables_options
@click.option("--chunk", type=click.IntRange(min=1), default=1000, show_default=True,
              help="About this many rows per checksum bucket.")
@click.option("--window", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds: keys captured this recently are in flight, not drift.")
@click.option("--format", "form", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def parity(ctx: click.Context, monolith_db: str, service_db: str, tables: tuple[str, ...],
           analysis: Path | None, service: str | None, source_tree: Path | None, chunk: int,
           window: float, form: str) -> None:
    """Compare a service's tables on both databases: counts, checksums, drift by key.

    MONOLITH and SERVICE are SQLite paths or postgresql:// URLs. Row counts and per-bucket
    checksums first, then the keys of the buckets that differ. Keys the capture outbox recorded
    within --window seconds, or whose changes the relay has not applied yet, are in flight, not
    drift. Exits 0 when every table matches, 15 when a
    key differs outside the window.
    """
    from datasync.parity import render_text, to_json
    from datasync.sides import open_side, table_parity

    names = table_names(tables, analysis, service, source_tree)
    left, right = open_side("monolith", monolith_db), open_side("service", service_db)
    results = [table_parity(left, right, name, chunk, window) for name in names]
    if form == "json":
        click.echo(json.dumps(to_json(results), sort_keys=True, indent=2))
    else:
        click.echo(render_text(results))
    if any(result.drift for result in results):
        ctx.exit(ParityDrift.exit_code)
