"""Data-aware refinement and the user's constraints, applied to a clustering.

1. Transactions: the tables an atomic block writes with its own code land in one cluster (the
   block's, when it holds any of them). Tables written by functions the block calls stay where
   their writer is: the call is the seam, and the block becomes a saga of local transactions.
2. Constraints, strongest last: keep together, keep apart, then pins (a pin always wins).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import networkx as nx

from analyzer.boundaries.config import Config, selector_matches
from analyzer.boundaries.partition import Assignment, renumber
from analyzer.graph.build import Transaction
from analyzer.graph.schema import node_attrs


def refine_transactions(
    assignment: Mapping[str, int], transactions: Iterable[Transaction],
    canonical: Callable[[str], str | None],
) -> Assignment:
    """Put the data written directly in one atomic block (transitively) into one cluster.

    Each group of co-written data goes to the cluster that holds most of it; ties go to the
    cluster of the first block's own code.
    """
    current = dict(assignment)
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    homes: dict[str, int] = {}
    for transaction in transactions:
        written = sorted({c for w in transaction.writes if w.direct and (c := canonical(w.table)) in current})
        for other in written[1:]:
            parent[root(other)] = root(written[0])
        if written and transaction.unit in current:
            homes.setdefault(written[0], current[transaction.unit])
    groups: dict[str, list[str]] = {}
    for node in sorted(parent):
        groups.setdefault(root(node), []).append(node)
    for members in groups.values():
        counts = Counter(current[m] for m in members)
        first_home = next((homes[m] for m in members if m in homes), -1)
        target = min(counts, key=lambda c: (-counts[c], c != first_home, c))
        current.update(dict.fromkeys(members, target))
    return renumber(current)


def matching(selector: str, units: Iterable[str], graph: nx.MultiDiGraph) -> list[str]:
    """Return the units a selector names, sorted."""
    nodes = node_attrs(graph)
    return sorted(u for u in units if u in nodes and selector_matches(selector, u, nodes[u]))


def apply_constraints(
    assignment: Mapping[str, int], graph: nx.MultiDiGraph, config: Config
) -> tuple[Assignment, dict[str, str]]:
    """Apply keep-together, keep-apart and pins; return the assignment and unit -> pinned name."""
    current = dict(assignment)
    fresh = max(current.values(), default=-1) + 1
    for group in config.keep_together:
        members = [u for selector in group for u in matching(selector, current, graph)]
        if members:
            target = _majority(current, members)
            current.update(dict.fromkeys(members, target))
    for group in config.keep_apart:
        for index, selector in enumerate(group):
            taken = {current[u] for earlier in group[:index] for u in matching(earlier, current, graph)}
            moved = [u for u in matching(selector, current, graph) if current[u] in taken]
            if moved:
                current.update(dict.fromkeys(moved, fresh))
                fresh += 1
    pinned: dict[str, str] = {}
    for name in sorted({service for _, service in config.pin}):
        members = [u for selector, service in config.pin if service == name
                   for u in matching(selector, current, graph)]
        if members:
            current.update(dict.fromkeys(members, fresh))
            fresh += 1
            pinned.update(dict.fromkeys(members, name))
    return renumber(current), pinned


def _majority(assignment: Mapping[str, int], members: list[str]) -> int:
    counts = Counter(assignment[u] for u in members)
    return min(counts, key=lambda c: (-counts[c], c))
