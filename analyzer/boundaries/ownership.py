"""Database ownership: every table gets exactly one owning service.

The owner is the cluster holding the table's model (or, for a raw-SQL table, the table itself),
unless another cluster writes the table clearly more (over twice the home cluster's writes
plus a bonus of two ORM writes); then the model moves to that writer. Pinned models never move.
A table without a model that nobody writes goes to the cluster whose models relate to it most
(``customers.Customer.user -> auth.User`` gives ``auth_user`` to customers), else to its main reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping

import networkx as nx

from analyzer.boundaries.partition import Assignment
from analyzer.graph.schema import TABLE_USE_KINDS, WRITE_KINDS, in_edges, node_attrs


def write_weights(
    graph: nx.MultiDiGraph, table: str, assignment: Mapping[str, int], ignored: Collection[str] = (),
) -> dict[int, float]:
    """Return the summed write-edge weight into ``table`` per cluster of the writer (``ignored`` not)."""
    writes: dict[int, float] = defaultdict(float)
    for source, attrs in in_edges(graph, table):
        if attrs["kind"] in WRITE_KINDS and source in assignment and source not in ignored:
            writes[assignment[source]] += attrs["weight"]
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
    for table in sorted(n for n, attrs in node_attrs(graph).items() if attrs["kind"] == "table"):
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
        elif home_unit == table and home_unit not in pinned:
            owner = unwritten_owner(graph, table, current, ignored, home)
        owners[table] = owner
        if owner != home and node_attrs(graph)[home_unit]["kind"] in ("model", "table"):
            current[home_unit] = owner
    for table, unit in ((t, canonical(t)) for t in sorted(owners)):
        if unit is not None and unit in current:
            owners[table] = current[unit]
    return current, owners


def unwritten_owner(
    graph: nx.MultiDiGraph, table: str, assignment: Mapping[str, int], ignored: Collection[str], home: int,
) -> int:
    """The owner of a table nobody in the project writes (Django's own, or read by raw SQL only).

    The cluster whose models relate most to the model mapped to it (node attribute ``related``,
    see :mod:`analyzer.graph.framework_tables`), else the cluster reading it most, else ``home``.
    """
    votes: dict[int, float] = defaultdict(float)
    for unit, _ in node_attrs(graph)[table].get("related", ()):
        if unit in assignment:
            votes[assignment[unit]] += 1.0
    if not votes:
        for source, attrs in in_edges(graph, table):
            if attrs["kind"] in TABLE_USE_KINDS and source in assignment and source not in ignored:
                votes[assignment[source]] += attrs["weight"]
    return min(votes, key=lambda c: (-votes[c], c)) if votes else home


def table_users(
    graph: nx.MultiDiGraph, table: str, place: Callable[[str], str | None]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the services reading and writing ``table`` (sorted, each once)."""
    readers: set[str] = set()
    writers: set[str] = set()
    for source, attrs in in_edges(graph, table):
        service, kind = place(source), attrs["kind"]
        if service is None or kind not in TABLE_USE_KINDS:
            continue
        (writers if kind in WRITE_KINDS else readers).add(service)
    return tuple(sorted(readers)), tuple(sorted(writers))
