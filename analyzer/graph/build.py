"""Project facts -> one typed, weighted dependency graph (networkx ``MultiDiGraph``).

Node ids follow the team conventions: qualified names for classes, functions and models
(methods and nested functions are folded into their top-level class or function: the unit that
gets placed), ``module:<dotted>`` for module-level code, ``table:<name>`` and ``route:<pattern>``.
Edges are typed (import, call, inherit, fk, m2m, orm-read, orm-write, sql-read, sql-write,
sql-join, signal, transaction, route-view) and weighted from :mod:`analyzer.graph.weights`; ORM and SQL
edges point at table nodes, a table node names its model in ``model``. Nodes and edges are added
in sorted order so that everything downstream is deterministic. The atomic blocks, with their
writes in source order, travel beside the graph for the sagas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Unpack

import networkx as nx

from analyzer.graph.gc_pause import collector_paused
from analyzer.graph.schema import EdgeAttrs, EdgeExtra, EdgeKind, add_node, node_attrs
from analyzer.graph.weights import DEFAULT_WEIGHTS
from analyzer.model.facts import (
    AtomicBlock,
    Definition,
    ModelFact,
    ModuleFacts,
    ProjectFacts,
    Reference,
    full_route,
)
from analyzer.model.source_paths import is_test_path

FIELD_RELATIONS: Mapping[str, EdgeKind] = {"fk": "fk", "o2o": "fk", "m2m": "m2m"}  # Django relation -> edge
ORM_KINDS: Mapping[str, EdgeKind] = {"read": "orm-read", "write": "orm-write"}
# source, target, kind, path, line, the other attributes: sorted as tuples, up to the attributes
Edge = tuple[str, str, EdgeKind, str, int, EdgeExtra]


@dataclass(frozen=True)
class Write:
    """One write inside an atomic block: the table node, the ORM method, the line."""

    table: str  # "table:<name>"
    op: str  # create | update | delete | save | bulk_create | ... | "sql" | "call"
    line: int
    via: str = ""  # the function called inside the block that writes, "" for a direct write

    @property
    def direct(self) -> bool:
        """Whether the block's own code writes (not a function it calls)."""
        return not self.via


@dataclass(frozen=True)
class Transaction:
    """A ``transaction.atomic`` block: its unit, place, and writes in source order."""

    unit: str
    path: str
    line: int
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class ProjectGraph:
    """The dependency graph and the transactions, ready for :mod:`analyzer.boundaries.propose`."""

    graph: nx.MultiDiGraph
    transactions: tuple[Transaction, ...]


class _Names(dict[str | None, str | None]):
    """Resolves qualified names (and prefixes of them) to graph nodes: ``names[name]``, memoised."""

    def __init__(self, units: Iterable[str], modules: Iterable[str]) -> None:
        super().__init__()
        self.known: dict[str, str] = {m: f"module:{m}" for m in modules}
        self.known.update({u: u for u in units})
        self.update(self.known)  # most names are known ones: found without a __missing__ call

    def __missing__(self, name: str | None) -> str | None:
        walked = [name]  # name and its prefixes up to the first known or memoised one
        found = self.known.get(name) if name else None
        while found is None and name and "." in name:
            name = name.rpartition(".")[0]
            if name in self:
                found = self[name]
                break
            walked.append(name)
            found = self.known.get(name) if name else None
        for each in walked:
            self[each] = found
        return found

    def node(self, name: str | None) -> str | None:
        """Return the node ``name`` or its closest enclosing unit or module, else None."""
        return self[name]


def app_of_module(module: str, apps: Mapping[str, str]) -> str:
    """Return the label of the app (dotted name -> label) that holds ``module``, or ""."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        label = apps.get(".".join(parts[:end]))
        if label is not None:
            return label
    return ""


@collector_paused()
def build_graph(facts: ProjectFacts, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> ProjectGraph:
    """Build the graph of a project; pure, deterministic, linear in the number of facts."""
    apps = {app.name: app.label for app in facts.apps}
    graph = nx.MultiDiGraph()
    inheriting = _add_code_nodes(graph, facts.modules, apps)
    tables = _add_data_nodes(graph, facts.models, apps)
    names = _Names((n for n, attrs in node_attrs(graph).items() if attrs["kind"] != "module"),
                   (m.module for m in facts.modules))
    edges: list[Edge] = []
    edges += _code_edges(facts.modules, inheriting, names)
    edges += _model_edges(facts.models, tables)
    edges += _orm_edges(facts, names, tables)
    edges += _sql_edges(facts, names, graph, apps)
    edges += _route_edges(facts, names, graph)
    edges += _signal_edges(facts, names)
    transactions = _transactions(facts, names, tables)
    edges += [(t.unit, w.table, "transaction", t.path, t.line, {}) for t in transactions for w in t.writes]
    _add_edges(graph, edges, weights)
    return ProjectGraph(graph, transactions)


def _add_edges(graph: nx.MultiDiGraph, edges: list[Edge], weights: Mapping[str, float]) -> None:
    """Add the edges between known nodes in sorted order, keyed 0, 1, ... per pair as networkx would.

    The edges go straight into the dict-of-dict-of-dict-of-dict structure that networkx documents
    for subclasses (``_succ[u][v][key]`` is ``_pred[v][u][key]``, one attribute dict per edge):
    exactly what ``add_edge(u, v, key, weight=..., kind=..., path=..., line=..., **extra)`` builds,
    without its per-call overhead (a third of the graph-building time on a large project). The
    sort is stable: edges equal up to their extra attributes keep the order they were found in.
    """
    present = graph._node
    succ, pred = graph._succ, graph._pred
    weight_of = dict(weights).get
    previous: tuple[str, str] = ("", "")
    keyed: dict[int, EdgeAttrs] = {}
    for source, target, kind, path, line, extra in sorted(edges, key=itemgetter(0, 1, 2, 3, 4)):
        if source != target and source in present and target in present:
            attrs: EdgeAttrs = {"weight": weight_of(kind, 0.0), "kind": kind, "path": path, "line": line,
                                **extra}
            if (source, target) == previous:  # sorted: a pair's edges are adjacent
                keyed[len(keyed)] = attrs
            else:
                previous = (source, target)
                keyed = succ[source][target] = pred[target][source] = {0: attrs}
    getattr(graph, "__networkx_cache__", {}).clear()  # what add_edge does: nothing cached is valid now


def _add_code_nodes(
    graph: nx.MultiDiGraph, modules: Iterable[ModuleFacts], apps: Mapping[str, str]
) -> list[tuple[Definition, str]]:
    """Add module and unit nodes; return the definitions with bases, with their module's path.

    The definitions are read here once for both, not again by the edge builders.
    """
    inheriting: list[tuple[Definition, str]] = []
    for facts in sorted(modules, key=attrgetter("module")):
        app = app_of_module(facts.module, apps)
        add_node(graph, f"module:{facts.module}", {"kind": "module", "app": app, "module": facts.module,
                                                   "path": facts.path, "line": 1, "lines": facts.lines})
        # top-level definitions (``module.name``) are the units; methods and nested ones fold into them
        module, dot = facts.module, len(facts.module)
        units = [d for d in facts.definitions
                 if d.qualname.rfind(".") == dot and d.qualname.startswith(module)]
        inheriting += [(d, facts.path) for d in facts.definitions if d.bases]
        for definition in sorted(units, key=attrgetter("qualname")):
            add_node(graph, definition.qualname, {
                "kind": "class" if definition.kind == "class" else "function", "app": app,
                "module": facts.module, "path": facts.path, "line": definition.line,
                "lines": definition.end_line - definition.line + 1})
    return inheriting


def _add_data_nodes(
    graph: nx.MultiDiGraph, models: Iterable[ModelFact], apps: Mapping[str, str]
) -> dict[str, str]:
    """Add model and table nodes; return model label -> the node its data lives in."""
    tables: dict[str, str] = {}
    # concrete models first, so a proxy never names the table node of its parent's table
    for model in sorted(models, key=lambda m: (m.proxy, m.label)):
        add_node(graph, model.qualname, {
            "kind": "model", "app": model.app_label, "module": model.module, "path": model.path,
            "line": model.line, "lines": model.end_line - model.line + 1, "label": model.label,
            "abstract": model.abstract, "proxy": model.proxy,
            "table": "" if model.abstract else model.db_table})
        if model.abstract:
            tables[model.label] = model.qualname
            continue
        table = f"table:{model.db_table}"
        tables[model.label] = table
        if model.proxy and table in graph:
            continue
        add_node(graph, table, {"kind": "table", "app": model.app_label, "module": model.module,
                                "path": model.path, "line": model.line, "lines": 0, "model": model.qualname})
        for field in model.fields:
            if field.m2m_table and not field.through_label:
                add_node(graph, f"table:{field.m2m_table}", {
                    "kind": "table", "app": model.app_label, "module": model.module, "path": model.path,
                    "line": field.line, "lines": 0, "model": model.qualname})
    return tables


def _code_edges(
    modules: Iterable[ModuleFacts], inheriting: Iterable[tuple[Definition, str]], names: _Names
) -> list[Edge]:
    edges: list[Edge] = []
    for facts in modules:
        edges += [(source, target, "import", item.path, item.line, {})
                  for item in facts.imports
                  if (source := names[item.scope]) is not None and (target := names[item.target]) is not None
                  and source != target]
        edges += [(source, target, "call", ref.path, ref.line, {})
                  for ref in facts.references
                  if (source := names[ref.scope]) is not None and (target := names[ref.target]) is not None
                  and source != target]
    for definition, path in inheriting:
        for base in definition.bases:
            _link(edges, names[definition.qualname], names[base], "inherit", path, definition.line)
    return edges


def _link(
    edges: list[Edge], source: str | None, target: str | None,
    kind: EdgeKind, path: str, line: int, **extra: Unpack[EdgeExtra],
) -> None:
    if source is not None and target is not None and source != target:
        edges.append((source, target, kind, path, line, extra))


def _model_edges(models: Iterable[ModelFact], tables: Mapping[str, str]) -> list[Edge]:
    by_label = {model.label: model.qualname for model in models}
    edges: list[Edge] = []
    for model in models:
        if model.abstract:  # code: its relations count for the concrete models inheriting them
            continue
        for field in model.fields:
            kind = FIELD_RELATIONS.get(field.relation or "")
            if kind is None:
                continue
            subject = f"{model.label}.{field.name} -> {field.target_label}"
            extra: EdgeExtra = {"field": field.name, "subject": subject}
            if field.on_delete:
                extra["on_delete"] = field.on_delete
            if field.null:
                extra["null"] = True
            _link(edges, model.qualname, by_label.get(field.target_label or ""), kind, model.path,
                  field.line, **extra)
        for parent in model.parents:
            _link(edges, model.qualname, by_label.get(parent), "fk", model.path, model.line,
                  field="parent_ptr", subject=f"{model.label} inherits {parent}")
    return edges


def _orm_edges(
    facts: ProjectFacts, names: _Names, tables: Mapping[str, str]
) -> list[Edge]:
    edges: list[Edge] = []
    for query in facts.orm:
        scope = names.node(query.scope)
        op = query.methods[-1] if query.methods else query.access
        _link(edges, scope, tables.get(query.model), ORM_KINDS[query.access], query.path, query.line,
              op=op, model=query.model)
        for related in query.related:
            if related != query.model:
                _link(edges, scope, tables.get(related), "orm-read", query.path, query.line,
                      op="lookup", model=related, via=query.model)
    return edges


def _sql_edges(
    facts: ProjectFacts, names: _Names, graph: nx.MultiDiGraph, apps: Mapping[str, str]
) -> list[Edge]:
    edges: list[Edge] = []
    for site in facts.sql:
        scope = names.node(site.scope) or names.node(site.path.removesuffix(".py").replace("/", "."))
        used = [*site.tables_read, *site.tables_written, *(t for pair in site.joins for t in pair)]
        for table in sorted(set(used)):
            if f"table:{table}" not in graph:
                add_node(graph, f"table:{table}", {"kind": "table", "app": "", "module": "",
                                                   "path": site.path, "line": site.line, "lines": 0})
        loaded: EdgeExtra = {"sql_file": site.sql_file} if site.sql_file else {}
        accesses: tuple[tuple[EdgeKind, Iterable[str]], ...] = (
            ("sql-read", site.tables_read), ("sql-write", site.tables_written))
        for kind, group in accesses:
            for table in sorted(set(group)):
                _link(edges, scope, f"table:{table}", kind, site.path, site.line, **loaded)
        for left, right in sorted(set(site.joins)):
            for table in (left, right):
                joined: EdgeExtra = {"join": f"{left} JOIN {right}", **loaded}
                _link(edges, scope, f"table:{table}", "sql-join", site.path, site.line, **joined)
    return edges


def _route_edges(
    facts: ProjectFacts, names: _Names, graph: nx.MultiDiGraph
) -> list[Edge]:
    edges: list[Edge] = []
    for route in facts.routes:
        view = names.node(route.view)
        if view is None or (not route.reachable and is_test_path(route.path)):
            continue  # a test URLconf no project URLconf includes serves test code: never planned
        node = f"route:{full_route(route.route)}"
        add_node(graph, node, {"kind": "route", "app": node_attrs(graph)[view]["app"],
                               "module": route.urlconf, "path": route.path, "line": route.line, "lines": 0,
                               "pattern": node[len("route:"):]})
        _link(edges, node, view, "route-view", route.path, route.line)
    return edges


def _signal_edges(facts: ProjectFacts, names: _Names) -> list[Edge]:
    models = {model.label: model.qualname for model in facts.models}
    edges: list[Edge] = []
    for receiver in facts.signals:
        sender = models.get(receiver.sender or "")
        _link(edges, names.node(receiver.receiver), sender, "signal", receiver.path, receiver.line,
              signal=receiver.signal)
    return edges


def _transactions(facts: ProjectFacts, names: _Names, tables: Mapping[str, str]) -> tuple[Transaction, ...]:
    by_path: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    by_scope: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for query in facts.orm:
        if query.access == "write" and query.model in tables:
            op = query.methods[-1] if query.methods else "save"
            by_path[query.path].append((query.line, tables[query.model], op))
            by_scope[query.scope].append((query.line, tables[query.model], op))
    calls: dict[str, list[Reference]] = defaultdict(list)
    in_blocks = {block.path for block in facts.atomic_blocks}
    for module in facts.modules:
        if module.path in in_blocks:  # a module's references are all in its own file
            for ref in module.references:
                if ref.kind == "call" and ref.target in by_scope:
                    calls[ref.path].append(ref)
    result = []
    for block in facts.atomic_blocks:
        unit = names.node(block.scope)
        if unit is not None:
            writes = _writes(block, tables, by_path[block.path], calls[block.path], by_scope)
            result.append(Transaction(unit, block.path, block.line, writes))
    return tuple(sorted((t for t in result if t.writes), key=lambda t: (t.path, t.line)))


def _writes(
    block: AtomicBlock, tables: Mapping[str, str], direct: list[tuple[int, str, str]],
    calls: list[Reference], by_scope: Mapping[str, list[tuple[int, str, str]]],
) -> tuple[Write, ...]:
    inside = [Write(table, op, line) for line, table, op in direct if block.line <= line <= block.end_line]
    for ref in calls:
        if block.line <= ref.line <= block.end_line:
            callee = sorted(by_scope[ref.target])
            inside += [Write(table, op, ref.line, via=ref.target) for _, table, op in callee]
    writes: list[Write] = []
    seen: set[str] = set()
    for write in sorted(inside, key=lambda w: (w.line, w.via, w.table)):
        if write.table not in seen:
            writes.append(write)
            seen.add(write.table)
    for label in (*block.models_written, *block.models_written_via_calls):
        table = tables.get(label)
        if table is not None and table not in seen:
            direct_write = label in block.models_written
            writes.append(Write(table, "save" if direct_write else "call", block.end_line,
                                via="" if direct_write else "(a call)"))
            seen.add(table)
    for name in block.sql_tables_written:
        if f"table:{name}" not in seen:
            writes.append(Write(f"table:{name}", "sql", block.line))
            seen.add(f"table:{name}")
    return tuple(writes)
