"""Code that follows other code: tests and migrations are placed after clustering, never steer it.

A test exercises several domains at once (a checkout test creates products, customers, orders and
payments) and a migration replays the schema of whatever it touches; neither is evidence that
the data it touches belong together. Their code units (classes, functions, module-level code) are
left out of community detection and then attached to the cluster they are most tied to, like the
hubs of :mod:`analyzer.boundaries.shared`. Models and tables are never leaves: data always take part.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from analyzer.graph.schema import CODE_NODE_KINDS, node_attrs

FOLLOWER_PARTS = frozenset({"test", "tests", "testing", "migrations", "conftest"})


def is_follower_module(module: str) -> bool:
    """Whether a dotted module is test or migration code (``app.tests``, ``app.tests.test_x``)."""
    return any(
        part in FOLLOWER_PARTS or part.startswith("test_") or part.endswith(("_test", "_tests"))
        for part in module.split(".")
    )


def follower_units(graph: nx.MultiDiGraph, units: Iterable[str]) -> tuple[str, ...]:
    """Return the code units of ``units`` that live in test or migration modules, sorted."""
    attrs_of = node_attrs(graph)
    follows: dict[str, bool] = {}  # per module: many units share one
    found = []
    for unit in units:
        attrs = attrs_of[unit]
        if attrs["kind"] in CODE_NODE_KINDS:
            module = attrs["module"]
            if module not in follows:
                follows[module] = is_follower_module(module)
            if follows[module]:
                found.append(unit)
    return tuple(sorted(found))
