"""Agglomeration: clusters merged greedily by modularity gain, each step recorded, and the scores.

The primitives the partition and a requested count share (:mod:`analyzer.boundaries.partition`,
:mod:`analyzer.boundaries.requested_count`): the summed ties between clusters, the folding of
clusters without data, the greedy merges that spend ties only (:func:`agglomerate`, replayed to any
count), the modularity of an assignment and the score of a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzer.boundaries.unit_edges import Assignment, UnitEdges, WeightedEdge, renumber
from analyzer.model.analysis import CountScore


def clusters_of(assignment: Mapping[str, int]) -> tuple[tuple[str, ...], ...]:
    """Return the clusters as sorted tuples, in cluster-number order."""
    groups: dict[int, list[str]] = defaultdict(list)
    for node in sorted(assignment):
        groups[assignment[node]].append(node)
    return tuple(tuple(groups[c]) for c in sorted(groups))


def cluster_links(
    edges: Iterable[WeightedEdge], assignment: Mapping[str, int]
) -> dict[tuple[int, int], float]:
    """Return the summed edge weight between (and, for (c, c), inside) clusters."""
    links: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, weight in edges:
        a, b = assignment[u], assignment[v]
        links[(a, b) if a <= b else (b, a)] += weight
    return dict(sorted(links.items()))


def absorb_dataless(
    graph: UnitEdges, assignment: Mapping[str, int], is_data: Mapping[str, bool], keep: Iterable[str] = (),
) -> Assignment:
    """Fold every cluster without a model or table (or a unit of ``keep``) into its closest cluster.

    All such clusters move at once per round (a cluster tied only to other data-less clusters
    follows them in the next round), so the rounds are few even on large graphs.
    """
    current = renumber(assignment)
    kept = set(keep)
    while True:
        has_data = {c for node, c in current.items() if is_data.get(node, False) or node in kept}
        if not has_data or len(has_data) == len(set(current.values())):
            return current  # nothing to absorb, or nothing to absorb into: no need to sum the links
        moves = _absorptions(current, has_data, cluster_links(graph.edges, current))
        if not moves:
            return current
        current = renumber({n: moves.get(c, c) for n, c in current.items()})


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
class Merges:
    """A recorded agglomeration: the start, each merge, the modularity and largest data share after each."""

    start: Assignment
    steps: tuple[tuple[int, int], ...]  # (kept, absorbed) in cluster numbers of `start`
    modularity: tuple[float, ...]  # modularity after 0, 1, 2... merges
    largest_data_share: tuple[float, ...]


def agglomerate(graph: UnitEdges, assignment: Mapping[str, int], is_data: Mapping[str, bool]) -> Merges:
    """Merge clusters greedily by modularity gain (ties by number) down to one; record each step."""
    links = cluster_links(graph.edges, assignment)
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
    return Merges(dict(assignment), tuple(steps), tuple(scores), tuple(shares))


def _best_merge(
    alive: list[int], between: Mapping[tuple[int, int], float], degree: Mapping[int, float], total: float
) -> tuple[int, int]:
    """The pair of clusters to merge next: the best modularity gain among the pairs tied by an edge.

    Two clusters with nothing between them lose only ``2 d_a d_b / (2m)^2`` of modularity when
    merged, next to nothing for small ones, so by gain alone they are merged before a real tie
    is spent: the curve stays flat while the smaller counts fill up with grab-bags. Untied pairs
    are merged only when no tied pair is left (a requested count below the connected pieces).
    """
    best, best_key = (alive[0], alive[1]), (False, float("-inf"))
    for i, a in enumerate(alive):
        for b in alive[i + 1:]:
            tie = between.get((a, b), 0.0)
            key = (tie > 0, tie / total - 2 * degree[a] * degree[b] / (2 * total) ** 2)
            if key[0] > best_key[0] or (key[0] == best_key[0] and key[1] > best_key[1] + 1e-12):
                best, best_key = (a, b), key
    return best


def replay(merges: Merges, count: int) -> Assignment:
    """Return the assignment with ``count`` clusters from a recorded agglomeration."""
    parent = {c: c for c in set(merges.start.values())}
    for kept, absorbed in merges.steps[: max(0, len(parent) - count)]:
        parent[absorbed] = kept
    def root(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c
    return renumber({node: root(c) for node, c in merges.start.items()})


def curve(merges: Merges) -> tuple[CountScore, ...]:
    """The score and modularity of every count a recorded agglomeration passes, fewest services first."""
    count = len(set(merges.start.values()))
    return tuple(
        CountScore(services=count - i, score=score_of(q, share), modularity=round(q, 6))
        for i, (q, share) in enumerate(zip(merges.modularity, merges.largest_data_share, strict=True))
    )[::-1]


def score_of(modularity: float, largest_data_share: float) -> float:
    """The automatic-N score: modularity, minus a penalty when one service holds over half the data."""
    return round(modularity - max(0.0, largest_data_share - 0.5), 6)


def modularity_of(graph: UnitEdges, assignment: Mapping[str, int]) -> float:
    """The modularity (resolution 1) of ``assignment`` on ``graph``, as :func:`agglomerate` scores it."""
    links = cluster_links(graph.edges, assignment)
    total = sum(links.values()) or 1.0
    degree: dict[int, float] = defaultdict(float)
    for (a, b), w in links.items():
        degree[a] += w
        degree[b] += w
    return sum(links.get((c, c), 0.0) / total - (d / (2 * total)) ** 2 for c, d in degree.items())
