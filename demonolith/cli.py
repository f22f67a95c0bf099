"""The ``demonolith`` command group: global options, error handling, and the job subcommands.

The CLI is thin: each subcommand lives in ``demonolith/commands/<job>.py``, parses its arguments,
calls the library and prints. Errors users can cause are :class:`DemonolithError` subclasses,
turned here into one line on stderr and their exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass, replace
from typing import Any

import click

from demonolith import __version__
from demonolith.errors import UsageError, user_error


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
    "sync": Subcommand("demonolith.commands.sync:sync",
                       "Capture changes to a service's tables and relay them to the other side, in order."),
    "parity": Subcommand("demonolith.commands.parity:parity",
                         "Compare a service's tables on both databases: counts, checksums, drift by key."),
    "demo": Subcommand("demonolith.commands.demo:demo",
                       "Analyze, extract, shadow, canary, cut over and roll back one service, with figures."),
}


@dataclass(frozen=True)
class Settings:
    """Global options every subcommand can read from the click context (``ctx.obj``)."""

    verbose: int
    debug: bool
    quiet: bool = False


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
    add_global_options(command)
    return command


def _global_option_after_subcommand(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """``-v`` / ``-q`` given after the subcommand: fold them into the group's :class:`Settings`."""
    if not value:
        return
    root = ctx.find_root()
    settings = root.obj if isinstance(root.obj, Settings) else Settings(verbose=0, debug=False)
    if param.name == "verbose":
        settings = replace(settings, verbose=settings.verbose + int(value))
    else:
        settings = replace(settings, quiet=True)
    configure_logging(settings)
    context: click.Context | None = ctx
    while context is not None:  # every context between the group and this command reads it
        context.obj = settings
        context = context.parent


def add_global_options(command: click.Command) -> None:
    """Give ``command`` (and, for a group, its subcommands) the group's ``-v`` and ``-q``, so they
    work after the subcommand too; a command with its own ``-v`` / ``-q`` keeps it. Idempotent."""
    taken = {opt for param in command.params for opt in param.opts}
    if "--verbose" not in taken and "-v" not in taken:
        command.params.append(click.Option(
            ["-v", "--verbose"], count=True, expose_value=False, is_eager=True,
            callback=_global_option_after_subcommand, help="More output; repeat for debug logging."))
    if "--quiet" not in taken and "-q" not in taken:
        command.params.append(click.Option(
            ["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
            callback=_global_option_after_subcommand, help="Print no summary; errors only."))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub)


def configure_logging(settings: Settings) -> None:
    """The root logger's level for the global options; ``-v`` and ``-q`` together are refused."""
    if settings.quiet and settings.verbose:
        raise UsageError("-q and -v contradict each other; give one")
    level = logging.ERROR if settings.quiet else logging.WARNING - 10 * min(settings.verbose, 2)
    logging.getLogger().setLevel(level)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="demonolith")
@click.option("-v", "--verbose", count=True,
              help="More output; repeat for debug logging (also after the subcommand).")
@click.option("-q", "--quiet", is_flag=True,
              help="Print no summary; errors only (also after the subcommand).")
@click.option("--debug", is_flag=True, help="Show the full traceback instead of a one-line error.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, debug: bool) -> None:
    """Break a Django monolith into services safely: analyze it, extract one service at a time,
    and move its traffic with the strangler-fig proxy.

    Exit codes: 0 success, 2 bad usage, 11 `check` found new crossings, 12 `check` was pointed
    at another project; the README's table lists them all."""
    log_format = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(format=log_format, stream=sys.stderr)
    settings = Settings(verbose=verbose, debug=debug, quiet=quiet)
    configure_logging(settings)
    ctx.obj = settings


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script: run the CLI; any user error (ours, or the proxy's
    ``ProxyError``, see :func:`demonolith.errors.user_error`) becomes one line and its exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        returned = cli.main(args=argv, prog_name="demonolith", standalone_mode=False)
        if isinstance(returned, int) and not isinstance(returned, bool) and returned:
            sys.exit(returned)  # a command's ctx.exit(code): `python -m demonolith` exits with it too
        return returned
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
