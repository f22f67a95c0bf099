"""The proposal's coupling at the level a person moves things: models and each module's code.

The report explains placements (why a model is in its service) and recomputes a what-if (move a
model, a module or an app) from this alone, so it needs no server. Pure: a graph, the partition
(unit -> service), the table owners and the git commits in; a :class:`Coupling` out.

Items: a model (with its tables), the code of one module placed in one service
(``code:<module>@<service>``; a module split over two services is two items), and a raw-SQL-only
table. Edges between two items of one kind are summed; the first site (sorted by ``path:line``)
stands for them. Projection-only ties (``contains``, ``same-app``, ``same-module``) are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from analyzer.graph.build import Transaction
from analyzer.graph.history import Commit
from analyzer.graph.schema import INFERRED_KINDS, NodeTable, node_attrs, successors
from analyzer.model.analysis import Coupling, CouplingEdge, CouplingItem, Independence, TransactionSite


def explain_coupling(graph: nx.MultiDiGraph, partition: Mapping[str, str], owners: Mapping[str, str],
                     transactions: Iterable[Transaction] = (), commits: Iterable[Commit] = ()) -> Coupling:
    """Return the items, their summed edges, the atomic blocks and the history independence."""
    nodes = node_attrs(graph)
    item_of = {node: _item_id(node, nodes, partition, owners) for node in nodes}
    items = _items(item_of, nodes, partition, owners)
    edges = _edges(graph, item_of)
    sites = tuple(sorted((_site(t, item_of) for t in transactions if item_of.get(t.unit)),
                         key=lambda s: (s.path, s.line, s.item)))
    return Coupling(items, edges, sites, history_independence(commits, nodes, partition))


def _site(transaction: Transaction, item_of: Mapping[str, str | None]) -> TransactionSite:
    writes = (item_of.get(w.table) for w in transaction.writes)
    return TransactionSite(str(item_of[transaction.unit]), transaction.path, transaction.line,
                           tuple(dict.fromkeys(w for w in writes if w)))


def _item_id(node: str, nodes: NodeTable, partition: Mapping[str, str],
             owners: Mapping[str, str]) -> str | None:
    attrs = nodes[node]
    kind = attrs["kind"]
    if kind == "model":
        return f"model:{attrs.get('label', node)}" if node in partition else None
    if kind == "table":
        model = attrs.get("model", "")
        if model in nodes and model in partition:
            return f"model:{nodes[model].get('label', model)}"
        return node if node in owners else None
    if kind in ("module", "class", "function") and node in partition:
        return f"code:{attrs['module']}@{partition[node]}"
    return None


def _items(item_of: Mapping[str, str | None], nodes: NodeTable,
           partition: Mapping[str, str], owners: Mapping[str, str]) -> tuple[CouplingItem, ...]:
    found: dict[str, dict[str, Any]] = {}
    for node, item in item_of.items():
        if item is None:
            continue
        attrs = nodes[node]
        entry = found.setdefault(item, {"kind": item.split(":", 1)[0], "app": attrs["app"],
                                        "module": attrs["module"], "lines": 0,
                                        "tables": set(), "service": ""})
        if attrs["kind"] == "table":
            entry["tables"].add(node[len("table:"):])
            entry["service"] = entry["service"] or owners.get(node, "")
        else:
            entry["lines"] += attrs["lines"]
            entry["service"] = partition.get(node, entry["service"])
    return tuple(CouplingItem(item, e["kind"], e["service"], e["app"], e["module"], e["lines"],
                              tuple(sorted(e["tables"]))) for item, e in sorted(found.items()))


def _edges(graph: nx.MultiDiGraph, item_of: Mapping[str, str | None]) -> tuple[CouplingEdge, ...]:
    summed: dict[tuple[str, str, str], list[Any]] = {}
    for source, neighbours in successors(graph).items():  # edges(graph)'s order, a pair at a time
        here = item_of.get(source)
        if here is None:
            continue
        for target, keyed in neighbours.items():
            there = item_of.get(target)
            if there is None or here == there:
                continue
            for attrs in keyed.values():
                kind = attrs["kind"]
                if kind in INFERRED_KINDS:
                    continue
                site = (attrs["path"], attrs["line"], attrs.get("subject", ""))
                entry = summed.setdefault((here, there, kind), [0.0, 0, site])
                entry[0] += attrs["weight"]
                entry[1] += 1
                entry[2] = min(entry[2], site)
    return tuple(CouplingEdge(s, t, k, round(w, 4), n, site[0], site[1], site[2])
                 for (s, t, k), (w, n, site) in sorted(summed.items()))


def history_independence(commits: Iterable[Commit], nodes: NodeTable,
                         partition: Mapping[str, str]) -> tuple[Independence, ...]:
    """Share of commits touching one service only, for the proposal and one service per app."""
    by_path: dict[str, Counter[str]] = defaultdict(Counter)
    app_of: dict[str, str] = {}
    for node, service in partition.items():
        attrs = nodes[node]
        path = attrs["path"]
        if path:
            by_path[path][service] += attrs["lines"] + 1
            app_of.setdefault(path, attrs["app"] or path)
    service_of = {path: max(sorted(counts), key=lambda s: counts[s]) for path, counts in by_path.items()}
    touched = [frozenset(f for f in c.files if f in service_of) for c in commits]
    touched = [files for files in touched if files]
    if not touched:
        return ()
    return tuple(Independence(name, len(touched), sum(1 for files in touched
                                                      if len({place[f] for f in files}) == 1))
                 for name, place in (("proposal", service_of), ("per_app", app_of)))
