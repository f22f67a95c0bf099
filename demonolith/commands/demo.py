"""``demonolith demo``: the cut-over walkthrough of docs/cutover.md, run unattended on 127.0.0.1."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from analyzer.errors import require_module
from demonolith.errors import DemoChecksFailed, UsageError

SAMPLE = Path(__file__).resolve().parents[2] / "sample_monolith"


@click.command()
@click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The monolith to cut over (default: the sample monolith).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep everything here (default: a temporary directory, removed afterwards).")
@click.option("--requests", "requests", type=click.IntRange(50, 100_000), default=300, show_default=True,
              help="Requests per stage.")
@click.option("--canary-percent", type=click.IntRange(1, 49), default=10, show_default=True,
              help="The canary's first step (the proxy then promotes it to 50 and 100).")
@click.option("--shadow-writes", type=click.IntRange(0, 100_000), default=1000, show_default=True,
              help="POSTs mirrored to the service in the shadow stage.")
@click.option("--service-database", metavar="URL", default=None,
              help="An empty PostgreSQL database (postgresql://...) for the service "
                   "(default: its SQLite file).")
def demo(source: Path | None, workdir: Path | None, requests: int, canary_percent: int,
         shadow_writes: int, service_database: str | None) -> None:
    """Analyze, extract, shadow, canary, cut over and roll back one service, with figures.

    Starts the seeded sample monolith, the extracted service and the proxy on free 127.0.0.1
    ports, drives shop traffic through every stage, prints each stage's figures, and stops every
    process it started (also on Ctrl-C).
    """
    require_module("django", "django", "demo", "Django")  # it runs the monolith and the service
    from demonolith.demo.report import render
    from demonolith.demo.run import DemoOptions, run_demo
    from demonolith.demo.traffic import Load
    from demonolith.demo.verdict import failed_checks
    source = (source or SAMPLE).resolve()
    if not (source / "manage.py").is_file():
        raise UsageError(f"{source}: no manage.py; pass --source with the sample monolith")
    if service_database and not service_database.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"--service-database takes a postgresql:// URL, not {service_database}")
    root = workdir.resolve() if workdir else Path(tempfile.mkdtemp(prefix="demonolith-demo-"))
    try:
        options = DemoOptions(source, root, Load(requests=requests, writes=requests), canary_percent,
                              shadow_writes, service_database)
        report = run_demo(options, lambda line: click.echo(line))
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    for line in render(report):
        click.echo(line)
    if workdir is None:
        click.echo(f"(the files above were in {root}, now removed; --workdir DIR keeps them)")
    failures = failed_checks(report)
    if failures:
        raise DemoChecksFailed("demo checks failed: " + "; ".join(failures))
