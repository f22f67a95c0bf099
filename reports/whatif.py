"""The data the in-page what-if recomputes from: items, their summed edges, atomic blocks, routes.

Compact (indexes instead of repeated names) so that the largest projects stay small, and sorted
so the page is byte-identical for the same Analysis. ``static/whatif.js`` reads it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from analyzer.model.analysis import Analysis
from reports.dot import module_of

VIOLATION_OF_EDGE = {
    "fk": "cross-service-fk", "m2m": "cross-service-fk", "orm-write": "foreign-write",
    "sql-write": "foreign-write", "orm-read": "cross-service-query", "sql-read": "cross-service-query",
    "sql-join": "cross-service-join", "signal": "cross-service-signal",
}


def whatif_data(analysis: Analysis) -> dict[str, Any] | None:
    """The what-if payload, or None when the Analysis holds no coupling (schema 1)."""
    coupling = analysis.coupling
    if coupling is None:
        return None
    services = sorted({s.name for s in analysis.services} | {i.service for i in coupling.items})
    svc = {name: n for n, name in enumerate(services)}
    index = {item.id: n for n, item in enumerate(coupling.items)}
    kinds = sorted({e.kind for e in coupling.edges})
    kind = {name: n for n, name in enumerate(kinds)}
    routes = _routes_per_item(analysis)
    return {
        "services": services,
        "apps": {s.name: list(s.apps) for s in sorted(analysis.services, key=lambda s: s.name)},
        "kinds": kinds,
        "violationOf": VIOLATION_OF_EDGE,
        "items": [[i.id, i.kind, svc[i.service], i.app, i.module, i.lines, len(i.tables),
                   routes.get(i.id, 0)] for i in coupling.items],
        "edges": [[index[e.source], index[e.target], kind[e.kind], e.weight, e.count, e.path, e.line,
                   e.subject] for e in coupling.edges if e.source in index and e.target in index],
        "tx": [[index[t.item], t.path, t.line, [index[w] for w in t.writes if w in index]]
               for t in coupling.transactions if t.item in index],
    }


def _routes_per_item(analysis: Analysis) -> Counter[str]:
    views = {r.pattern: r.view for r in analysis.routes}
    counts: Counter[str] = Counter()
    for service in analysis.services:
        modules = frozenset(service.modules)
        for pattern in service.routes:
            if pattern in views:
                counts[f"code:{module_of(views[pattern], modules)}@{service.name}"] += 1
    return counts
