"""The Analysis' data violations seen from one service: which source lines touch another's tables.

Static references find ORM use of another service's model, but not raw SQL (``cursor.execute``,
``.raw``, ``RawSQL``, ``.sql`` files) nor reads of a database view built over other services'
tables. The analyzer found those and listed them as violations with ``path:line``; this module turns
them into :class:`DataAccess` facts the closure walk counts as crossings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from analyzer.model.analysis import Analysis, Service, Violation

DATA_ACCESS_VIOLATION_KINDS = frozenset({"cross-service-join", "foreign-write", "cross-service-query"})
_TABLE_OWNER = re.compile(r"\b([A-Za-z_][\w]*) \(([\w-]+)\)")
_MODEL_LABEL = re.compile(r"\b(?:reads|writes) ([A-Za-z_]\w*\.[A-Za-z_]\w*)")


@dataclass(frozen=True, order=True)
class DataAccess:
    """One place that reads or writes tables another service owns (from a violation)."""

    path: str  # relative to the monolith's root, e.g. "reporting/queries.py" or "reporting/sql/x.sql"
    line: int
    kind: str  # the violation kind, e.g. "cross-service-join"
    subject: str  # the violation's subject, e.g. "... joins orders_order (orders), ..."
    owner: str  # the other services, comma-separated, e.g. "orders, payments"


OwnerOf = Callable[[str], str]  # model label -> owning service


def owners_of(violation: Violation, owner_of: OwnerOf) -> frozenset[str]:
    """The services whose tables the violation touches (read from its subject when it says)."""
    found = {owner for _, owner in _TABLE_OWNER.findall(violation.subject)}
    found.update(owner_of(label) for label in _MODEL_LABEL.findall(violation.subject))
    return frozenset(found or violation.target_services)


def data_access_of(analysis: Analysis, service: Service,
                   owner_of: OwnerOf) -> Mapping[str, tuple[DataAccess, ...]]:
    """Data violations that reach outside ``service``, by path (sorted by line)."""
    by_path: dict[str, list[DataAccess]] = defaultdict(list)
    for violation in analysis.violations:
        if violation.kind not in DATA_ACCESS_VIOLATION_KINDS:
            continue
        foreign = sorted(owners_of(violation, owner_of) - {service.name})
        if foreign:
            by_path[violation.path].append(DataAccess(violation.path, violation.line, violation.kind,
                                                      violation.subject, ", ".join(foreign)))
    return MappingProxyType({p: tuple(sorted(set(v))) for p, v in sorted(by_path.items())})


def sql_file_access(access: Mapping[str, tuple[DataAccess, ...]]) -> Mapping[str, tuple[DataAccess, ...]]:
    """Data violations in ``.sql`` files, keyed by the names code loads them with (stem and name)."""
    by_name: dict[str, list[DataAccess]] = defaultdict(list)
    for path, found in access.items():
        if path.endswith(".sql"):
            name = path.rsplit("/", 1)[-1]
            for key in (name, name.removesuffix(".sql"), path):
                by_name[key].extend(found)
    return MappingProxyType({k: tuple(sorted(set(v))) for k, v in sorted(by_name.items())})


def replica_sources(analysis: Analysis, service: Service, labels: tuple[str, ...],
                    owner_of: OwnerOf) -> Mapping[str, str]:
    """Qualified name of each replica model (a database view in the monolith) -> the services its
    rows come from, as far as the analysis tells (its relations and violations naming it)."""
    out: dict[str, str] = {}
    for model in (m for m in analysis.models if m.label in labels):
        owners = {owner_of(f.target) for f in model.fields if f.target}
        owners.update(o for v in analysis.violations
                      if model.label in v.subject or model.db_table in v.subject
                      for o in owners_of(v, owner_of))
        foreign = sorted(owners - {service.name}) or ["monolith"]
        out[f"{model.module}.{model.name}"] = ", ".join(foreign)
    return MappingProxyType(out)
