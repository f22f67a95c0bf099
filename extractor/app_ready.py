"""What a monolith app's ``AppConfig.ready()`` imports, imported again by the service's config of it.

Django calls an app's ``ready()`` once every model is loaded, and many apps register things there
only by importing a module: signal receivers, system checks, pretalx's phrases (``from .phrases
import SchedulePhrases`` fills ``phrases.schedule``, which forms of other apps read when they are
imported). The service's configs of the monolith's code-only apps (``extractor.monolith_apps``) are
generated classes, so the monolith's ``ready()`` never runs there: they repeat its import
statements instead, made absolute, for the modules the service can import (those of an installed
monolith package, or carried). Its other statements do not run (django-oscar's
``self.detail_view = get_class(...)`` loads views that only the monolith's URLconf serves).
The configs of the apps whose models the service owns do not repeat them: django-oscar's
catalogue receivers, connected so, delete thumbnails through sorl-thumbnail, an app the service's
settings do not install (that service's self-check then fails).
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from extractor.pysource import ModuleIndex, SourceTree, dotted, import_bindings


def monolith_config(tree: SourceTree, package: str, label: str) -> tuple[ModuleIndex, cst.ClassDef] | None:
    """The module ``package.apps`` and its AppConfig class of ``package`` labelled ``label`` (the
    class assigning that literal ``name``, and ``label`` or none), else None."""
    module = tree.module(f"{package}.apps")
    if module is None:
        return None
    for node in module.tree.body:
        if not isinstance(node, cst.ClassDef) or not node.bases:
            continue
        assigned = {t.target.value: s.body[0].value for s in node.body.body
                    if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Assign)
                    for t in s.body[0].targets if isinstance(t.target, cst.Name)}
        values = {k: v.evaluated_value for k, v in assigned.items() if isinstance(v, cst.SimpleString)}
        if values.get("name") == package and values.get("label", package.rsplit(".", 1)[-1]) == label:
            return module, node
    return None


def _ready_body(node: cst.ClassDef) -> list[cst.BaseStatement]:
    for stmt in node.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "ready":
            return list(stmt.body.body) if isinstance(stmt.body, cst.IndentedBlock) else []
    return []


def import_lines(stmt: cst.BaseSmallStatement, module: str) -> list[tuple[str, tuple[str, ...]]]:
    """(absolute import line, the modules it may load: ``a.b`` of ``from a import b``, else ``a``)
    of each name an import statement binds."""
    if isinstance(stmt, cst.Import):
        return [(f"import {dotted(a.name)}", (dotted(a.name) or "",)) for a in stmt.names]
    if not isinstance(stmt, cst.ImportFrom) or isinstance(stmt.names, cst.ImportStar):
        return []
    lines: list[tuple[str, tuple[str, ...]]] = []
    for local, qualified in import_bindings(stmt, module, False):
        source, _, name = qualified.rpartition(".")
        alias = f" as {local}" if local != name else ""
        lines.append((f"from {source} import {name}{alias}", (qualified, source)))
    return lines


def ready_imports(tree: SourceTree, package: str, label: str, installed: Collection[str],
                  carried_modules: Collection[str]) -> tuple[str, ...]:
    """The import lines of the monolith's ``ready()`` for app ``label`` of ``package`` whose modules
    the service can import: under an ``installed`` top-level package, or ``carried_modules``."""
    found = monolith_config(tree, package, label)
    if found is None:
        return ()
    module, node = found
    lines = []
    for stmt in _ready_body(node):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            for line, loads in import_lines(small, module.name):
                # the module itself when it is one (``from a import b``: ``a.b``), else its package
                loaded = next((m for m in loads if tree.module_file(m) is not None), loads[-1])
                importable = loaded.split(".")[0] in installed or loaded in carried_modules
                if importable and line not in lines:
                    lines.append(line)
    return tuple(lines)

