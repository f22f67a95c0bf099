"""Scores of a partition against a truth decomposition, implemented here (not the analyzer's).

A partition is ``{item: cluster}``. Every score is over the items both partitions place.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from math import comb


def common(a: Mapping[str, str], b: Mapping[str, str]) -> list[str]:
    """Items placed by both partitions, sorted."""
    return sorted(set(a) & set(b))


def adjusted_rand_index(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """Hubert & Arabie's ARI from the contingency table: 1 identical, about 0 random."""
    items = common(a, b)
    table = Counter((a[i], b[i]) for i in items)
    rows, cols = Counter(a[i] for i in items), Counter(b[i] for i in items)
    index = sum(comb(n, 2) for n in table.values())
    sum_rows, sum_cols = sum(comb(n, 2) for n in rows.values()), sum(comb(n, 2) for n in cols.values())
    total = comb(len(items), 2)
    if total == 0:
        return 1.0
    expected = sum_rows * sum_cols / total
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _max_matching(edges: Mapping[str, list[str]]) -> int:
    """Size of a maximum bipartite matching (Kuhn's augmenting paths), deterministic order."""
    match: dict[str, str] = {}

    def augment(left: str, seen: set[str]) -> bool:
        for right in edges[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in match or augment(match[right], seen):
                match[right] = left
                return True
        return False

    return sum(augment(left, set()) for left in sorted(edges))


def mojo_fm(source: Mapping[str, str], target: Mapping[str, str]) -> float:
    """MoJoFM(source -> target) in percent (Wen & Tzerpos 2004): 100 identical, 0 farthest.

    ``mno = moves + (l - g)``: moves = Σ_i (|A_i| - max_j |A_i ∩ B_j|); l source clusters; g the
    size of a maximum matching of source clusters to their max-overlap target clusters.
    ``max mno = n - g'`` with g' the target groups an adversarial source can still fill
    (target sizes ascending, g' grows while a size exceeds it), as in the MoJo calculator.
    """
    items = common(source, target)
    if len(items) < 2:
        return 100.0
    overlap: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        overlap[source[item]][target[item]] += 1
    moves, edges = 0, {}
    for cluster, row in overlap.items():
        best = max(row.values())
        moves += sum(row.values()) - best
        edges[cluster] = sorted(t for t, n in row.items() if n == best)
    mno = moves + len(overlap) - _max_matching(edges)
    filled = 0
    for size in sorted(Counter(target[i] for i in items).values()):
        if size > filled:
            filled += 1
    worst = len(items) - filled
    return 100.0 if worst == 0 else (1 - mno / worst) * 100


def pair_precision_recall(proposal: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float]:
    """Of the item pairs a partition puts together: the share truth agrees with, and the share found."""
    items = common(proposal, truth)
    together = {(x, y) for x, y in combinations(items, 2) if proposal[x] == proposal[y]}
    expected = {(x, y) for x, y in combinations(items, 2) if truth[x] == truth[y]}
    hit = len(together & expected)
    precision = hit / len(together) if together else 1.0
    recall = hit / len(expected) if expected else 1.0
    return precision, recall


def pairs_kept(partition: Mapping[str, str], pairs: Iterable[tuple[str, str]], together: bool) -> int:
    """How many ``(a, b)`` pairs the partition keeps together (or apart, with ``together=False``)."""
    kept = 0
    for a, b in pairs:
        if a in partition and b in partition and (partition[a] == partition[b]) == together:
            kept += 1
    return kept
