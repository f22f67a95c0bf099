"""``demonolith sync``: install change capture, run the relay, show its status, uninstall."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from analyzer.model.analysis import analysis_from_json
from demonolith.errors import AnalysisFileError, UsageError

if TYPE_CHECKING:
    from datasync.parity_watch import ParityWatch

FILE = click.Path(path_type=Path, dir_okay=False, exists=True)
DIRECTION = click.Choice(["monolith->service", "service->monolith", "both"])


def table_names(tables: tuple[str, ...], analysis: Path | None, service: str | None,
                source: Path | None = None) -> list[str]:
    """The tables to capture: those given, or the copies ``service`` of ``analysis`` holds, as
    ``extract`` copies them (``extractor.copied_tables``; ``source``: the monolith's tree, by
    default the analysed one)."""
    if tables:
        return sorted(set(tables))
    if analysis is None or service is None:
        raise UsageError("give --table NAME, or --analysis FILE and --service NAME")
    from extractor.copied_tables import service_tables

    try:
        model = analysis_from_json(analysis.read_text(encoding="utf-8"), str(analysis))
    except OSError as exc:
        raise AnalysisFileError(f"{analysis}: cannot read: {exc}") from exc
    copied = service_tables(model, service, source)
    if not copied:
        raise UsageError(f"service {service} holds no table in {analysis}")
    return copied


def tables_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add --table / --analysis / --service / --source-tree, the ways to name a service's tables, to
    ``command``."""
    for option in reversed([
        click.option("--table", "tables", multiple=True, help="A table to capture (repeatable)."),
        click.option("--analysis", type=FILE, help="analysis.json: capture the tables SERVICE holds."),
        click.option("--service", help="The service whose tables are captured (with --analysis)."),
        click.option("--source-tree", type=click.Path(path_type=Path, file_okay=False),
                     help="The monolith's source tree (with --analysis; default: the analysed one)."),
    ]):
        command = option(command)
    return command


@click.group("sync")
def sync() -> None:
    """Capture changes to a service's tables and relay them to the other side, in order.

    `install` on the writer's database, `run` the relay towards the other, `status` for its lag.
    """


@sync.command("install")
@click.argument("database")
@tables_options
def install(database: str, tables: tuple[str, ...], analysis: Path | None,
            service: str | None, source_tree: Path | None) -> None:
    """Create the outbox and the capture triggers in DATABASE (idempotent)."""
    from datasync.capture import install as install_capture
    from datasync.run import connect

    db = connect(database)
    installed = install_capture(db, table_names(tables, analysis, service, source_tree))
    click.echo(f"capture installed on {len(installed)} table(s): "
               + ", ".join(table.name for table in installed))
    if db.engine == "sqlite":
        mode = db.use_wal()
        click.echo("journal mode: wal" if mode == "wal" else
                   f"journal mode: {mode} (another connection held the file; with WAL the relay "
                   "and the monolith's writes would not wait for each other)")


@sync.command("uninstall")
@click.argument("database")
@tables_options
def uninstall(database: str, tables: tuple[str, ...], analysis: Path | None,
              service: str | None, source_tree: Path | None) -> None:
    """Drop the capture triggers from DATABASE (the outbox stays for the relay to drain)."""
    from datasync.capture import uninstall as uninstall_capture
    from datasync.run import connect

    names = table_names(tables, analysis, service, source_tree)
    uninstall_capture(connect(database), names)
    click.echo(f"capture removed from {len(names)} table(s)")


@sync.command("run")
@click.argument("source")
@click.argument("target")
@click.option("--direction", type=DIRECTION, default="monolith->service", show_default=True)
@click.option("--interval", type=float, default=0.05, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Drain the outbox and exit.")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--listen", default=None, help="HOST:PORT for GET /status and /metrics (port 0: any).")
@click.option("--parity-every", type=click.FloatRange(min=0.1), default=None,
              help="Seconds: compare the tables (--table / --analysis) on both sides this often; "
                   "/status reports the keys that drift.")
@click.option("--parity-window", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds: keys captured this recently are in flight, not drift.")
@tables_options
def run(source: str, target: str, direction: str, interval: float, once: bool, batch: int,
        listen: str | None, parity_every: float | None, parity_window: float,
        tables: tuple[str, ...], analysis: Path | None, service: str | None,
        source_tree: Path | None) -> None:
    """Relay SOURCE's outbox to TARGET until interrupted; with --listen, serve its status.

    With --direction both, SOURCE is the monolith's database and TARGET the service's, and each
    side's outbox is relayed to the other (during a canary both write; conflicts are recorded).
    """
    from datasync.run import run_relay, serve_status

    def tell(line: str) -> None:
        click.echo(f"demonolith: sync: {line}", err=True)

    watch = None
    if parity_every is not None:
        names = table_names(tables, analysis, service, source_tree)
        watch = _parity_watch((source, target), direction, names, parity_every, parity_window, tell)
    if listen is not None:
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(f"--listen takes HOST:PORT, not {listen}")
        serve_status((host, int(port)), (source, target), direction,
                     lambda url: click.echo(f"status on {url}", err=True),
                     parity=watch.latest if watch else None)
    try:
        run_relay((source, target), direction, interval, once=once, limit=batch, on_error=tell)
    except KeyboardInterrupt:
        return


def _parity_watch(paths: tuple[str, str], direction: str, tables: list[str], every: float,
                  window: float, tell: Callable[[str], None]) -> ParityWatch:
    """A started parity watch over ``paths`` (the monolith is SOURCE unless the direction is
    service->monolith)."""
    from datasync.parity_watch import ParitySetup, ParityWatch

    monolith, service = reversed(paths) if direction == "service->monolith" else paths
    watch = ParityWatch(ParitySetup(monolith, service, tuple(tables), every, window), tell)
    watch.start()
    return watch


@sync.command("status")
@click.argument("source")
@click.argument("target")
@click.option("--direction", type=DIRECTION, default="monolith->service", show_default=True)
def status(source: str, target: str, direction: str) -> None:
    """Print the relay's status as the JSON of GET /status."""
    from datasync.run import connect, read_statuses
    from datasync.status import status_json

    click.echo(status_json(read_statuses((connect(source), connect(target)), direction)))


@sync.command("replicate")
@click.argument("monolith")
@click.argument("service_db", metavar="SERVICE")
@tables_options
@click.option("--name", default="demonolith", show_default=True,
              help="The publication, subscription and slot name.")
@click.option("--conninfo", default=None,
              help="How the service's server reaches the monolith's (default: MONOLITH).")
@click.option("--copy-data", is_flag=True,
              help="Copy the tables' rows first (not needed after copy_from_monolith).")
@click.option("--status", "show_status", is_flag=True, help="Print the replication's state as JSON.")
@click.option("--drop", is_flag=True, help="End the replication: subscription, slot and publication.")
def replicate(monolith: str, service_db: str, tables: tuple[str, ...], analysis: Path | None,
              service: str | None, source_tree: Path | None, name: str, conninfo: str | None,
              copy_data: bool, show_status: bool, drop: bool) -> None:
    """Replicate the service's tables from MONOLITH to SERVICE, both postgresql:// URLs.

    PostgreSQL logical replication: a publication on the monolith, a subscription on the service,
    every committed change streamed in commit order. Needs wal_level = logical on the monolith.
    """
    import json
    from dataclasses import asdict

    from datasync import replication
    from datasync.db import opened

    if show_status and drop:
        raise UsageError("give --status or --drop, not both")
    with opened(monolith, "monolith") as source, opened(service_db, "service") as target:
        if show_status:
            click.echo(json.dumps(asdict(replication.status(source, target, name)), sort_keys=True))
            return
        if drop:
            replication.drop(source, target, name)
            click.echo(f"replication {name} dropped")
            return
        names = table_names(tables, analysis, service, source_tree)
        replication.publish(source, name, names)
        replication.subscribe(target, name, conninfo or monolith, copy_data)
        click.echo(f"replicating {len(names)} table(s) as {name}: " + ", ".join(names))
