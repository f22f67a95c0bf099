"""Every place where the proposed boundaries are crossed, with ``path:line`` and a concrete remedy.

Pure: ``find_violations(graph, place, transactions)`` reads the graph and a placement function
(node -> service name: units by the partition, tables by their owner); the source lines around
each are added by :func:`analyzer.boundaries.snippets.attach_snippets`, the I/O edge.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import TypedDict

import networkx as nx

from analyzer.boundaries.crossings import EdgeScan, Place, scan_edges
from analyzer.boundaries.entities import hubs
from analyzer.graph.build import Transaction, Write
from analyzer.graph.schema import VIOLATION_KINDS, EdgeAttrs, EdgeExtra, node_attrs
from analyzer.model.analysis import Saga, SagaStep, Violation
from analyzer.model.wording import possessive

CREATE_OPS = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})
DELETE_OPS = frozenset({"delete"})


class Site(TypedDict):
    """Where a violation is: an edge's ``path`` and ``line`` (an :class:`EdgeAttrs` is one)."""

    path: str
    line: int


def violation_id(kind: str, path: str, line: int, subject: str) -> str:
    """A stable id from what the violation is and where."""
    digest = hashlib.sha1(f"{kind}|{path}|{line}|{subject}".encode(), usedforsecurity=False)
    return f"V-{kind}-{digest.hexdigest()[:8]}"


def _violation(kind: str, attrs: Site, source: str, targets: Iterable[str], subject: str,
               remedy: str, saga: Saga | None = None) -> Violation:
    path, line = attrs["path"], attrs["line"]
    return Violation(violation_id(kind, path, line, subject), kind, path, line, source,
                     tuple(sorted(set(targets))), subject, remedy, saga=saga)


def short(graph: nx.MultiDiGraph, node: str) -> str:
    """A readable name for a node: a model's label, a table's name, else the qualified name."""
    nodes = node_attrs(graph)
    attrs = nodes[node]
    if attrs["kind"] == "table":
        model = attrs.get("model")
        if model is not None and model in nodes:
            return str(nodes[model].get("label", model))
        return node[len("table:"):]
    return str(attrs.get("label", node.removeprefix("module:")))


def find_violations(
    graph: nx.MultiDiGraph, place: Place, transactions: Iterable[Transaction], scan: EdgeScan | None = None,
) -> tuple[Violation, ...]:
    """Return the sorted, de-duplicated violations of a placement (``scan``: its edges, if walked)."""
    scan = scan or scan_edges(graph, place)
    found: dict[str, Violation] = {}
    joins = _join_violations(graph, place, scan)
    join_sites = {(v.path, v.line) for v in joins}
    hub_set = frozenset(hubs(graph))
    edge_found = (_edge_violation(graph, c.source, c.target, c.attrs, c.here, c.there, join_sites,
                                  c.target in hub_set) for c in scan.crossings)
    for violation in [*joins, *(v for v in edge_found if v is not None),
                      *(_saga_violation(graph, place, t) for t in transactions)]:
        if violation is not None:
            found.setdefault(violation.id, violation)
    return tuple(sorted(found.values(), key=lambda v: (v.path, v.line, v.kind, v.subject)))


def _edge_violation(graph: nx.MultiDiGraph, source: str, target: str, attrs: EdgeAttrs, here: str,
                    there: str, join_sites: set[tuple[str, int]], hub: bool = False) -> Violation | None:
    kind = attrs["kind"]
    if kind not in VIOLATION_KINDS:
        return None
    name, target_name = short(graph, source), short(graph, target)
    if kind in ("fk", "m2m"):
        field = attrs.get("field", "")
        subject = attrs.get("subject", f"{name} -> {target_name}")
        return _violation("cross-service-fk", attrs, here, [there], subject,
                          _relation_remedy(kind, field, name, target_name, here, there, hub))
    if kind in ("orm-write", "sql-write"):
        subject = f"{name} writes {target_name}{_in_file(attrs)}"
        return _violation("foreign-write", attrs, here, [there], subject,
                          f"Route this write through {possessive(there)} API (a command it exposes) "
                          f"instead of writing {target_name} from {here}{_file_remedy(attrs)}.")
    if kind in ("orm-read", "sql-read") and (attrs["path"], attrs["line"]) not in join_sites:
        how = f" (lookup through {attrs['via']})" if attrs.get("via") else _in_file(attrs)
        owner = possessive(there)
        return _violation("cross-service-query", attrs, here, [there], f"{name} reads {target_name}{how}",
                          f"Ask {owner} API for the {target_name} data (API composition), or "
                          f"keep a read model in {here} fed by {owner} events{_file_remedy(attrs)}.")
    if kind == "signal":
        signal = str(attrs.get("signal", "signal")).rsplit(".", 1)[-1]
        return _violation("cross-service-signal", attrs, here, [there],
                          f"{name} receives {signal} from {target_name}",
                          f"Publish {signal} of {target_name} as an event on a queue from {there}; "
                          f"{here} consumes it instead of connecting a Django signal.")
    return None


def _relation_remedy(kind: str, field: str, name: str, target: str, here: str, there: str,
                     hub: bool = False) -> str:
    """A foreign key becomes an id (to a hub: an id and a read replica); a many-to-many a join
    table of ids owned by one side."""
    if kind == "m2m":
        return (f"Keep the join table of {name}.{field} in {here} as ({name} id, {target} id) rows "
                f"that {here} owns, and fetch {target} through {possessive(there)} API (or keep a replicated "
                f"list of {target} ids fed by {possessive(there)} events).")
    if hub:
        return (f"{target} is a hub most models refer to and read on most requests: keep {field}_id "
                f"and a read-only replica of the {target} fields {here} reads, fed by {possessive(there)} "
                f"events; change {target} only through {possessive(there)} API.")
    return (f"Replace the relation {field!r} with a plain {field}_id value and fetch "
            f"{target} through {possessive(there)} API (or a read-only copy fed by its events).")


def _in_file(attrs: EdgeExtra) -> str:
    """`` (SQL in reporting/sql/x.sql)`` when the SQL comes from a file the code loads."""
    return f" (SQL in {attrs['sql_file']})" if attrs.get("sql_file") else ""


def _file_remedy(attrs: EdgeExtra) -> str:
    return f"; rewrite the query in {attrs['sql_file']} accordingly" if attrs.get("sql_file") else ""


def _join_violations(graph: nx.MultiDiGraph, place: Place, scan: EdgeScan) -> list[Violation]:
    sites: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    files: dict[tuple[str, str, int], EdgeExtra] = {}
    for source, target, attrs in scan.joins:
        key = (source, attrs["path"], attrs["line"])
        sites[key].add(target)
        if attrs.get("sql_file"):
            files[key] = {"sql_file": attrs["sql_file"]}
    result = []
    for (source, path, line), tables in sorted(sites.items()):
        loaded = files.get((source, path, line), {})
        owners = {t: place(t) for t in sorted(tables)}
        services = {s for s in owners.values() if s is not None}
        here = place(source)
        if here is None or len(services) < 2:
            continue
        names = ", ".join(f"{t[len('table:'):]} ({s})" for t, s in owners.items())
        result.append(_violation(
            "cross-service-join", {"path": path, "line": line}, here, services - {here},
            f"{short(graph, source)} joins {names}{_in_file(loaded)}",
            f"Replace the SQL join with API composition in {here} (query each owner, join in code), "
            f"or a reporting read model fed by events from {', '.join(sorted(services))}"
            f"{_file_remedy(loaded)}."))
    return result


def _saga_violation(graph: nx.MultiDiGraph, place: Place, transaction: Transaction) -> Violation | None:
    here = place(transaction.unit)
    steps = saga_steps(graph, place, transaction.writes)
    services = {step.service for step in steps}
    if here is None or len(services) < 2:
        return None
    unit = short(graph, transaction.unit)
    saga = Saga(f"{unit.rsplit('.', 1)[-1]} saga", steps)
    tables = ", ".join(dict.fromkeys(short(graph, w.table) for w in transaction.writes))
    return _violation(
        "distributed-transaction", {"path": transaction.path, "line": transaction.line}, here,
        services - {here}, f"{unit} writes {tables} in one transaction.atomic",
        f"Replace the atomic block with a saga of {len(steps)} local transactions "
        f"({' -> '.join(s.service for s in steps)}), each undone by its compensation if a later one fails.",
        saga=saga)


def saga_steps(graph: nx.MultiDiGraph, place: Place, writes: Iterable[Write]) -> tuple[SagaStep, ...]:
    """Group consecutive writes by service, in source order, each with its compensation."""
    groups: list[tuple[str, list[Write]]] = []
    for write in writes:
        service = place(write.table)
        if service is None:
            continue
        if groups and groups[-1][0] == service:
            groups[-1][1].append(write)
        else:
            groups.append((service, [write]))
    return tuple(SagaStep(service, _action(graph, ws), _compensation(graph, ws)) for service, ws in groups)


def _verb(op: str) -> str:
    return "create" if op in CREATE_OPS else "delete" if op in DELETE_OPS else "update"


def _action(graph: nx.MultiDiGraph, writes: list[Write]) -> str:
    return "; ".join(f"{_caller(w)}{_verb(w.op)} {short(graph, w.table)}" for w in writes)


def _caller(write: Write) -> str:
    return f"{write.via.rsplit('.', 1)[-1]}: " if write.via and not write.via.startswith("(") else ""


def _compensation(graph: nx.MultiDiGraph, writes: list[Write]) -> str:
    undo = {"create": "delete the {} rows created", "update": "restore the previous values of {}",
            "delete": "re-create the deleted {} rows from the saved copy"}
    return "; ".join(undo[_verb(w.op)].format(short(graph, w.table)) for w in reversed(writes))
