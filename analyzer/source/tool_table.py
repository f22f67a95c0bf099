"""The ``[tool.demonolith]`` table: from ``demonolith.toml`` or ``pyproject.toml`` under a root.

Read here, below every stage, so that discovery (``exclude``, ``include_migrations``) and the
boundary configuration (:mod:`analyzer.boundaries.config`) read the same table.
"""

from __future__ import annotations

import re
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
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            raise ConfigError(f"{path}:{found.group(1) if found else 1}: cannot read the "
                              f"configuration: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
        table = document.get("tool", {}).get("demonolith") if nested else document
        if not nested and "tool" in document and set(document) == {"tool"}:
            table = document["tool"].get("demonolith", {})
        if isinstance(table, Mapping):
            return table, str(path)
    return {}, ""


def config_line(source: str, key: str) -> int:
    """The line of ``source`` (a configuration file) that sets ``key`` (dotted: ``history.enabled``),
    else the line of its ``[tool.demonolith]`` table, else 1."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    parts = key.split(".")
    patterns = [re.compile(rf"^\s*\[(tool\.demonolith\.)?{re.escape(key)}\]"),
                re.compile(rf"^\s*{re.escape(parts[-1])}\s*="),
                re.compile(r"^\s*\[tool\.demonolith\]")]
    for pattern in patterns:
        for number, line in enumerate(lines, start=1):
            if pattern.search(line):
                return number
    return 1


def located(source: str, key: str, message: str) -> ConfigError:
    """A :class:`ConfigError` naming ``source:line`` of ``key``."""
    return ConfigError(f"{source}:{config_line(source, key)}: {message}")
