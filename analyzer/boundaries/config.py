"""The user's knowledge: ``[tool.demonolith]`` in pyproject.toml, or a ``demonolith.toml``.

Example::

    [tool.demonolith]
    services = 5                              # target service count (default: automatic)
    exclude = ["legacy/*", "scripts/*"]       # paths (globs, relative to the root) not analysed
    keep_together = [["orders", "payments.Payment"]]
    keep_apart = [["catalog", "orders"]]
    [tool.demonolith.pin]                     # selector -> service name
    "reporting" = "analytics"
    [tool.demonolith.names]                   # proposed name -> the name you want
    "orders" = "ordering"
    [tool.demonolith.weights]                 # edge kind -> weight (see analyzer.graph.weights)
    fk = 8.0
    [tool.demonolith.history]
    enabled = true
    max_commits = 1000
    since_days = 730

A *selector* names units: a Django app label (``orders``), a model label (``orders.Order``), a
dotted module or package (``orders.services``) or a qualified name (``orders.services.place``).
Every invalid entry raises :class:`ConfigError` naming its key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.graph.history import HistoryOptions
from analyzer.graph.schema import NodeAttrs
from analyzer.graph.weights import DEFAULT_WEIGHTS, merge_weights
from analyzer.source.tool_table import located, read_tool_table

KNOWN_KEYS = (
    "exclude", "history", "include_migrations", "keep_apart", "keep_together", "names", "pin", "seed",
    "services", "weights",
)
HISTORY_KEYS = ("enabled", "max_commits", "max_files_per_commit", "since_days")


@dataclass(frozen=True)
class Config:
    """Constraints and tuning for the boundary proposal; the defaults mean "decide from the code"."""

    keep_together: tuple[tuple[str, ...], ...] = ()
    keep_apart: tuple[tuple[str, ...], ...] = ()
    pin: tuple[tuple[str, str], ...] = ()  # (selector, service name), sorted
    names: tuple[tuple[str, str], ...] = ()  # (proposed name, chosen name), sorted
    weight_overrides: tuple[tuple[str, float], ...] = ()
    services: int | None = None
    seed: int = 42
    history: HistoryOptions = field(default_factory=HistoryOptions)
    source: str = ""  # the file the configuration came from, "" for defaults

    @property
    def weights(self) -> Mapping[str, float]:
        """The edge-weight table with the user's overrides applied."""
        return merge_weights(dict(self.weight_overrides)) if self.weight_overrides else DEFAULT_WEIGHTS


def load_config(root: Path) -> Config:
    """Read ``demonolith.toml`` (preferred) or ``pyproject.toml``'s ``[tool.demonolith]`` under root."""
    table, source = read_tool_table(root)
    if not source:
        return Config()
    try:
        return parse_config(table, source=source)
    except ConfigError as exc:  # name the file and the line of the key
        key = re.match(r"\[tool\.demonolith\] ([\w.]+):", str(exc))
        raise located(source, key.group(1) if key else "", str(exc)) from exc


def parse_config(table: Mapping[str, Any], source: str = "") -> Config:
    """Validate the ``[tool.demonolith]`` table and return a Config."""
    if not isinstance(table, Mapping):
        raise ConfigError("[tool.demonolith]: expected a table")
    for key in sorted(table):
        if key not in KNOWN_KEYS:
            raise ConfigError(f"[tool.demonolith] {key}: unknown key (known: {', '.join(KNOWN_KEYS)})")
    weights = table.get("weights", {})
    _expect(isinstance(weights, Mapping), "weights", "a table of edge kind = number")
    merge_weights(weights)  # validates
    _strings(table.get("exclude", []), "exclude")  # validates; discovery reads it (discover_config)
    return Config(
        keep_together=_groups(table.get("keep_together", []), "keep_together"),
        keep_apart=_groups(table.get("keep_apart", []), "keep_apart"),
        pin=_pairs(table.get("pin", {}), "pin"),
        names=_pairs(table.get("names", {}), "names"),
        weight_overrides=tuple(sorted((str(k), float(v)) for k, v in weights.items())),
        services=_optional_count(table.get("services"), "services"),
        seed=_integer(table.get("seed", 42), "seed", minimum=0),
        history=_history(table.get("history", {})),
        source=source,
    )


def selector_matches(selector: str, node: str, attrs: NodeAttrs) -> bool:
    """Whether ``selector`` names the unit ``node`` (see the module docstring for the forms)."""
    if selector in (node, attrs["app"], attrs.get("label"), attrs["module"]):
        return True
    return node.startswith(selector + ".")


def _expect(condition: bool, key: str, what: str) -> None:
    if not condition:
        raise ConfigError(f"[tool.demonolith] {key}: expected {what}")


def _strings(value: Any, key: str) -> tuple[str, ...]:
    _expect(isinstance(value, list) and all(isinstance(v, str) and v for v in value),
            key, "a list of non-empty strings")
    return tuple(value)


def _groups(value: Any, key: str) -> tuple[tuple[str, ...], ...]:
    _expect(isinstance(value, list), key, "a list of lists of selectors")
    groups = []
    for index, group in enumerate(value):
        members = _strings(group, f"{key}[{index}]")
        _expect(len(members) >= 2, f"{key}[{index}]", "at least two selectors")
        groups.append(tuple(sorted(members)))
    return tuple(groups)


def _pairs(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    _expect(isinstance(value, Mapping), key, "a table of selector = \"service name\"")
    for name, target in value.items():
        _expect(isinstance(target, str) and bool(target.strip()), f"{key}.{name}", "a non-empty string")
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _integer(value: Any, key: str, minimum: int) -> int:
    _expect(isinstance(value, int) and not isinstance(value, bool) and value >= minimum,
            key, f"an integer >= {minimum}")
    return int(value)


def _optional_count(value: Any, key: str) -> int | None:
    return None if value is None else _integer(value, key, minimum=1)


def _history(value: Any) -> HistoryOptions:
    _expect(isinstance(value, Mapping), "history", "a table")
    for key in sorted(value):
        if key not in HISTORY_KEYS:
            known = ", ".join(HISTORY_KEYS)
            raise ConfigError(f"[tool.demonolith] history.{key}: unknown key (known: {known})")
    enabled = value.get("enabled", True)
    _expect(isinstance(enabled, bool), "history.enabled", "true or false")
    defaults = HistoryOptions()
    return HistoryOptions(
        enabled=enabled,
        max_commits=_integer(value.get("max_commits", defaults.max_commits), "history.max_commits", 1),
        since_days=_integer(value.get("since_days", defaults.since_days), "history.since_days", 1),
        max_files_per_commit=_integer(
            value.get("max_files_per_commit", defaults.max_files_per_commit),
            "history.max_files_per_commit", 2),
    )
