"""Tables the project does not define: Django's own (``auth_user``) and tables only raw SQL touches.

Nobody in the project writes such a table, so the write count cannot choose its owner. What can is
the project's models relating to the model mapped to it (``customers.Customer.user -> auth.User``
makes ``customers`` the owner of ``auth_user``). :func:`annotate_tables` records those relations
(node attribute ``related``: sorted ``(model unit, "app.Model.field")`` pairs) and the contrib app
of framework tables (``framework``) on the graph's table nodes, for :mod:`analyzer.boundaries.ownership`;
:func:`explain_tables` says in each :class:`TableUsage` why its owner owns it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

import networkx as nx

from analyzer.graph.schema import NodeAttrs, node_attrs
from analyzer.model.analysis import TableUsage
from analyzer.model.facts import ModelFact

# contrib app label -> dotted app; tables of these labels (and the ones below) are Django's own
CONTRIB_APPS = {label: f"django.contrib.{label}" for label in (
    "admin", "auth", "contenttypes", "flatpages", "redirects", "sessions", "sites")}
# framework tables whose name is not <app_label>_<model>, and the model mapped to each
CONTRIB_TABLES = {
    "django_admin_log": "admin.LogEntry",
    "django_content_type": "contenttypes.ContentType",
    "django_flatpage": "flatpages.FlatPage",
    "django_redirect": "redirects.Redirect",
    "django_session": "sessions.Session",
    "django_site": "sites.Site",
}


def default_table(label: str) -> str:
    """The table Django gives a model by default: ``auth.User`` -> ``auth_user``."""
    if label in CONTRIB_TABLES.values():
        return next(t for t, m in CONTRIB_TABLES.items() if m == label)
    app, _, name = label.partition(".")
    return f"{app}_{name}".lower()


def framework_app(table: str) -> str:
    """The contrib app (``django.contrib.auth``) a table belongs to, "" for any other table."""
    label = CONTRIB_TABLES.get(table, "").partition(".")[0] or table.partition("_")[0]
    return CONTRIB_APPS.get(label, "") if label != "django" else ""


def external_relations(models: Iterable[ModelFact]) -> dict[str, list[tuple[str, str]]]:
    """Table -> the project's relations to a model outside the project mapped to it (sorted)."""
    models = tuple(models)
    known = {m.label for m in models}
    related: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for model in models:
        for field in model.fields:
            target = field.target_label
            if field.relation and target and target not in known and "." in target:
                related[default_table(target)].add((model.qualname, f"{model.label}.{field.name}"))
    return {table: sorted(pairs) for table, pairs in related.items()}


def annotate_tables(graph: nx.MultiDiGraph, models: Iterable[ModelFact]) -> None:
    """Record ``related`` and ``framework`` on table nodes without a model of the project."""
    related = external_relations(models)
    for node, attrs in node_attrs(graph).items():
        if attrs["kind"] != "table" or attrs.get("model") in graph:
            continue
        table = node[len("table:"):]
        pairs = tuple(pair for pair in related.get(table, ()) if pair[0] in graph)
        if pairs:
            attrs["related"] = pairs
        if framework_app(table):
            attrs["framework"] = framework_app(table)


def explain_tables(
    tables: Iterable[TableUsage], graph: nx.MultiDiGraph, service_of: Mapping[str, str]
) -> tuple[TableUsage, ...]:
    """Add ``framework`` and ``reason`` (why this owner) to each table usage."""
    return tuple(replace(usage, framework=_attrs(graph, usage).get("framework", ""),
                         reason=_reason(usage, graph, service_of)) for usage in tables)


_UNKNOWN: NodeAttrs = {"kind": "table", "app": "", "module": "", "path": "", "line": 0, "lines": 0}


def _attrs(graph: nx.MultiDiGraph, usage: TableUsage) -> NodeAttrs:
    return node_attrs(graph).get(f"table:{usage.table}", _UNKNOWN)


def _reason(usage: TableUsage, graph: nx.MultiDiGraph, service_of: Mapping[str, str]) -> str:
    attrs = _attrs(graph, usage)
    framework = f"Django's own table ({attrs['framework']}); " if attrs.get("framework") else ""
    if usage.model is not None:
        return f"{framework}holds its model {usage.model}"
    if usage.writers:
        written = "writes it (raw SQL)" if usage.owner in usage.writers else "pinned here"
        return f"{framework}{written}"
    subjects = [subject for unit, subject in attrs.get("related", ()) if service_of.get(unit) == usage.owner]
    if subjects:
        return f"{framework}no project code writes it; its models relate to it: {', '.join(subjects)}"
    if usage.owner in usage.readers:
        return f"{framework}no project code writes it and no model relates to it: its main reader"
    return f"{framework}no project code uses it but raw SQL"
