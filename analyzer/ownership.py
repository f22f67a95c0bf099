"""Database ownership: every table gets exactly one owning service.

The owner is the cluster holding the table's model (or, for a raw-SQL table, the table itself),
unless another cluster writes the table clearly more (over twice the home cluster's writes
plus a bonus of two ORM writes); then the model moves to that writer. Pinned models never move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping

import networkx as nx

from analyzer.partition import Assignment

WRITE_KINDS = frozenset({"orm-write", "sql-write"})
ACCESS_KINDS = frozenset({"orm-read", "orm-write", "sql-read", "sql-write", "sql-join", "transaction"})


def write_weights(
    graph: nx.MultiDiGraph, table: str, assignment: Mapping[str, int], ignored: Collection[str] = (),
) -> dict[int, float]:
    """Return the summed write-edge weight into ``table`` per cluster of the writer (``ignored`` not)."""
    writes: dict[int, float] = defaultdict(float)
    for source, _, attrs in graph.in_edges(table, data=True):
        if attrs.get("kind") in WRITE_KINDS and source in assignment and source not in ignored:
            writes[assignment[source]] += float(attrs.get("weight", 1.0))
    return dict(writes)


def assign_owners(
    graph: nx.MultiDiGraph, assignment: Mapping[str, int], canonical: Callable[[str], str | None],
    pinned: Mapping[str, str], bonus: float = 12.0, ignored: Collection[str] = (),
) -> tuple[Assignment, dict[str, int]]:
    """Return the assignment (models moved to their owner) and table node -> owning cluster.

    The home cluster keeps the table unless another writes more than twice (its writes + bonus).
    Writes by ``ignored`` units (tests, migrations, seeders) do not count: they create fixtures.
    """
    ignored = frozenset(ignored)
    current = dict(assignment)
    owners: dict[str, int] = {}
    for table in sorted(n for n, k in graph.nodes(data="kind") if k == "table"):
        home_unit = canonical(table)
        if home_unit is None or home_unit not in current:
            continue
        home = current[home_unit]
        writes = write_weights(graph, table, current, ignored)
        owner = home
        if writes and home_unit not in pinned:
            top = min(writes, key=lambda c: (-writes[c], c))
            if writes[top] > 2 * (writes.get(home, 0.0) + bonus):
                owner = top
        owners[table] = owner
        if owner != home and graph.nodes[home_unit].get("kind") == "model":
            current[home_unit] = owner
    for table, unit in ((t, canonical(t)) for t in sorted(owners)):
        if unit is not None and unit in current:
            owners[table] = current[unit]
    return current, owners


def table_users(
    graph: nx.MultiDiGraph, table: str, place: Callable[[str], str | None]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the services reading and writing ``table`` (sorted, each once)."""
    readers: set[str] = set()
    writers: set[str] = set()
    for source, _, kind in graph.in_edges(table, data="kind"):
        service = place(source)
        if service is None or kind not in ACCESS_KINDS:
            continue
        (writers if kind in WRITE_KINDS else readers).add(service)
    return tuple(sorted(readers)), tuple(sorted(writers))
