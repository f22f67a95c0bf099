"""``demonolith proxy``: run the strangler-fig reverse proxy in front of the monolith.

The options are the proxy's own (:data:`strangler_proxy.process.options.OPTIONS`), shared with
``python -m strangler_proxy``; this module only maps each to a click option.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

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


def proxy_options(command: Callable[..., None]) -> Callable[..., None]:
    """Decorate ``command`` with one click option per proxy option, in table order."""
    for option in reversed(OPTIONS):
        command = click.option(
            option.flag, option.dest, type=_click_type(option), default=option.default,
            required=option.required, metavar=option.metavar, help=option.help,
            show_default=option.default is not None,
        )(command)
    return command


@click.command()
@proxy_options
def proxy(**options: Any) -> None:
    """Run the proxy until SIGTERM / SIGINT (then drain); SIGHUP or a changed routes file
    reloads the routes."""
    run(**options)
