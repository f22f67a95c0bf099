"""The discovery part of ``[tool.demonolith]`` (pyproject.toml or demonolith.toml): ``exclude``
(glob patterns on paths relative to the root) and ``include_migrations`` (default true)."""

from __future__ import annotations

from pathlib import Path

from analyzer.source.listing import DiscoverOptions
from analyzer.source.tool_table import located, read_tool_table


def discover_options(root: Path, extra_excludes: tuple[str, ...] = ()) -> DiscoverOptions:
    """The discovery options the project configures, plus ``extra_excludes``."""
    table, source = read_tool_table(root)
    excludes = table.get("exclude", [])
    if not isinstance(excludes, list) or not all(isinstance(e, str) for e in excludes):
        raise located(source, "exclude", "tool.demonolith.exclude must be a list of glob strings")
    migrations = table.get("include_migrations", True)
    if not isinstance(migrations, bool):
        raise located(source, "include_migrations",
                      "tool.demonolith.include_migrations must be true or false")
    return DiscoverOptions(excludes=tuple(excludes) + extra_excludes, include_migrations=migrations)
