"""``demonolith proxy``: run the strangler-fig reverse proxy in front of the monolith.

The options are the proxy's own (:data:`strangler_proxy.process.options.OPTIONS`), shared with
``python -m strangler_proxy``; this module only maps each to a click option.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from demonolith.errors import UsageError
from strangler_proxy.process.options import OPTIONS, Option
from strangler_proxy.process.run import run


def _click_type(option: Option) -> click.ParamType[Any] | type[str]:
    """The click type of one proxy option."""
    if option.choices:
        return click.Choice(option.choices)
    if option.kind is Path:
        return click.Path(dir_okay=False, path_type=Path)
    if option.kind is float:
        return click.FloatRange(min=option.minimum)
    if option.kind is int:
        return click.IntRange(min=None if option.minimum is None else int(option.minimum))
    return str


MAX_PORT = 65535


def check_port(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse a ``HOST:PORT`` whose port is out of 0..65535 (0: any free port), before the proxy
    would take it modulo 65536 and listen elsewhere; ``off`` and malformed values are the proxy's."""
    if value is None:
        return value
    _, sep, port = value.rpartition(":")
    if sep and port.isdigit() and int(port) > MAX_PORT:
        flag = param.opts[0] if param.opts else str(param.name)
        raise UsageError(f"{flag} {value}: port {port} is out of range (0-{MAX_PORT})")
    return value


def proxy_options(command: Callable[..., None]) -> Callable[..., None]:
    """Decorate ``command`` with one click option per proxy option, in table order."""
    for option in reversed(OPTIONS):
        command = click.option(
            option.flag, option.dest, type=_click_type(option), default=option.default,
            required=option.required, metavar=option.metavar, help=option.help,
            show_default=option.default is not None,
            callback=check_port if option.metavar == "HOST:PORT" else None,
        )(command)
    return command


@click.command()
@proxy_options
def proxy(**options: Any) -> None:
    """Run the proxy until SIGTERM / SIGINT (then drain); SIGHUP or a changed routes file
    reloads the routes."""
    run(**options)
