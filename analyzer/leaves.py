"""Code that follows other code: tests and migrations are placed after clustering, never steer it.

A test exercises several domains at once (a checkout test creates products, customers, orders and
payments) and a migration replays the schema of whatever it touches; neither is evidence that
the data it touches belong together. Their code units (classes, functions, module-level code) are
left out of community detection and then attached to the cluster they are most tied to, like the
hubs of :mod:`analyzer.shared`. Models and tables are never leaves: data always take part.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

FOLLOWER_PARTS = frozenset({"test", "tests", "testing", "migrations", "conftest"})
CODE_KINDS = frozenset({"class", "function", "module"})


def is_follower_module(module: str) -> bool:
    """Whether a dotted module is test or migration code (``app.tests``, ``app.tests.test_x``)."""
    return any(
        part in FOLLOWER_PARTS or part.startswith("test_") or part.endswith(("_test", "_tests"))
        for part in module.split(".")
    )


def follower_units(graph: nx.MultiDiGraph, units: Iterable[str]) -> tuple[str, ...]:
    """Return the code units of ``units`` that live in test or migration modules, sorted."""
    attrs_of = dict(graph.nodes(data=True))
    return tuple(sorted(
        unit for unit in units
        if attrs_of[unit].get("kind") in CODE_KINDS
        and is_follower_module(str(attrs_of[unit].get("module", "")))
    ))
