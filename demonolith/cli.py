"""The ``demonolith`` command group: global options, error handling, and the job subcommands.

The CLI is thin: each subcommand lives in ``demonolith/commands/<job>.py``, parses its arguments,
calls the library and prints. Errors users can cause are :class:`DemonolithError` subclasses,
turned here into one line on stderr and their exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass
from typing import Any

import click

from demonolith import __version__
from demonolith.errors import user_error


@dataclass(frozen=True)
class Subcommand:
    """Where a subcommand lives (``module:attribute``) and its one-line help, known without
    importing it (``tests/demonolith/test_cli.py`` keeps ``short_help`` equal to the docstring's)."""

    target: str
    short_help: str


# Loaded lazily so `demonolith --help` imports none of the jobs' dependencies (networkx, django,
# libcst, the proxy) and one job's heavy imports never slow another's start-up.
SUBCOMMANDS: dict[str, Subcommand] = {
    "analyze": Subcommand("demonolith.commands.analyze:analyze",
                          "Read the Django monolith at PATH without running it and write what it found."),
    "report": Subcommand("demonolith.commands.report:report",
                         "Write the HTML report, the Markdown summary and the DOT graph of ANALYSIS_JSON."),
    "extract": Subcommand("demonolith.commands.extract:extract",
                          "Write OUT/SERVICE/: a Django project with the service's models, views, API "
                          "and tests."),
    "proxy": Subcommand("demonolith.commands.proxy:proxy",
                        "Run the proxy until SIGTERM / SIGINT (then drain); SIGHUP or a changed routes "
                        "file reloads the routes."),
    "routes": Subcommand("demonolith.commands.routes:routes",
                         "Check routes files, change a running proxy's routes, export them to "
                         "nginx/Envoy/Gateway."),
    "contracts": Subcommand("demonolith.commands.contracts:contracts",
                            "Export the proposed boundaries of ANALYSIS_JSON as import-linter contracts."),
    "check": Subcommand("demonolith.commands.check:check",
                        "Fail when code at PATH crosses the boundaries of --against more than it did."),
    "demo": Subcommand("demonolith.commands.demo:demo",
                       "Analyze, extract, shadow, canary, cut over and roll back one service, with figures."),
}


@dataclass(frozen=True)
class Settings:
    """Global options every subcommand can read from the click context (``ctx.obj``)."""

    verbose: int
    debug: bool


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when one of them runs (or shows its own
    help); the group's ``--help`` lists them from :data:`SUBCOMMANDS`, short help in full."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(SUBCOMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or load_subcommand(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            lazy = SUBCOMMANDS.get(name)
            added = self.commands.get(name)
            if added is not None:
                rows.append((name, added.get_short_help_str(limit=1000)))
            elif lazy is not None:
                rows.append((name, lazy.short_help))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_subcommand(name: str) -> click.Command | None:
    """Import the subcommand ``name`` of :data:`SUBCOMMANDS`; None when there is none."""
    entry = SUBCOMMANDS.get(name)
    if entry is None:
        return None
    module_name, attribute = entry.target.split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(command, click.Command)
    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="demonolith")
@click.option("-v", "--verbose", count=True, help="More output; repeat for debug logging.")
@click.option("--debug", is_flag=True, help="Show the full traceback instead of a one-line error.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Break a Django monolith into services safely: analyze it, extract one service at a time,
    and move its traffic with the strangler-fig proxy."""
    level = logging.WARNING - 10 * min(verbose, 2)
    log_format = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=log_format, stream=sys.stderr)
    ctx.obj = Settings(verbose=verbose, debug=debug)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script: run the CLI; any user error (ours, or the proxy's
    ``ProxyError``, see :func:`demonolith.errors.user_error`) becomes one line and its exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="demonolith", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        error = user_error(exc)
        if error is None or debug:
            raise
        click.echo(f"demonolith: error: {error}", err=True)
        sys.exit(error.exit_code)
