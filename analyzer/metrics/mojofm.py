"""Distance between two decompositions: MoJoFM (Wen & Tzerpos, 2004).

A pure function over ``item -> cluster`` mappings; only the items present in both are compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import networkx as nx


def mojofm(source: Mapping[str, str], target: Mapping[str, str]) -> float:
    """MoJoFM(source -> target) in percent over the common items: 100 identical, 0 farthest.

    ``mno = moves + joins`` where moves = Σ (|A_i| - max_j |A_i ∩ B_j|) and joins = l - g, with l the
    source clusters and g a maximum matching of clusters to their max-overlap target clusters;
    MoJoFM = (1 - mno / max mno) · 100 with max mno = n - (groups that can be filled), as in the
    reference MoJo calculator.
    """
    items = sorted(set(source) & set(target))
    if len(items) < 2:
        return 100.0
    overlap: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        overlap[source[item]][target[item]] += 1
    moves = sum(sum(row.values()) - max(row.values()) for row in overlap.values())
    joins = len(overlap) - _max_matching(overlap)
    worst = len(items) - _fillable_groups(Counter(target[item] for item in items))
    if worst <= 0:
        return 100.0
    return (1.0 - (moves + joins) / worst) * 100.0


def _max_matching(overlap: Mapping[str, Counter[str]]) -> int:
    graph = nx.Graph()
    left = [("a", cluster) for cluster in sorted(overlap)]
    graph.add_nodes_from(left)
    for cluster in sorted(overlap):
        row = overlap[cluster]
        best = max(row.values())
        graph.add_edges_from((("a", cluster), ("b", tag)) for tag in sorted(row) if row[tag] == best)
    matching = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=left)
    return sum(1 for node in left if node in matching)


def _fillable_groups(cardinalities: Counter[str]) -> int:
    groups = 0
    for size in sorted(cardinalities.values()):
        if groups < size:
            groups += 1
    return groups
