"""The graph's schema: node and edge kinds, their attributes, the edge-kind groups, typed access.

Node ids: qualified names for classes, functions and models (``orders.models.Order``),
``module:<dotted>`` for module-level code, ``table:<name>`` and ``route:<pattern>``. Every node
carries :class:`NodeAttrs`, every edge of the ``MultiDiGraph`` :class:`EdgeAttrs`; both are built
only through :func:`add_node` and :func:`add_edge` (or :func:`node_attributes` /
:func:`edge_attributes` for the bulk writers of this package), and read through the accessors
below, so that a misspelt key is a mypy error. The projected unit graph (undirected, one
``weight`` per tie) is :data:`Ties`. Weights live in :mod:`analyzer.graph.weights`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal, NotRequired, Required, TypedDict

if TYPE_CHECKING:  # imported where a graph is made: reading the schema needs no networkx
    import networkx as nx

NodeKind = Literal["module", "class", "function", "model", "table", "route"]
EdgeKind = Literal[
    "import", "call", "inherit", "route-view", "fk", "m2m", "orm-read", "orm-write", "sql-read",
    "sql-write", "sql-join", "transaction", "signal", "co-change", "same-author",
    "contains", "same-app", "same-module",
]


class NodeAttrs(TypedDict):
    """The attributes of a node; the ``NotRequired`` ones belong to some kinds only."""

    kind: NodeKind
    app: str  # app label, "" outside the project's apps
    module: str
    path: str
    line: int
    lines: int
    label: NotRequired[str]  # model: "app.Model"
    abstract: NotRequired[bool]  # model
    proxy: NotRequired[bool]  # model
    table: NotRequired[str]  # model: its db table, "" when abstract
    model: NotRequired[str]  # table: the model unit mapped to it
    pattern: NotRequired[str]  # route
    related: NotRequired[tuple[tuple[str, str], ...]]  # table without a project model: (unit, field)
    framework: NotRequired[str]  # table of django.contrib: the contrib app


class EdgeExtra(TypedDict, total=False):
    """The attributes only some kinds of edge carry."""

    field: str  # fk, m2m
    subject: str  # fk, m2m: "app.Model.field -> app.Target"
    on_delete: str  # fk: the on_delete rule's name ("CASCADE"), when the code names one
    null: bool  # fk: the relation is optional (``null=True``); absent when it is required
    op: str  # orm-*: the ORM method (or "lookup")
    model: str  # orm-*: the model label queried
    via: str  # orm-read of a related lookup: the model queried
    sql_file: str  # sql-*: the .sql file the statement came from
    join: str  # sql-join: "left JOIN right"
    signal: str  # signal: the signal's qualified name


class EdgeAttrs(EdgeExtra):
    """The attributes of an edge: these four on every edge, those of :class:`EdgeExtra` on some."""

    weight: Required[float]
    kind: Required[EdgeKind]
    path: Required[str]
    line: Required[int]


class Tie(TypedDict):
    """The attributes of a tie of the projected (undirected) unit graph."""

    weight: float


NodeTable = Mapping[str, NodeAttrs]  # node id -> attributes
Keyed = Mapping[int, EdgeAttrs]  # edge key -> attributes, between one ordered pair
Adjacency = Mapping[str, Mapping[str, Keyed]]  # node -> neighbour -> keyed edges
Ties = Mapping[str, Mapping[str, Tie]]  # unit -> neighbour -> tie, both directions

# edge-kind groups: what each kind of edge means
CODE_KINDS: frozenset[EdgeKind] = frozenset({"import", "call", "inherit"})  # code uses code
RELATION_KINDS: frozenset[EdgeKind] = frozenset({"fk", "m2m"})  # a model relates to a model
READ_KINDS: frozenset[EdgeKind] = frozenset({"orm-read", "sql-read", "sql-join"})  # code reads a table
WRITE_KINDS: frozenset[EdgeKind] = frozenset({"orm-write", "sql-write"})  # code writes a table
TABLE_ACCESS_KINDS: frozenset[EdgeKind] = READ_KINDS | WRITE_KINDS  # code reads or writes a table
TABLE_USE_KINDS: frozenset[EdgeKind] = TABLE_ACCESS_KINDS | {"transaction"}  # ... or writes it atomically
DATA_KINDS: frozenset[EdgeKind] = RELATION_KINDS | TABLE_ACCESS_KINDS  # data coupling
REQUEST_KINDS: frozenset[EdgeKind] = frozenset({"route-view", "call", "signal"})  # a request flows along
HISTORY_KINDS: frozenset[EdgeKind] = frozenset({"co-change", "same-author"})  # read from git history
PROJECTION_KINDS: frozenset[EdgeKind] = frozenset({"contains", "same-app", "same-module"})  # projection only
INFERRED_KINDS: frozenset[EdgeKind] = PROJECTION_KINDS | HISTORY_KINDS  # ties not read from the code
# edges that, crossing two services, are a boundary violation
VIOLATION_KINDS: frozenset[EdgeKind] = RELATION_KINDS | WRITE_KINDS | {"orm-read", "sql-read", "signal"}

# node-kind groups
PLACED_KINDS: frozenset[NodeKind] = frozenset({"class", "function", "model", "module"})  # placed in a service
CODE_NODE_KINDS: frozenset[NodeKind] = frozenset({"class", "function", "module"})  # code, not data
CODE_UNIT_KINDS: frozenset[NodeKind] = frozenset({"class", "function", "model"})  # units of code
CLASS_KINDS: frozenset[NodeKind] = frozenset({"class", "model"})


def add_node(graph: nx.MultiDiGraph, node: str, attrs: NodeAttrs) -> None:
    """Add ``node`` with its attributes (replacing those of a node already there)."""
    graph.add_node(node, **attrs)


def add_edge(graph: nx.MultiDiGraph, source: str, target: str, attrs: EdgeAttrs) -> None:
    """Add an edge ``source -> target`` with its attributes, keyed as networkx would."""
    graph.add_edge(source, target, **attrs)


def node_attrs(graph: nx.Graph) -> NodeTable:
    """Node id -> its attributes, as ``graph.nodes[node]`` gives them, without the view's per-call cost.

    This is the dict-of-dicts networkx documents as ``G._node``: read it; only the graph package
    annotates a node through it (:mod:`analyzer.graph.framework_tables`).
    """
    attrs: NodeTable = graph._node
    return attrs


def successors(graph: nx.MultiDiGraph) -> Adjacency:
    """Node -> successor -> keyed edges, in ``graph.adjacency()`` (and ``graph.edges()``) order."""
    succ: Adjacency = graph._succ
    return succ


def predecessors(graph: nx.MultiDiGraph) -> Adjacency:
    """Node -> predecessor -> keyed edges, in ``graph.in_edges(node)`` order."""
    pred: Adjacency = graph._pred
    return pred


def in_edges(graph: nx.MultiDiGraph, node: str) -> Iterator[tuple[str, EdgeAttrs]]:
    """(source, attributes) of every edge into ``node``, in ``graph.in_edges(node)`` order."""
    for source, keyed in predecessors(graph)[node].items():
        yield from ((source, attrs) for attrs in keyed.values())


def out_edges(graph: nx.MultiDiGraph, node: str) -> Iterator[tuple[str, EdgeAttrs]]:
    """(target, attributes) of every edge out of ``node``, in ``graph.out_edges(node)`` order."""
    for target, keyed in successors(graph)[node].items():
        yield from ((target, attrs) for attrs in keyed.values())


def edges(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, EdgeAttrs]]:
    """(source, target, attributes) of every edge, in ``graph.edges(data=True)`` order."""
    for source, neighbours in successors(graph).items():
        for target, keyed in neighbours.items():
            yield from ((source, target, attrs) for attrs in keyed.values())


def undirected(nodes: Iterable[str], edges: Iterable[tuple[str, str, Tie]]) -> nx.Graph:
    """The ``nx.Graph`` that ``add_nodes_from(nodes)`` then ``add_edges_from(edges)`` builds.

    Written straight into the adjacency dicts networkx documents (``_node[n]``, and ``_adj[u][v]``
    is ``_adj[v][u]``, one attribute dict per edge), without the per-edge overhead of
    ``add_edges_from``; each edge's attribute dict is the one given, so pass fresh dicts.
    ``tests/analyzer/boundaries/test_projection.py`` checks it against networkx.
    """
    import networkx as nx

    graph = nx.Graph()
    node: dict[str, dict[str, object]] = graph._node
    adj: dict[str, dict[str, Tie]] = graph._adj
    for n in nodes:
        if n not in node:
            adj[n] = {}
            node[n] = {}
    for u, v, attrs in edges:
        if u not in node:
            adj[u] = {}
            node[u] = {}
        if v not in node:
            adj[v] = {}
            node[v] = {}
        neighbours = adj[u]
        known = neighbours.get(v)
        if known is not None:
            known.update(attrs)
            attrs = known
        neighbours[v] = adj[v][u] = attrs
    getattr(graph, "__networkx_cache__", {}).clear()
    return graph


def ties(graph: nx.Graph) -> Ties:
    """Unit -> neighbour -> tie of an undirected unit graph, in ``graph.adjacency()`` order."""
    adj: Ties = graph._adj
    return adj
