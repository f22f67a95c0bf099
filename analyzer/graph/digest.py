"""The digest of a project graph with its positions left out: what the partition reads.

An edit that only moves lines changes every ``path``/``line`` below it and a module's length,
but not what :func:`analyzer.boundaries.propose.cluster_units` decides from; this digest is the
same for both trees, so the partition can be reused. The sizes the partition does read (the
``lines`` of a class or function, :mod:`analyzer.boundaries.fold_minor`) stay in it, and so does
the order of every node, neighbour and edge (the clustering is seeded but order-sensitive).
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from analyzer.graph.schema import EdgeKind, node_attrs, predecessors, successors

if TYPE_CHECKING:
    import networkx as nx

    from analyzer.graph.build import ProjectGraph

POSITIONS = frozenset({"path", "line"})  # where a node or edge is, not what it is
SIZED_KINDS = frozenset({"class", "function"})  # whose ``lines`` the partition reads
_MARSHAL_VERSION = 2  # no back-references: equal values give equal bytes whatever their identity


def position_free_digest(project: ProjectGraph) -> str:
    """The hash of ``project`` without the positions of its nodes, edges and transactions."""
    digest = hashlib.blake2b(digest_size=16)
    for part in _parts(project):
        digest.update(marshal.dumps(part, _MARSHAL_VERSION))
    return digest.hexdigest()


def _parts(project: ProjectGraph) -> Iterator[Any]:
    """The graph in its own order, a node or a node's out-edges at a time, positions removed."""
    graph = project.graph
    yield [(node, _without(attrs, POSITIONS if attrs["kind"] in SIZED_KINDS else _SIZE_AND_POSITIONS))
           for node, attrs in node_attrs(graph).items()]
    for source, targets in successors(graph).items():
        yield source, [(target, key, _without(attrs, POSITIONS))
                       for target, keyed in targets.items() for key, attrs in keyed.items()]
    yield [(target, list(sources)) for target, sources in predecessors(graph).items()]
    yield [(t.unit, [(w.table, w.op, w.via) for w in t.writes]) for t in project.transactions]


_SIZE_AND_POSITIONS = POSITIONS | {"lines"}


def _without(attrs: Mapping[str, object], left_out: frozenset[str]) -> dict[str, object]:
    kept = dict(attrs)
    for name in left_out:
        kept.pop(name, None)
    return kept


def edge_sites(graph: nx.MultiDiGraph, kind: EdgeKind) -> str:
    """The hash of the ``path`` and ``line`` of every edge of ``kind``, in the graph's order."""
    sites = [(attrs["path"], attrs["line"]) for targets in successors(graph).values()
             for keyed in targets.values() for attrs in keyed.values() if attrs["kind"] == kind]
    return hashlib.blake2b(marshal.dumps(sites, _MARSHAL_VERSION), digest_size=16).hexdigest()
