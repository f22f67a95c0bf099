"""Project pass for tables that migrations drop: they exist no more, so nobody owns them.

A migration drops a table with ``DROP TABLE`` / ``DROP VIEW`` in SQL (``SqlSite.tables_dropped``)
or with ``migrations.DeleteModel("Name")`` (the table ``<app_label>_<name>``). A table is gone
when its last migration event, in migration order (file name, then path), is such a drop in a
later migration than every other migration that names it -- a drop in the same migration as a
creation is that creation's reverse (``RunPython(create, drop)``) -- and no current model maps
to it. Migration SQL then no longer names it; SQL outside migrations keeps whatever it names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import PurePosixPath

from analyzer.model.facts import AppFact, ModelFact, ModuleFacts, SqlSite
from analyzer.resolve.model_scope import is_migration_path

_Order = tuple[str, str]  # (file name, path): "0005_auto.py" sorts after "0004_x.py"


def without_dropped_tables(
    sites: tuple[SqlSite, ...], modules: Iterable[ModuleFacts], models: Iterable[ModelFact],
    apps: Iterable[AppFact],
) -> tuple[SqlSite, ...]:
    """``sites`` with the tables migrations dropped for good removed from migration sites."""
    gone = dropped_tables(sites, modules, models, apps)
    if not gone:
        return sites
    return tuple(_without(site, gone) if is_migration_path(site.path) else site for site in sites)


def dropped_tables(
    sites: Iterable[SqlSite], modules: Iterable[ModuleFacts], models: Iterable[ModelFact],
    apps: Iterable[AppFact],
) -> frozenset[str]:
    """The tables whose last migration event is a drop (see the module docstring)."""
    drops: dict[str, _Order] = {}
    uses: dict[str, _Order] = {}
    for site in sites:
        if not is_migration_path(site.path):
            continue
        order = _order(site.path)
        for table in site.tables_dropped:
            drops[table] = max(drops.get(table, order), order)
        for table in {*site.tables_read, *site.tables_written} - set(site.tables_dropped):
            uses[table] = max(uses.get(table, order), order)
    labels = {app.name: app.label for app in apps}
    for module in modules:
        if module.deleted_models and is_migration_path(module.path):
            label = _app_label(module.module, labels)
            for name in module.deleted_models:
                table = f"{label}_{name.lower()}"
                drops[table] = max(drops.get(table, _order(module.path)), _order(module.path))
    current = {m.db_table for m in models} | {
        f.m2m_table for m in models for f in m.fields if f.m2m_table}
    return frozenset(t for t, order in drops.items()
                     if t not in current and (t not in uses or uses[t] < order))


def _order(path: str) -> _Order:
    return PurePosixPath(path).name, path


def _app_label(module: str, labels: dict[str, str]) -> str:
    app = module.rpartition(".migrations")[0]
    return labels.get(app) or app.rpartition(".")[2]


def _without(site: SqlSite, gone: frozenset[str]) -> SqlSite:
    if not gone & {*site.tables_read, *site.tables_written}:
        return site
    return dataclasses.replace(
        site,
        tables_read=tuple(t for t in site.tables_read if t not in gone),
        tables_written=tuple(t for t in site.tables_written if t not in gone),
        joins=tuple(j for j in site.joins if not gone & set(j)),
    )
