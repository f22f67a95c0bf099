"""Deterministic community detection: the weighted unit graph -> clusters, with N chosen and scored.

The units (classes, functions, models, module-level code, tables without a model) are projected
onto an undirected weighted graph; tables follow their model and routes their view. Louvain
(networkx's algorithm, run on plain dicts by :mod:`analyzer.louvain`, fixed seed) runs once on a
copy whose nodes are integers in sorted-id order, so nothing depends on string hashing. Clusters
that hold no data are folded into the cluster they are most tied to; then the clusters are merged
greedily by modularity gain on the small quotient graph, which yields a score for every service
count N at once: ``--services N`` picks one, the automatic choice takes the best score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.louvain import adjacency_of, louvain_communities
from analyzer.model.analysis import CountScore
from analyzer.projection import UNIT_KINDS, canonical_id, project_units, undirected

__all__ = ["UNIT_KINDS", "Assignment", "Partition", "canonical_id", "choose_partition", "project_units"]

Assignment = dict[str, int]  # unit node id -> cluster number
SPLIT_RESOLUTIONS = (1.5, 2.0, 3.0, 5.0, 8.0, 13.0)
MAX_DATA_SHARE = 0.5  # a cluster holding more of the data than this is re-clustered on its own
SPLIT_ROUNDS = 3


@dataclass(frozen=True)
class Partition:
    """Clusters of unit ids (canonical order), the score of every N considered, and why this N."""

    clusters: tuple[tuple[str, ...], ...]
    scores: tuple[CountScore, ...]
    reason: str


def louvain(projected: nx.Graph, resolution: float, seed: int) -> Assignment:
    """Run seeded Louvain (:mod:`analyzer.louvain`, networkx's algorithm) on an integer copy of
    ``projected``; return a canonical assignment.

    Leaves (units with one neighbour) are folded into that neighbour first, their tie kept as a
    self-loop so every degree, and so the modularity, is unchanged: this is Louvain's own first
    move for them at resolution 1 (the gain w/m - w·Σ/(2m²) is never negative), done in one pass
    instead of many, on a graph that is often a third smaller.
    """
    names = sorted(projected.nodes)
    index = {name: i for i, name in enumerate(names)}
    adjacency: dict[int, dict[int, float]] = {i: {} for i in range(len(names))}
    for u, ties in projected.adjacency():  # both directions; only sorted copies of the ties are used
        ties_of_u = adjacency[index[u]]
        for v, attrs in ties.items():
            ties_of_u[index[v]] = float(attrs["weight"])
    into, loops = fold_leaves(adjacency)
    edges = sorted((u, v, w) for u, ties in adjacency.items() for v, w in ties.items() if u < v)
    edges += sorted((u, u, w) for u, w in loops.items() if u in adjacency)
    communities = louvain_communities(adjacency_of(sorted(adjacency), edges), resolution, seed)
    found = {i: c for c, members in enumerate(communities) for i in members}
    return renumber({name: found[_root(into, i)] for i, name in enumerate(names)})


def fold_leaves(adjacency: dict[int, dict[int, float]]) -> tuple[dict[int, int], dict[int, float]]:
    """Fold degree-1 nodes into their neighbour until none is left (``adjacency`` shrinks in place).

    Returns folded node -> the node it joined, and node -> self-loop weight gathered.
    """
    into: dict[int, int] = {}
    loops: dict[int, float] = defaultdict(float)
    waiting = sorted(n for n, ties in adjacency.items() if len(ties) == 1)
    while waiting:
        again: list[int] = []
        for leaf in waiting:
            ties = adjacency.get(leaf)
            if ties is None or len(ties) != 1:
                continue
            ((neighbour, weight),) = ties.items()
            into[leaf] = neighbour
            loops[neighbour] += weight + loops.pop(leaf, 0.0)
            del adjacency[leaf]
            del adjacency[neighbour][leaf]
            if len(adjacency[neighbour]) == 1:
                again.append(neighbour)
        waiting = sorted(again)
    return into, dict(loops)


def _root(into: Mapping[int, int], node: int) -> int:
    while node in into:
        node = into[node]
    return node


def without(projected: nx.Graph, left_out: set[str]) -> nx.Graph:
    """Return a new graph of ``projected`` without the nodes ``left_out`` (same node and edge order)."""
    seen: set[str] = set()
    edges = []
    for u, ties in projected.adjacency():  # each edge once, in projected.edges() order
        if u not in left_out:
            edges += [(u, v, dict(attrs)) for v, attrs in ties.items() if v not in seen and v not in left_out]
        seen.add(u)
    return undirected((n for n in projected.nodes if n not in left_out), edges)


def renumber(assignment: Mapping[str, int]) -> Assignment:
    """Number clusters in the order of their smallest member id, so equal partitions are equal."""
    nodes = sorted(assignment)
    order = {cluster: i for i, cluster in enumerate(dict.fromkeys(assignment[node] for node in nodes))}
    return {node: order[assignment[node]] for node in nodes}


def clusters_of(assignment: Mapping[str, int]) -> tuple[tuple[str, ...], ...]:
    """Return the clusters as sorted tuples, in cluster-number order."""
    groups: dict[int, list[str]] = defaultdict(list)
    for node in sorted(assignment):
        groups[assignment[node]].append(node)
    return tuple(tuple(groups[c]) for c in sorted(groups))


def cluster_links(
    projected: nx.Graph, assignment: Mapping[str, int], edges: list[tuple[str, str, float]] | None = None
) -> dict[tuple[int, int], float]:
    """Return the summed edge weight between (and, for (c, c), inside) clusters.

    ``edges``: :func:`weighted_edges` of ``projected``, when the caller sums links more than once.
    """
    links: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, weight in weighted_edges(projected) if edges is None else edges:
        a, b = assignment[u], assignment[v]
        links[(a, b) if a <= b else (b, a)] += weight
    return dict(sorted(links.items()))


def weighted_edges(projected: nx.Graph) -> list[tuple[str, str, float]]:
    """Each edge once with its weight, in ``projected.edges()`` order (so sums are bit-identical)."""
    edges = []
    seen: set[str] = set()
    for u, ties in projected.adjacency():
        edges += [(u, v, attrs["weight"]) for v, attrs in ties.items() if v not in seen]
        seen.add(u)
    return edges


def absorb_dataless(
    projected: nx.Graph, assignment: Mapping[str, int], is_data: Mapping[str, bool],
    keep: Iterable[str] = (), edges: list[tuple[str, str, float]] | None = None,
) -> Assignment:
    """Fold every cluster without a model or table (or a unit of ``keep``) into its closest cluster.

    All such clusters move at once per round (a cluster tied only to other data-less clusters
    follows them in the next round), so the rounds are few even on large graphs. ``edges``: the
    :func:`weighted_edges` of ``projected``, when the caller has them.
    """
    current = renumber(assignment)
    kept = set(keep)
    edges = weighted_edges(projected) if edges is None else edges
    while True:
        has_data = {c for node, c in current.items() if is_data.get(node, False) or node in kept}
        moves = _absorptions(current, has_data, cluster_links(projected, current, edges))
        if not moves:
            return current
        current = renumber({n: moves.get(c, c) for n, c in current.items()})


def attach(projected: nx.Graph, assignment: Mapping[str, int], nodes: Iterable[str]) -> Assignment:
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


def _closest(projected: nx.Graph, assignment: Mapping[str, int], node: str) -> int | None:
    ties: dict[int, float] = defaultdict(float)
    for neighbour, attrs in projected._adj[node].items():
        if neighbour in assignment:
            ties[assignment[neighbour]] += attrs.get("weight", 1.0)
    return min(ties, key=lambda c: (-ties[c], c)) if ties else None


def _absorptions(
    assignment: Mapping[str, int], has_data: set[int], links: Mapping[tuple[int, int], float]
) -> dict[int, int]:
    if not has_data:
        return {}
    dataless = set(assignment.values()) - has_data
    ties: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), w in links.items():
        if a != b:
            ties[a][b] = ties[a].get(b, 0.0) + w
            ties[b][a] = ties[b].get(a, 0.0) + w
    moves: dict[int, int] = {}
    for cluster in sorted(dataless):
        options = ties.get(cluster, {})
        if options:
            target = min(options, key=lambda c: (c not in has_data, -options[c], c))
            if target in has_data or cluster < target:  # two data-less clusters: the larger number goes
                moves[cluster] = target
        else:
            moves[cluster] = min(has_data)  # an island: keep it with the first data cluster
    return moves


@dataclass(frozen=True)
class _Merges:
    start: Assignment
    steps: tuple[tuple[int, int], ...]  # (kept, absorbed) in cluster numbers of `start`
    modularity: tuple[float, ...]  # modularity after 0, 1, 2... merges
    largest_data_share: tuple[float, ...]


def agglomerate(
    projected: nx.Graph, assignment: Mapping[str, int], is_data: Mapping[str, bool],
    edges: list[tuple[str, str, float]] | None = None,
) -> _Merges:
    """Merge clusters greedily by modularity gain (ties by number) down to one; record each step.

    ``edges``: the :func:`weighted_edges` of ``projected``, when the caller has them.
    """
    links = cluster_links(projected, assignment, edges)
    total = sum(links.values()) or 1.0
    degree: dict[int, float] = defaultdict(float)
    inner: dict[int, float] = defaultdict(float)
    between: dict[tuple[int, int], float] = {}
    for (a, b), w in links.items():
        degree[a] += w
        degree[b] += w
        if a == b:
            inner[a] += w
        else:
            between[(a, b)] = w
    data: dict[int, int] = defaultdict(int)
    for node, cluster in assignment.items():
        data[cluster] += int(is_data.get(node, False))
    alive = sorted(set(assignment.values()))
    data_total = max(1, sum(data.values()))

    def modularity() -> float:
        return sum(inner[c] / total - (degree[c] / (2 * total)) ** 2 for c in alive)

    scores, shares, steps = [modularity()], [max(data[c] for c in alive) / data_total], []
    while len(alive) > 1:
        a, b = _best_merge(alive, between, degree, total)
        steps.append((a, b))
        inner[a] += inner[b] + between.pop((a, b), 0.0)
        degree[a] += degree[b]
        data[a] += data[b]
        alive.remove(b)
        for c in alive:
            w = between.pop((min(b, c), max(b, c)), 0.0)
            if w and c != a:
                key = (min(a, c), max(a, c))
                between[key] = between.get(key, 0.0) + w
        scores.append(modularity())
        shares.append(max(data[c] for c in alive) / data_total)
    return _Merges(dict(assignment), tuple(steps), tuple(scores), tuple(shares))


def _best_merge(
    alive: list[int], between: Mapping[tuple[int, int], float], degree: Mapping[int, float], total: float
) -> tuple[int, int]:
    best, best_gain = (alive[0], alive[1]), float("-inf")
    for i, a in enumerate(alive):
        for b in alive[i + 1:]:
            gain = between.get((a, b), 0.0) / total - 2 * degree[a] * degree[b] / (2 * total) ** 2
            if gain > best_gain + 1e-12:
                best, best_gain = (a, b), gain
    return best


def replay(merges: _Merges, count: int) -> Assignment:
    """Return the assignment with ``count`` clusters from a recorded agglomeration."""
    parent = {c: c for c in set(merges.start.values())}
    for kept, absorbed in merges.steps[: max(0, len(parent) - count)]:
        parent[absorbed] = kept
    def root(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c
    return renumber({node: root(c) for node, c in merges.start.items()})


def score_of(modularity: float, largest_data_share: float) -> float:
    """The automatic-N score: modularity, minus a penalty when one service holds over half the data."""
    return round(modularity - max(0.0, largest_data_share - 0.5), 6)


def choose_partition(
    projected: nx.Graph, is_data: Mapping[str, bool], services: int | None = None, seed: int = 42
) -> Partition:
    """Cluster the unit graph; ``services`` fixes N, otherwise the best-scoring N is chosen."""
    if projected.number_of_nodes() == 0:
        return Partition((), (), "nothing to cluster")
    edges = weighted_edges(projected)
    merges = agglomerate(projected, _initial(projected, is_data, seed, 1.0, edges), is_data, edges)
    count = len(set(merges.start.values()))
    if services is not None and services > count:
        merges = _finer(projected, is_data, seed, services, edges) or merges
        count = len(set(merges.start.values()))
    scores = tuple(
        CountScore(services=count - i, score=score_of(q, share), modularity=round(q, 6))
        for i, (q, share) in enumerate(zip(merges.modularity, merges.largest_data_share, strict=True))
    )[::-1]
    if services is not None:
        chosen = min(services, count)
        reason = f"{chosen} services as requested" + ("" if chosen == services else
                                                     f" (only {count} separable clusters found)")
    else:
        best = max(scores, key=lambda s: (s.score, -s.services))
        chosen = best.services
        reason = (f"{chosen} services: the best score ({best.score:.3f}, modularity "
                  f"{best.modularity:.3f}) among 1..{count} services")
    return Partition(clusters_of(replay(merges, chosen)), scores, reason)


def _initial(
    projected: nx.Graph, is_data: Mapping[str, bool], seed: int, resolution: float,
    edges: list[tuple[str, str, float]],
) -> Assignment:
    start = absorb_dataless(projected, louvain(projected, resolution, seed), is_data, edges=edges)
    return split_oversized(projected, start, is_data, seed)


def split_oversized(
    projected: nx.Graph, assignment: Mapping[str, int], is_data: Mapping[str, bool], seed: int,
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
            inside = projected.subgraph(members)
            inner = absorb_dataless(inside, louvain(inside, 1.0, seed), is_data)
            if len(set(inner.values())) < 2:
                continue
            current.update({n: fresh + c for n, c in inner.items()})
            fresh += max(inner.values()) + 1
        current = renumber(current)
    return current


def _finer(
    projected: nx.Graph, is_data: Mapping[str, bool], seed: int, services: int,
    edges: list[tuple[str, str, float]],
) -> _Merges | None:
    for resolution in SPLIT_RESOLUTIONS:
        start = _initial(projected, is_data, seed, resolution, edges)
        if len(set(start.values())) >= services:
            return agglomerate(projected, start, is_data, edges)
    return None
