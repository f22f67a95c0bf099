"""Project pass for ``.sql`` files: link each file to the code that loads it.

A ``.sql`` file's own facts stay in its module facts; in the project's SQL sites, a file that
code loads (``load_sql("daily_sales")``, ``open("sql/daily.sql")``) is represented by one site
per loading place: the scope, ``path`` and ``line`` of the code, the file's tables, and
``sql_file`` naming the file. So its tables are attached to the unit that runs the SQL and a
boundary violation points at the code. A file nothing loads keeps its own site.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable

from analyzer.model.facts import ModuleFacts, SqlFileLoad, SqlSite


def project_sql_sites(modules: Iterable[ModuleFacts]) -> tuple[SqlSite, ...]:
    """Every SQL site of the project, ``.sql`` file sites moved to where code loads them."""
    modules = tuple(modules)
    files = {m.path: m for m in modules if m.path.lower().endswith(".sql")}
    loaded_by: dict[str, list[SqlFileLoad]] = {}
    for module in modules:
        for load in module.sql_file_loads:
            target = sql_file_for(load, files)
            if target is not None:
                loaded_by.setdefault(target, []).append(load)
    sites: list[SqlSite] = []
    for module in modules:
        loads = loaded_by.get(module.path)
        if not loads:
            sites.extend(module.sql)
            continue
        for load in sorted(loads, key=lambda x: (x.path, x.line, x.scope)):
            sites.extend(_moved(site, load) for site in module.sql)
    return tuple(sites)


def sql_file_for(load: SqlFileLoad, files: Iterable[str]) -> str | None:
    """The ``.sql`` file of the tree a load names: by relative path, else by file name, the one
    nearest to the loading code (longest shared directory, then sorted)."""
    name = load.name.lstrip("./")
    wanted = name if name.lower().endswith(".sql") else f"{name}.sql"
    near = posixpath.join(posixpath.dirname(load.path), wanted)
    paths = sorted(files)
    if posixpath.normpath(near) in paths:
        return posixpath.normpath(near)
    matches = [p for p in paths if p == wanted or p.endswith("/" + wanted)]
    if not matches:
        return None
    return max(matches, key=lambda p: (len(posixpath.commonpath([p, load.path])), -paths.index(p)))


def _moved(site: SqlSite, load: SqlFileLoad) -> SqlSite:
    return dataclasses.replace(site, scope=load.scope, path=load.path, line=load.line,
                               sql_file=site.path)
