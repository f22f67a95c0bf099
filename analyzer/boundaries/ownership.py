"""Database ownership: every table gets exactly one owning service.

The owner is the cluster holding the table's model (or, for a raw-SQL table, the table itself),
unless another cluster writes the table clearly more (over twice the home cluster's writes
plus a bonus of two ORM writes); then the model moves to that writer. An aggregate (models
joined by compositional relations, :mod:`analyzer.boundaries.aggregates`) is judged and moved
whole, by the writes of all its tables: ownership never splits it. Pinned models never move.
A table without a model that nobody writes goes to the cluster whose models relate to it most
(``customers.Customer.user -> auth.User`` gives ``auth_user`` to customers), else to its main reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

import networkx as nx

from analyzer.boundaries.aggregates import aggregate_groups, majority
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
    aggregates: Iterable[tuple[str, str]] = (),
) -> tuple[Assignment, dict[str, int]]:
    """Return the assignment (models moved to their owner) and table node -> owning cluster.

    The home cluster keeps the table unless another writes more than twice (its writes + bonus).
    Writes by ``ignored`` units (tests, migrations, seeders) do not count: they create fixtures.
    ``aggregates``: the compositional (child, root) relations; each group moves whole or not at all.
    """
    ignored = frozenset(ignored)
    current = dict(assignment)
    groups = aggregate_groups((c, r) for c, r in aggregates if c in current and r in current)
    grouped = {unit for group in groups for unit in group}
    tables = sorted(n for n, attrs in node_attrs(graph).items() if attrs["kind"] == "table")
    owners: dict[str, int] = {}
    for table in tables:
        home_unit = canonical(table)
        if home_unit is None or home_unit not in current:
            continue
        home = current[home_unit]
        writes = write_weights(graph, table, current, ignored)
        owner = home
        if home_unit not in grouped and home_unit not in pinned:
            if writes:
                owner = _writer_over(writes, home, bonus)
            elif home_unit == table:
                owner = unwritten_owner(graph, table, current, ignored, home)
        owners[table] = owner
        if owner != home and node_attrs(graph)[home_unit]["kind"] in ("model", "table"):
            current[home_unit] = owner
    _move_aggregates(graph, current, groups, tables, canonical, pinned, bonus, ignored)
    for table, unit in ((t, canonical(t)) for t in sorted(owners)):
        if unit is not None and unit in current:
            owners[table] = current[unit]
    return current, owners


def _writer_over(writes: Mapping[int, float], home: int, bonus: float) -> int:
    """The cluster writing clearly more than ``home`` (over twice its writes + bonus), else home."""
    top = min(writes, key=lambda c: (-writes[c], c))
    return top if writes[top] > 2 * (writes.get(home, 0.0) + bonus) else home


def _move_aggregates(
    graph: nx.MultiDiGraph, current: dict[str, int], groups: list[list[str]], tables: list[str],
    canonical: Callable[[str], str | None], pinned: Mapping[str, str], bonus: float,
    ignored: frozenset[str],
) -> None:
    """Move each aggregate whole to the cluster writing its tables clearly more than its home."""
    tables_of: dict[str, list[str]] = defaultdict(list)
    for table in tables:
        if (unit := canonical(table)) is not None:
            tables_of[unit].append(table)
    for group in groups:
        if any(unit in pinned for unit in group):
            continue
        home = majority(current, group)
        writes: dict[int, float] = defaultdict(float)
        for table in (t for unit in group for t in tables_of[unit]):
            for cluster, weight in write_weights(graph, table, current, ignored).items():
                writes[cluster] += weight
        owner = _writer_over(writes, home, bonus) if writes else home
        current.update(dict.fromkeys(group, owner))


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
