"""What the subcommands print: the global ``-v``/``-q`` as read from the click context, plurals."""

from __future__ import annotations

import click

from analyzer.model.wording import plural

__all__ = ["plural", "quiet", "verbosity"]


def verbosity(ctx: click.Context | None) -> int:
    """The count of ``-v`` given before or after the subcommand (0 outside the group)."""
    return int(getattr(ctx.obj, "verbose", 0)) if ctx is not None else 0


def quiet(ctx: click.Context | None) -> bool:
    """True when ``-q`` was given, before or after the subcommand: print no summary."""
    return bool(getattr(ctx.obj, "quiet", False)) if ctx is not None else False
