"""The ``[tool.demonolith]`` table: from ``demonolith.toml`` or ``pyproject.toml`` under a root.

Read here, below every stage, so that discovery (``exclude``, ``include_migrations``) and the
boundary configuration (:mod:`analyzer.boundaries.config`) read the same table.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError


def read_tool_table(root: Path) -> tuple[Mapping[str, Any], str]:
    """The configuration table under ``root`` and its file: ``demonolith.toml`` (preferred, its top
    level or its ``[tool.demonolith]``) or ``pyproject.toml``'s ``[tool.demonolith]``; ``({}, "")``
    when there is none."""
    for name, nested in (("demonolith.toml", False), ("pyproject.toml", True)):
        path = root / name
        if not path.is_file():
            continue
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
        table = document.get("tool", {}).get("demonolith") if nested else document
        if not nested and "tool" in document and set(document) == {"tool"}:
            table = document["tool"].get("demonolith", {})
        if isinstance(table, Mapping):
            return table, str(path)
    return {}, ""
