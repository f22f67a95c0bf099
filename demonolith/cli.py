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
from demonolith.errors import DemonolithError

# name -> "module:attribute"; loaded lazily so `demonolith --help` stays fast and one job's
# heavy imports (django, libcst, httptools) never slow another's start-up.
SUBCOMMANDS: dict[str, str] = {
    "analyze": "demonolith.commands.analyze:analyze",
    "report": "demonolith.commands.report:report",
    "extract": "demonolith.commands.extract:extract",
    "proxy": "demonolith.commands.proxy:proxy",
    "routes": "demonolith.commands.routes:routes",
    "contracts": "demonolith.commands.contracts:contracts",
    "check": "demonolith.commands.check:check",
    "demo": "demonolith.commands.demo:demo",
}


@dataclass(frozen=True)
class Settings:
    """Global options every subcommand can read from the click context (``ctx.obj``)."""

    verbose: int
    debug: bool


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used; absent modules are skipped."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = {name for name in SUBCOMMANDS if self._load(name) is not None}
        return sorted(lazy | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # this job has not landed yet
                return None
            raise
        command = getattr(module, attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="demonolith")
@click.option("-v", "--verbose", count=True, help="More output; repeat for debug logging.")
@click.option("--debug", is_flag=True, help="Show the full traceback instead of a one-line error.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Break a Django monolith into services safely.

    \b
    analyze  read the code and SQL, propose service and database boundaries, write a report
    extract  generate a runnable service skeleton for one proposed service
    proxy    run a strangler-fig reverse proxy in front of the monolith
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    log_format = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=log_format, stream=sys.stderr)
    ctx.obj = Settings(verbose=verbose, debug=debug)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script: run the CLI, turn user errors into one line."""
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
    except DemonolithError as exc:
        if debug:
            raise
        click.echo(f"demonolith: error: {exc}", err=True)
        sys.exit(exc.exit_code)
