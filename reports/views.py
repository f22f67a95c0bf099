"""What each page of the report shows, computed once from the Analysis (no I/O, no markup)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from analyzer.model.analysis import (
    VIOLATION_KINDS,
    Analysis,
    Interface,
    ModelInfo,
    RouteInfo,
    Service,
    ServiceDependency,
    TableUsage,
    Violation,
)
from reports.ids import model_row_id, service_item_id, service_page_id, table_row_id, violation_id


@dataclass(frozen=True)
class ServiceView:
    """One service's page: what it holds, what it exposes and calls, and where it is crossed."""

    service: Service
    page_id: str
    models: tuple[ModelInfo, ...]
    tables: tuple[TableUsage, ...]
    routes: tuple[RouteInfo, ...]
    exposes: tuple[Interface, ...]
    calls: tuple[Interface, ...]
    depends_on: tuple[ServiceDependency, ...]
    depended_by: tuple[ServiceDependency, ...]
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class SearchEntry:
    """One thing the search box finds: its kind, name, service, and the element to jump to."""

    kind: str  # "service" | "module" | "model" | "table" | "route" | "violation"
    name: str
    service: str
    target: str

    def as_json(self) -> dict[str, str]:
        """Return the compact form embedded in the page."""
        return {"k": self.kind, "n": self.name, "s": self.service, "t": self.target}


def service_views(analysis: Analysis) -> tuple[ServiceView, ...]:
    """Return one view per service, in name order."""
    models = {m.label: m for m in analysis.models}
    tables = {t.table: t for t in analysis.tables}
    routes = {r.pattern: r for r in analysis.routes}
    return tuple(
        ServiceView(
            service=service,
            page_id=service_page_id(service.name),
            models=tuple(models[label] for label in service.models if label in models),
            tables=tuple(tables[name] for name in service.tables if name in tables),
            routes=tuple(routes[pattern] for pattern in service.routes if pattern in routes),
            exposes=tuple(i for i in analysis.interfaces if i.service == service.name),
            calls=tuple(i for i in analysis.interfaces
                        if service.name in i.used_by and i.service != service.name),
            depends_on=tuple(d for d in analysis.dependencies if d.source == service.name),
            depended_by=tuple(d for d in analysis.dependencies if d.target == service.name),
            violations=analysis.violations_of(service.name),
        )
        for service in sorted(analysis.services, key=lambda s: s.name)
    )


def violation_counts(analysis: Analysis) -> tuple[tuple[str, int], ...]:
    """Return (kind, count) for every known kind (zero included) and any other kind found."""
    counts = Counter(v.kind for v in analysis.violations)
    others = sorted(set(counts) - set(VIOLATION_KINDS))
    return tuple((kind, counts.get(kind, 0)) for kind in (*VIOLATION_KINDS, *others))


def search_entries(analysis: Analysis) -> tuple[SearchEntry, ...]:
    """Return everything the search box can find, sorted by kind and name; a model the analyzer
    explained leads to its row on the models page (why it is where it is), another to its service's."""
    entries: list[SearchEntry] = []
    explained = {p.label for p in analysis.model_placements}
    for service in analysis.services:
        name = service.name
        entries.append(SearchEntry("service", name, name, service_page_id(name)))
        entries += [SearchEntry("model", label, name, model_row_id(label) if label in explained
                                else service_item_id(name, "model", label)) for label in service.models]
        for kind, items in (("module", service.modules),
                            ("table", service.tables), ("route", service.routes)):
            entries += [SearchEntry(kind, item, name, service_item_id(name, kind, item))
                        for item in items]
    owned = {t for s in analysis.services for t in s.tables}
    entries += [SearchEntry("table", t.table, t.owner, table_row_id(t.table))
                for t in analysis.tables if t.table not in owned]
    entries += [SearchEntry("violation", f"{v.subject} ({v.path}:{v.line})", v.source_service,
                            violation_id(v.id)) for v in analysis.violations]
    return tuple(sorted(set(entries), key=lambda e: (e.kind, e.name, e.service)))


def table_matrix(analysis: Analysis) -> tuple[tuple[TableUsage, tuple[str, ...]], ...]:
    """Return each table (sorted) with one cell per service (sorted): "owner", "RW", "R", "W" or ""."""
    services = sorted(s.name for s in analysis.services)
    rows = []
    for usage in sorted(analysis.tables, key=lambda t: t.table):
        cells = []
        for name in services:
            read, write = name in usage.readers, name in usage.writers
            if name == usage.owner:
                cells.append("owner")
            else:
                cells.append(("R" if read else "") + ("W" if write else ""))
        rows.append((usage, tuple(cells)))
    return tuple(rows)


def violations_of_kinds(analysis: Analysis, kinds: frozenset[str]) -> tuple[Violation, ...]:
    """Return the violations of the given kinds, by path and line."""
    return tuple(sorted((v for v in analysis.violations if v.kind in kinds),
                        key=lambda v: (v.path, v.line, v.id)))


def violation_records(analysis: Analysis) -> dict[str, object]:
    """The violations as the page's JSON (rendered on demand), by kind, path and line: ``v`` the
    records, ``f`` each file's source lines once (runs of ``[first line, [text, ...]]``), which a
    record with a snippet points into with its first line ``n`` and its length ``m``; a record's
    element id ``i`` only when it is not ``"v-" + id``. :func:`expand_violation_records` inverts it."""
    records: list[dict[str, object]] = []
    lines: dict[str, dict[int, str]] = defaultdict(dict)
    for v in sorted(analysis.violations, key=lambda v: (v.kind, v.path, v.line, v.id)):
        record: dict[str, object] = {"id": v.id, "k": v.kind, "s": v.subject, "p": v.path, "l": v.line,
                                     "f": v.source_service, "t": list(v.target_services), "r": v.remedy}
        if violation_id(v.id) != f"v-{v.id}":
            record["i"] = violation_id(v.id)
        if v.snippet:
            record.update(n=v.snippet_start, m=len(v.snippet))
            lines[v.path].update(enumerate(v.snippet, start=v.snippet_start))
        if v.saga:
            record["g"] = {"name": v.saga.name,
                           "steps": [[s.service, s.action, s.compensation] for s in v.saga.steps]}
        records.append(record)
    return {"v": records, "f": {path: _runs(found) for path, found in sorted(lines.items())}}


def _runs(lines: dict[int, str]) -> list[list[object]]:
    """``{line: text}`` as runs of consecutive lines: ``[[first, [text, ...]], ...]``."""
    runs: list[list[object]] = []
    texts: list[str] = []
    previous = None
    for number in sorted(lines):
        if number - 1 != previous:
            texts = []
            runs.append([number, texts])
        texts.append(lines[number])
        previous = number
    return runs


def expand_violation_records(packed: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of :func:`violation_records` as the page reads them: ``i`` always, the source
    lines in ``c`` (what report.js's ``violationData`` does)."""
    result = []
    for record in packed["v"]:
        full = dict(record, i=record.get("i", f"v-{record['id']}"))
        if "m" in full:
            first, length = full["n"], full.pop("m")
            start, texts = next(run for run in packed["f"][full["p"]]
                                if run[0] <= first < run[0] + len(run[1]))
            full["c"] = texts[first - start:first - start + length]
        result.append(full)
    return result
