"""What the subcommands print: the global ``-v``/``-q`` as read from the click context, plurals."""

from __future__ import annotations

import click


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 table``, ``2 tables``, ``0 tables``; ``plural_form`` when adding "s" is wrong."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def verbosity(ctx: click.Context | None) -> int:
    """The count of ``-v`` given before or after the subcommand (0 outside the group)."""
    return int(getattr(ctx.obj, "verbose", 0)) if ctx is not None else 0


def quiet(ctx: click.Context | None) -> bool:
    """True when ``-q`` was given, before or after the subcommand: print no summary."""
    return bool(getattr(ctx.obj, "quiet", False)) if ctx is not None else False
