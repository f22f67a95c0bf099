"""Deterministic community detection: the weighted unit graph -> clusters, with N chosen and scored.

The units (classes, functions, models, module-level code, tables without a model) are projected
onto an undirected weighted graph; tables follow their model and routes their view. Clustering
reads it as :class:`~analyzer.boundaries.unit_edges.UnitEdges` (each weighted edge once, in graph order).
Louvain (networkx's algorithm, run on plain dicts by :mod:`analyzer.boundaries.louvain`, fixed seed) runs
once on a copy whose nodes are integers in sorted-id order, so nothing depends on string hashing.
Clusters that hold no data are folded into the cluster they are most tied to; then the clusters
are merged greedily by modularity gain on the small quotient graph
(:mod:`analyzer.boundaries.agglomeration`), which yields a score for every service count N at
once: the automatic choice takes the smallest N whose score is within :data:`COUNT_TOLERANCE` of
the best. Merges spend ties only: two clusters with nothing between them are merged last. The
chosen clusters are then split where their own graph shows communities too small for the whole
graph's modularity to see (:func:`split_unresolved`). ``--services N`` starts from that automatic
partition and moves one boundary at a time (:mod:`analyzer.boundaries.requested_count`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.agglomeration import (
    absorb_dataless,
    agglomerate,
    cluster_links,
    clusters_of,
    curve,
    modularity_of,
    replay,
)
from analyzer.boundaries.projection import UNIT_KINDS, canonical_id, project_units
from analyzer.boundaries.requested_count import refine_count
from analyzer.boundaries.unit_edges import Assignment, UnitEdges, UnitTies, louvain, renumber
from analyzer.model.analysis import CountScore

__all__ = ["UNIT_KINDS", "Assignment", "ScoredClusters", "UnitEdges", "absorb_dataless", "canonical_id",
           "choose_partition", "cluster_links", "clusters_of", "modularity_of", "pick_count",
           "project_units", "renumber"]

MAX_DATA_SHARE = 0.5  # a cluster holding more of the data than this is re-clustered on its own
SPLIT_ROUNDS = 3
# the automatic N: the smallest count whose score is within this of the best. 0.0005 is half the
# last digit the report shows: a smaller count it prefers scores, as shown, the same as the best
COUNT_TOLERANCE = 0.0005
CURVE_SHOWN = 2  # counts shown in the reason either side of the chosen and the best
# a chosen cluster whose own graph splits with this modularity is split. A split into k pieces scores at
# most 1 - 1/k: at 0.4, three clearly separate pieces (0.38) were kept whole where four were split
INNER_MODULARITY = 0.35
MIN_PIECE = 2  # data units of each piece of such a split


@dataclass(frozen=True)
class ScoredClusters:
    """Clusters of unit ids (canonical order), the score of every N considered, and why this N."""

    clusters: tuple[tuple[str, ...], ...]
    scores: tuple[CountScore, ...]
    reason: str
    curve_choice: int = 0  # the count taken on the score curve, before clusters are split


def follow_numbers(
    owners: Mapping[str, int], before: Mapping[str, int], after: Mapping[str, int],
) -> dict[str, int]:
    """Table owners numbered as in ``before``, renumbered as ``after`` numbers the same units.

    An absorption moves whole clusters and renumbers them, so each old number has one new one
    (every owner is the cluster of some unit: :func:`analyzer.boundaries.ownership.assign_owners`).
    """
    new_of = {before[unit]: after[unit] for unit in sorted(before) if unit in after}
    return {table: new_of[c] for table, c in owners.items()}


def attach(projected: UnitTies, assignment: Mapping[str, int], nodes: Iterable[str]) -> Assignment:
    """Place each of ``nodes`` (left out of clustering) in the cluster it is most tied to.

    Rounds spread outwards from the placed units: a node tied only to other left-out nodes (a test
    helper used by one test class) is placed once they are. Nodes tied to nothing placed at all
    join the first cluster.
    """
    current = dict(assignment)
    waiting = sorted(set(nodes) - set(current))
    while waiting:
        placed = {node: cluster for node in waiting
                  if (cluster := _closest(projected, current, node)) is not None}
        if not placed:
            fallback = min(current.values(), default=0)
            placed = dict.fromkeys(waiting, fallback)
        current.update(placed)
        waiting = [node for node in waiting if node not in placed]
    return renumber(current)


def _closest(projected: UnitTies, assignment: Mapping[str, int], node: str) -> int | None:
    ties: dict[int, float] = defaultdict(float)
    for neighbour, weight in projected[node].items():
        cluster = assignment.get(neighbour)
        if cluster is not None:
            ties[cluster] += weight
    if len(ties) < 2:
        return next(iter(ties), None)
    return min(ties, key=lambda c: (-ties[c], c))


def choose_partition(
    projected: nx.Graph | UnitEdges, is_data: Mapping[str, bool], services: int | None = None, seed: int = 42
) -> ScoredClusters:
    """Cluster the unit graph; ``services`` fixes N, otherwise :func:`pick_count` chooses it."""
    graph = projected if isinstance(projected, UnitEdges) else UnitEdges.of(projected)
    if not graph.nodes:
        return ScoredClusters((), (), "nothing to cluster")
    merges = agglomerate(graph, _initial(graph, is_data, seed, 1.0), is_data)
    scores = curve(merges)
    chosen, reason = pick_count(scores)
    split = split_unresolved(graph, replay(merges, chosen), is_data, seed)
    found = len(set(split.values()))
    if found > chosen:
        reason += (f"; {found} after splitting the clusters whose own graph has communities of modularity "
                   f"above {INNER_MODULARITY} (too small for the whole graph's modularity to resolve)")
    if services is None:
        return ScoredClusters(clusters_of(split), scores, reason, chosen)
    refined = refine_count(graph, split, is_data, services, seed)
    reached = len(set(refined.assignment.values()))
    return ScoredClusters(clusters_of(refined.assignment), refined.scores, f"{refined.reason}; {reason}",
                          reached)


def pick_count(scores: tuple[CountScore, ...], tolerance: float = COUNT_TOLERANCE) -> tuple[int, str]:
    """The smallest count whose score is within ``tolerance`` of the best, and the reason, curve included."""
    best = max(scores, key=lambda s: (s.score, -s.services))
    chosen = min(s.services for s in scores if s.score >= best.score - tolerance)
    low, high = chosen - CURVE_SHOWN, max(chosen, best.services) + CURVE_SHOWN
    curve = ", ".join(f"{s.services}: {s.score:.3f}" for s in scores if low <= s.services <= high)
    if chosen == best.services:
        head = (f"{chosen} services: the best score {best.score:.3f} (modularity {best.modularity:.3f}) "
                f"among 1..{max(s.services for s in scores)}, no smaller count within {tolerance:g} of it")
    else:
        head = (f"{chosen} services: the smallest count within {tolerance:g} of the best score "
                f"{best.score:.3f} (at {best.services})")
    return chosen, f"{head}; score by count {curve}"


def _initial(graph: UnitEdges, is_data: Mapping[str, bool], seed: int, resolution: float) -> Assignment:
    start = absorb_dataless(graph, louvain(graph, resolution, seed), is_data)
    return split_oversized(graph, start, is_data, seed)


def split_oversized(
    graph: UnitEdges, assignment: Mapping[str, int], is_data: Mapping[str, bool], seed: int,
    max_share: float = MAX_DATA_SHARE,
) -> Assignment:
    """Re-cluster, on its own subgraph, every cluster that holds over ``max_share`` of the data.

    Modularity has a resolution limit (Fortunato and Barthelemy, 2007): in a large graph it
    cannot see communities below a size that grows with the graph, so one community may swallow
    several domains. Louvain on that community's own subgraph sees its inner structure; the
    pieces then compete in the agglomeration like any other cluster.
    """
    current = renumber(assignment)
    total = sum(1 for node in current if is_data.get(node, False))
    for _ in range(SPLIT_ROUNDS):
        sizes: dict[int, int] = defaultdict(int)
        for node, cluster in current.items():
            sizes[cluster] += int(is_data.get(node, False))
        big = sorted(c for c, n in sizes.items() if n > max_share * total and n > 1)
        if not big:
            break
        fresh = max(current.values()) + 1
        for cluster in big:
            members = sorted(n for n, c in current.items() if c == cluster)
            inside = graph.within(members)
            inner = absorb_dataless(inside, louvain(inside, 1.0, seed), is_data)
            if len(set(inner.values())) < 2:
                continue
            current.update({n: fresh + c for n, c in inner.items()})
            fresh += max(inner.values()) + 1
        current = renumber(current)
    return current


def split_unresolved(
    graph: UnitEdges, assignment: Mapping[str, int], is_data: Mapping[str, bool], seed: int,
    threshold: float = INNER_MODULARITY,
) -> Assignment:
    """Split each cluster that Louvain, on the cluster's own subgraph, divides with a modularity above
    ``threshold`` into pieces of at least :data:`MIN_PIECE` data units each.

    The resolution limit again (see :func:`split_oversized`), for clusters of any size: the
    whole graph's modularity gains by merging two communities tied by more than about
    ``2 d_a d_b / 2m``, which in a large graph is any tie between small ones, so the count it
    scores best holds several small domains per cluster (pretix: events with vouchers, seating
    and mail). Within the cluster the same ties are weighed against the cluster's own size; a
    modularity that high there is a community structure, not noise (a split into ``k`` pieces scores
    at most ``1 - 1/k``, so the bar is set where three pieces joined by a fifth of their ties pass).
    Done after the count is chosen, so the whole graph's score cannot merge the pieces back.
    """
    current = renumber(assignment)
    fresh = max(current.values(), default=-1) + 1
    for cluster in sorted(set(current.values())):
        members = [n for n in sorted(current) if current[n] == cluster]
        if sum(1 for n in members if is_data.get(n, False)) < 2 * MIN_PIECE:
            continue
        inside = graph.within(members)
        inner = absorb_dataless(inside, louvain(inside, 1.0, seed), is_data)
        sizes: dict[int, int] = defaultdict(int)
        for node, piece in inner.items():
            sizes[piece] += int(is_data.get(node, False))
        if len(sizes) > 1 and min(sizes.values()) >= MIN_PIECE and modularity_of(inside, inner) > threshold:
            current.update({n: fresh + piece for n, piece in inner.items()})
            fresh += len(sizes)
    return renumber(current)
