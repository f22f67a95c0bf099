"""The one table of edge weights: how strongly each kind of dependency ties two units together.

Data coupling (foreign keys, writes, transactions) weighs more than code coupling (imports,
calls), so that clustering keeps a model with the code that writes it and the tables written
together. Users override single entries from ``[tool.demonolith.weights]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from analyzer.errors import ConfigError

# Projection-only ties: "contains" a unit to its own module node, "same-app" a module node to its
# app's models module (Django apps are a hint, never a wall), "same-module" the models defined in
# one file to each other (the grouping their developers chose; each model's share sums to it).

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "import": 0.5,
    "call": 1.0,
    "inherit": 2.0,
    "route-view": 3.0,
    "fk": 3.0,
    "m2m": 3.0,
    "orm-read": 3.0,
    "orm-write": 6.0,
    "sql-read": 3.0,
    "sql-write": 6.0,
    "sql-join": 4.0,
    "transaction": 8.0,
    "signal": 2.0,
    "co-change": 1.0,
    "same-author": 0.25,
    "contains": 1.0,
    "same-app": 2.0,
    "same-module": 6.0,
})


def merge_weights(overrides: Mapping[str, object], key: str = "weights") -> Mapping[str, float]:
    """Return the default table with ``overrides`` applied; raise ConfigError naming a bad entry."""
    table = dict(DEFAULT_WEIGHTS)
    for kind, value in sorted(overrides.items()):
        if kind not in DEFAULT_WEIGHTS:
            known = ", ".join(sorted(DEFAULT_WEIGHTS))
            raise ConfigError(f"[tool.demonolith] {key}.{kind}: unknown edge kind (known: {known})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"[tool.demonolith] {key}.{kind}: expected a number >= 0, got {value!r}")
        table[kind] = float(value)
    return MappingProxyType(table)

