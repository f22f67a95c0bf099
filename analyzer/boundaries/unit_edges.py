"""The unit graph as clustering reads it: its nodes, and each weighted edge once, in graph order.

Clustering (Louvain, the absorptions, the agglomeration) only ever reads the unit graph's
weighted edges, many times over, and on subsets of its nodes: the core without hubs and
followers, an oversized cluster re-clustered on its own. :class:`UnitEdges` keeps them as flat
tuples in ``nx.Graph.edges()`` order, so every sum over them is bit-identical to a sum over the
graph; a subset is a filter of the list, not a new ``nx.Graph``. :func:`louvain` runs seeded
Louvain (:mod:`analyzer.boundaries.louvain`) on it; the steps that look up a unit's neighbours (placing the
hubs, folding minor clusters, the rationale) read :meth:`UnitEdges.ties`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.louvain import adjacency_of, louvain_communities
from analyzer.graph.schema import node_attrs, ties

Assignment = dict[str, int]  # unit node id -> cluster number
WeightedEdge = tuple[str, str, float]
UnitTies = dict[str, dict[str, float]]  # unit -> neighbour -> weight, both directions


def weighted_edges(projected: nx.Graph) -> list[WeightedEdge]:
    """Each edge once with its weight, in ``projected.edges()`` order (so sums are bit-identical)."""
    edges = []
    seen: set[str] = set()
    for u, neighbours in ties(projected).items():  # the order of projected.adjacency(), without its view
        edges += [(u, v, attrs["weight"]) for v, attrs in neighbours.items() if v not in seen]
        seen.add(u)
    return edges


@dataclass(frozen=True)
class UnitEdges:
    """A weighted undirected graph: nodes in graph order, each edge once in ``edges()`` order.

    Leaving nodes out keeps the order of what remains: ``nx.Graph.edges()`` lists each node's
    ties to the nodes after it, in its adjacency order, so the edges of the graph networkx builds
    from the remaining nodes and edges are the remaining edges, in the same order
    (``tests/analyzer/boundaries/test_projection.py`` checks it against networkx). Not so for a
    ``graph.subgraph`` view of under half the nodes: it lists them in the order of a set.
    """

    nodes: tuple[str, ...]
    edges: tuple[WeightedEdge, ...]

    @classmethod
    def of(cls, graph: nx.Graph) -> UnitEdges:
        """The nodes and weighted edges of ``graph`` (every edge needs a ``weight``)."""
        return cls(tuple(node_attrs(graph)), tuple(weighted_edges(graph)))

    def ties(self) -> UnitTies:
        """Unit -> neighbour -> weight, both directions, in the order ``nx.Graph`` would keep them."""
        ties: UnitTies = {n: {} for n in self.nodes}
        for u, v, weight in self.edges:
            ties[u][v] = weight
            ties[v][u] = weight
        return ties

    def without(self, left_out: Collection[str]) -> UnitEdges:
        """The graph without the nodes ``left_out``."""
        out = set(left_out)
        return UnitEdges(tuple(n for n in self.nodes if n not in out),
                         tuple(e for e in self.edges if e[0] not in out and e[1] not in out))

    def within(self, members: Collection[str]) -> UnitEdges:
        """The subgraph induced by ``members``."""
        keep = set(members)
        return UnitEdges(tuple(n for n in self.nodes if n in keep),
                         tuple(e for e in self.edges if e[0] in keep and e[1] in keep))


def louvain(graph: UnitEdges, resolution: float, seed: int) -> Assignment:
    """Run seeded Louvain (:mod:`analyzer.boundaries.louvain`, networkx's algorithm) on an integer copy of
    ``graph``; return a canonical assignment.

    The copy's nodes are the integers of the sorted ids and its edges are sorted, so nothing
    depends on string hashing or on the order of ``graph``. Leaves (units with one neighbour) are
    folded into that neighbour first, their tie kept as a self-loop so every degree, and so the
    modularity, is unchanged: this is Louvain's own first move for them at resolution 1 (the gain
    w/m - w·Σ/(2m²) is never negative), done in one pass instead of many, on a graph that is
    often a third smaller.
    """
    names = sorted(graph.nodes)
    index = {name: i for i, name in enumerate(names)}
    adjacency: dict[int, dict[int, float]] = {i: {} for i in range(len(names))}
    own: dict[int, float] = {}  # the graph's own self-loops
    for u, v, weight in graph.edges:
        a, b = index[u], index[v]
        if a == b:
            own[a] = own.get(a, 0.0) + float(weight)
        else:
            adjacency[a][b] = adjacency[b][a] = float(weight)
    into, loops = fold_leaves(adjacency, own)
    edges = sorted((u, v, w) for u, ties in adjacency.items() for v, w in ties.items() if u < v)
    edges += sorted((u, u, w) for u, w in loops.items() if u in adjacency)
    communities = louvain_communities(adjacency_of(sorted(adjacency), edges), resolution, seed)
    found = {i: c for c, members in enumerate(communities) for i in members}
    return renumber({name: found[_root(into, i)] for i, name in enumerate(names)})


def fold_leaves(
    adjacency: dict[int, dict[int, float]], own: Mapping[int, float] | None = None,
) -> tuple[dict[int, int], dict[int, float]]:
    """Fold each degree-1 node without a self-loop into its neighbour (``adjacency`` shrinks in place).

    Such a leaf's move to its neighbour is Louvain's first move for it (the gain
    ``w/m - w·d/(2m²)`` is never negative); a node that has a self-loop (``own``: the graph's,
    or one gathered from its leaves) is left to Louvain, whose gain for it may be negative.
    Returns folded node -> the node it joined, and node -> self-loop weight.
    """
    into: dict[int, int] = {}
    loops: dict[int, float] = defaultdict(float, own or {})
    for leaf in sorted(n for n, around in adjacency.items() if len(around) == 1 and n not in loops):
        around = adjacency[leaf]
        if len(around) != 1:  # its one neighbour was a leaf folded into it
            continue
        ((neighbour, weight),) = around.items()
        into[leaf] = neighbour
        loops[neighbour] += weight
        del adjacency[leaf]
        del adjacency[neighbour][leaf]
    return into, dict(loops)


def _root(into: Mapping[int, int], node: int) -> int:
    while node in into:
        node = into[node]
    return node


def renumber(assignment: Mapping[str, int]) -> Assignment:
    """Number clusters in the order of their smallest member id, so equal partitions are equal."""
    nodes = sorted(assignment)
    clusters = [assignment[node] for node in nodes]
    order = {cluster: i for i, cluster in enumerate(dict.fromkeys(clusters))}
    return dict(zip(nodes, map(order.__getitem__, clusters), strict=True))
