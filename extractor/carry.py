"""Decide what code moves to the service and emit it: models, views and functions with their helpers.

The roots are the service's models (rewritten by ``rewrite_model``), the views of its moved routes
and the functions other services call. A root with no boundary crossing is carried with everything
it needs, module by module, keeping each module's dotted name so the copied code needs no import
rewriting beyond dropping what stayed behind. A root with crossings becomes a stub listing them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import libcst as cst

from analyzer.model.analysis import Analysis, Interface, ModelInfo, RouteInfo, Service
from extractor.boundary import boundary_of, foreign_relations, kept_links, moved_routes, own_models
from extractor.closure import Closure, ForeignUse, is_relation_crossing
from extractor.full_copy import emit_full_module, import_index, is_docstring
from extractor.login import needs_user
from extractor.middleware import middleware_uses
from extractor.package_init import overlay_init, reexports
from extractor.pysource import Definition, ModuleIndex, SourceTree, import_bindings, references, star_module
from extractor.relations import RelationStub, apply_stubs, find_stubs, inherited_stubs, positions_of
from extractor.remote_calls import hidden_functions
from extractor.rewrite_model import (
    ACCESSOR_IMPORT,
    ForeignRelation,
    assigned_name,
    dropped_meta,
    is_unmanaged,
    rewrite_model,
)


@dataclass(frozen=True)
class Param:
    """A parameter of a carried function: name, annotation and default as written (or "")."""

    name: str
    annotation: str
    default: str = ""
    keyword_only: bool = False


@dataclass(frozen=True)
class Root:
    """A view or a called function: carried when ``crossings`` is empty, else stubbed."""

    qualname: str  # e.g. "catalog.views.api_products"
    definition: Definition | None
    crossings: tuple[ForeignUse, ...]
    class_based: bool = False
    params: tuple[Param, ...] = ()
    needs_user: bool = False  # decorated with login_required, an access mixin, or reads request.user
    returns: str = ""  # a function's return annotation as written

    @property
    def carried(self) -> bool:
        """Whether the original code moves (no crossing, source found)."""
        return self.definition is not None and not self.crossings


@dataclass(frozen=True)
class CarriedCode:
    """Everything copied from the monolith for one service."""

    files: Mapping[str, str]  # relative path -> Python source
    models: tuple[ModelInfo, ...]
    model_crossings: Mapping[str, tuple[ForeignUse, ...]]  # model label -> crossings in its methods
    views: Mapping[str, Root]  # route pattern -> root
    functions: Mapping[str, Root]  # interface name -> root
    missing: tuple[str, ...]  # sources that could not be found or parsed
    replicas: tuple[str, ...] = ()  # labels of models unmanaged in the monolith, tables here
    installed: tuple[str, ...] = ()  # the monolith's installed packages the service imports code from
    relation_stubs: tuple[RelationStub, ...] = ()  # functions that follow a rewritten relation: they raise
    meta_dropped: tuple[str, ...] = ()  # "label: ordering: 'order__code'": Meta traversals removed
    hidden_functions: tuple[str, ...] = ()  # "name: reason" of function interfaces given no endpoint
    kept_links: tuple[tuple[str, ForeignRelation], ...] = ()  # (own model, many-to-many kept to another's)


def _models_alias(module: ModuleIndex) -> str | None:
    for local, qualified in sorted(module.imports.items()):
        if qualified == "django.db.models":
            return local
    return None


def _meta_base(node: cst.ClassDef, analysis: Analysis) -> str | None:
    abstract = {m.name for m in analysis.abstract_models}
    for base in node.bases:
        text = cst.Module([]).code_for_node(base.value)
        if text.split(".")[-1] in abstract:
            return text
    return None


@dataclass(frozen=True)
class _Models:
    """The rewritten model classes by qualified name, their definitions, and what was stubbed."""

    overrides: dict[str, cst.BaseStatement]
    roots: list[Definition]
    missing: list[str]
    stubs: list[RelationStub]
    dropped: list[str]


def _rewritten_models(analysis: Analysis, service: Service, tree: SourceTree, keep_links: bool) -> _Models:
    done = _Models({}, [], [], [], [])
    links = kept_links(analysis, service) if keep_links else ()
    for model in own_models(analysis, service):
        found = tree.definition(f"{model.module}.{model.name}")
        module = tree.module(model.module)
        if found is None or module is None or not isinstance(found.node, cst.ClassDef):
            done.missing.append(f"{model.path}:{model.line}: model {model.label}")
            continue
        relations = foreign_relations(analysis, service, model, keep_links)
        kept = [rel for label, rel in links if label == model.label]
        alias = _models_alias(module) or "models"
        bases = _abstract_bases(analysis, model, tree)
        nodes = [b.node for b in bases if isinstance(b.node, cst.ClassDef)]
        rewritten = rewrite_model(found.node, model.db_table, relations, alias,
                                  _meta_base(found.node, analysis), _inherited_fields(nodes),
                                  _inherited_meta(nodes), kept)
        done.overrides[found.key] = _stubbed_model(tree, found, rewritten, relations, bases, done.stubs)
        done.dropped.extend(f"{model.label}: {d}" for d in dropped_meta(found.node, relations,
                                                                       _inherited_meta(nodes)))
        done.roots.append(found)
    return done


def _stubbed_model(tree: SourceTree, found: Definition, rewritten: cst.ClassDef,
                   relations: tuple[ForeignRelation, ...], bases: list[Definition],
                   stubs: list[RelationStub]) -> cst.BaseStatement:
    """The rewritten model; its methods -- own or inherited -- that follow a rewritten relation raise."""
    own = find_stubs(_positions(tree, found.module), found.node, relations, _path(tree, found.module))
    inherited = [s for b in bases for s in find_stubs(_positions(tree, b.module), b.node, relations,
                                                      _path(tree, b.module))]
    stubs.extend([*own, *inherited])
    node = apply_stubs(rewritten, own)
    assert isinstance(node, cst.ClassDef)
    classes = {b.name: b.node for b in bases if isinstance(b.node, cst.ClassDef)}
    return inherited_stubs(node, inherited, classes)


_POSITIONS: dict[tuple[int, str], object] = {}


def _positions(tree: SourceTree, module: str) -> Any:
    key = (id(tree), module)
    if key not in _POSITIONS:
        index = tree.module(module)
        assert index is not None
        _POSITIONS.clear() if len(_POSITIONS) > 64 else None
        _POSITIONS[key] = positions_of(index.tree)
    return _POSITIONS[key]


def _path(tree: SourceTree, module: str) -> str:
    index = tree.module(module)
    assert index is not None
    try:
        return index.path.relative_to(tree.root).as_posix()
    except ValueError:
        return index.path.as_posix()


def _abstract_bases(analysis: Analysis, model: ModelInfo, tree: SourceTree) -> list[Definition]:
    """The definitions of the abstract bases of ``model``, nearest base first."""
    by_label = {m.label: m for m in (*analysis.models, *analysis.abstract_models)}
    found: list[Definition] = []
    queue, seen = list(model.bases), set()
    while queue:
        base = by_label.get(queue.pop(0))
        if base is None or base.label in seen or not base.abstract:
            continue
        seen.add(base.label)
        definition = tree.definition(f"{base.module}.{base.name}")
        if definition is not None and isinstance(definition.node, cst.ClassDef):
            found.append(definition)
        queue.extend(base.bases)
    return found


def _inherited_fields(bases: list[cst.ClassDef]) -> dict[str, cst.Assign]:
    """Field declarations of the abstract bases (nearest base first), by name."""
    found: dict[str, cst.Assign] = {}
    for node in bases:
        for stmt in node.body.body:
            named = assigned_name(stmt)
            if named is not None:
                found.setdefault(*named)
    return found


def _inherited_meta(bases: list[cst.ClassDef]) -> dict[str, cst.BaseStatement]:
    """Meta options of the abstract bases (nearest base first), by name; ``abstract`` left out."""
    found: dict[str, cst.BaseStatement] = {}
    for node in bases:
        for meta in (s for s in node.body.body if isinstance(s, cst.ClassDef) and s.name.value == "Meta"):
            for stmt in meta.body.body:
                named = assigned_name(stmt)
                if named is not None and named[0] != "abstract" and isinstance(stmt, cst.BaseStatement):
                    found.setdefault(named[0], stmt)
    return found


def _params(node: cst.BaseStatement) -> tuple[Param, ...]:
    if not isinstance(node, cst.FunctionDef):
        return ()
    code = cst.Module([]).code_for_node
    kwonly = node.params.kwonly_params
    return tuple(
        Param(p.name.value, code(p.annotation.annotation) if p.annotation else "",
              code(p.default) if p.default else "", p in kwonly)
        for p in (*node.params.posonly_params, *node.params.params, *kwonly)
    )


def _root(closure: Closure, tree: SourceTree, qualname: str) -> Root:
    found = tree.definition(qualname)
    if found is None:
        return Root(qualname, None, ())
    node = found.node
    returns = node.returns.annotation if isinstance(node, cst.FunctionDef) and node.returns else None
    return Root(qualname, found, tuple(sorted(closure.crossings(found))), isinstance(node, cst.ClassDef),
                _params(node), needs_user(node), cst.Module([]).code_for_node(returns) if returns else "")


def carry(analysis: Analysis, service: Service, tree: SourceTree, extra: tuple[str, ...] = (),
          installed: frozenset[str] = frozenset(), request_attributes: Mapping[str, str] | None = None) -> (
        CarriedCode):
    """Plan and emit the code that moves to ``service`` (``extra``: qualified names that must come
    along too, e.g. the class loader a copied setting names by its dotted path; ``installed``:
    top-level packages of the monolith that are an installed distribution, whose modules the service
    does not own are imported from it, not copied; ``request_attributes``: what the monolith's own
    middleware sets on the request, ``extractor.middleware``: a view reading one is a stub)."""
    keep = bool(installed)  # the monolith's apps are registered: other services' model classes are there
    models = _rewritten_models(analysis, service, tree, keep)
    model_roots, missing = models.roots, list(models.missing)
    replicas = tuple(sorted(m.label for m in own_models(analysis, service)
                            if _unmanaged(tree, f"{m.module}.{m.name}")))
    boundary = replace(boundary_of(analysis, service, replicas, keep), installed=installed)
    closure = Closure(tree, boundary, models.overrides)
    routes: tuple[RouteInfo, ...] = moved_routes(analysis, service)
    attributes = request_attributes or {}
    views = {r.pattern: _without_middleware(_root(closure, tree, r.view), closure, tree, attributes)
             for r in routes}
    mine: list[Interface] = [i for i in analysis.interfaces
                             if i.service == service.name and i.kind == "function"]
    every = {i.name: _root(closure, tree, i.name) for i in mine}
    hidden = hidden_functions(mine, lambda name: (p.name for p in every[name].params), tree.root)
    functions = {name: root for name, root in every.items() if name not in hidden}
    carried = [r.definition for r in (*views.values(), *functions.values())
               if r.carried and r.definition is not None]
    named = [d for d in (tree.definition(q) for q in extra) if d is not None]
    needed = closure.needed([*model_roots, *carried, *named])
    whole = {d.module for d in model_roots if boundary.is_installed(d.module)}
    emitted = [d for d in needed.values() if not boundary.is_installed(d.module) or d.module in whole]
    emitted += [d for m in sorted(whole) for d in _definitions(tree, m) if d not in emitted]
    relations = [r for m in own_models(analysis, service)
                 for r in foreign_relations(analysis, service, m, keep)]
    stubbed, stubs = _stubbed_code(tree, emitted, {*models.overrides, *boundary.foreign_models}, relations)
    files = emit_modules(tree, closure, emitted, stubbed, whole)
    model_crossings = {
        m.label: tuple(sorted(c for c in closure.crossings(d) if not is_relation_crossing(c)))
        for m in own_models(analysis, service)
        for d in model_roots if d.key == f"{m.module}.{m.name}"
    }
    missing += [f"view {r.qualname}" for r in views.values() if r.definition is None]
    used = tuple(sorted({d.module.split(".")[0] for d in needed.values() if boundary.is_installed(d.module)}))
    return CarriedCode(files, own_models(analysis, service), model_crossings, views, functions,
                       tuple(missing), replicas, used,
                       tuple(sorted({*models.stubs, *stubs})),
                       tuple(models.dropped), tuple(f"{n}: {why}" for n, why in sorted(hidden.items())),
                       kept_links(analysis, service) if keep else ())


def _without_middleware(root: Root, closure: Closure, tree: SourceTree,
                        attributes: Mapping[str, str]) -> Root:
    """``root`` as a stub when the code it carries reads a request attribute that only the monolith's
    middleware sets (``extractor.middleware``); else unchanged."""
    if not root.carried or not attributes or root.definition is None:
        return root
    needed = closure.needed([root.definition]).values()
    where = {d.key: f"{_path(tree, d.module)}:{_line(tree, d)}" for d in needed}
    uses = middleware_uses(needed, attributes, where)
    return replace(root, crossings=uses) if uses else root


def _line(tree: SourceTree, definition: Definition) -> int:
    found = _positions(tree, definition.module).get(definition.node)
    return int(found.start.line) if found is not None else 0


def _stubbed_code(tree: SourceTree, emitted: list[Definition], models: set[str],
                  relations: list[ForeignRelation]) -> tuple[
    dict[str, cst.BaseStatement], list[RelationStub]
]:
    """Managers, querysets and helpers that follow a rewritten relation: those functions raise."""
    out: dict[str, cst.BaseStatement] = {}
    found: list[RelationStub] = []
    for definition in emitted:
        if definition.key in models or not isinstance(definition.node, cst.ClassDef | cst.FunctionDef):
            continue
        stubs = find_stubs(_positions(tree, definition.module), definition.node, relations,
                           _path(tree, definition.module))
        if stubs:
            out[definition.key] = apply_stubs(definition.node, stubs)
            found += stubs
    return out, found


def _unmanaged(tree: SourceTree, qualname: str) -> bool:
    found = tree.definition(qualname)
    return found is not None and isinstance(found.node, cst.ClassDef) and is_unmanaged(found.node)


def _definitions(tree: SourceTree, module: str) -> list[Definition]:
    index = tree.module(module)
    return list(index.definitions.values()) if index is not None else []


def emit_modules(tree: SourceTree, closure: Closure, needed: Iterable[Definition],
                 stubbed: Mapping[str, cst.BaseStatement] | None = None,
                 whole: Collection[str] = ()) -> dict[str, str]:
    """Write each module that holds needed definitions, plus the ``__init__.py`` of its packages
    (``package_init``: an overlay of an installed package, else the monolith's re-exports);
    ``whole``: installed models modules copied whole (``full_copy``)."""
    by_module: dict[str, list[Definition]] = defaultdict(list)
    for definition in needed:
        by_module[definition.module].append(definition)
    names = {d.key for ds in by_module.values() for d in ds}
    files: dict[str, str] = {}
    for name in sorted(by_module):
        module = tree.module(name)
        assert module is not None
        relative = module.path.relative_to(tree.root).as_posix()
        files[relative] = (_whole(module, closure, by_module[name], stubbed or {}) if name in whole
                           else emit_module(module, closure, by_module[name], set(by_module), stubbed or {}))
        if relative.endswith("/__init__.py") and closure.boundary.is_installed(name):
            files[relative] = overlay_init(name, files[relative])
        parts = name.split(".")
        for cut in range(1, len(parts) + (relative.endswith("/__init__.py"))):
            package = ".".join(parts[:cut])
            init = "/".join(parts[:cut]) + "/__init__.py"
            if init not in files:
                files[init] = (overlay_init(package) if closure.boundary.is_installed(package)
                               else reexports(tree, package, set(by_module), names))
    return files


def _whole(module: ModuleIndex, closure: Closure, definitions: list[Definition],
           stubbed: Mapping[str, cst.BaseStatement]) -> str:
    """An installed models module copied whole, own models rewritten (``full_copy``)."""
    replaced = {(d.index, d.inner): stubbed.get(d.key) or closure.node(d) for d in definitions}
    used = {ref.split(".")[0] for node in replaced.values() for ref in references(node)}
    added = [line for name, line in (("models", "from django.db import models"),
                                     ("remote_relation", ACCESSOR_IMPORT))
             if name in used and name not in module.imports and name not in module.definitions]
    return emit_full_module(module, replaced, added)


def emit_module(module: ModuleIndex, closure: Closure, definitions: list[Definition],
                emitted: set[str], stubbed: Mapping[str, cst.BaseStatement] | None = None) -> str:
    """The source of ``module`` reduced to ``definitions`` and the imports they use."""
    indexes: dict[int, list[tuple[int, cst.BaseStatement]]] = defaultdict(list)
    for definition in definitions:
        node = (stubbed or {}).get(definition.key) or closure.node(definition)
        indexes[definition.index].append((definition.inner, node))
    used = {ref.split(".")[0] for nodes in indexes.values() for _, node in nodes for ref in references(node)}
    body: list[cst.BaseStatement] = []
    for index, stmt in enumerate(module.tree.body):
        if index in indexes:
            body.extend(_hoisted(node, inner) for inner, node in sorted(indexes[index], key=lambda p: p[0]))
        elif index == 0 and is_docstring(stmt):
            body.append(stmt)
        elif isinstance(stmt, cst.SimpleStatementLine):
            body.extend(_kept_imports(stmt, module, closure, used, emitted))
    if "models" in used and "models" not in module.imports and "models" not in module.definitions:
        body.insert(import_index(body),
                    cst.parse_statement("from django.db import models  # added by demonolith extract"))
    if "remote_relation" in used and "remote_relation" not in module.imports:
        body.insert(import_index(body),
                    cst.parse_statement(f"{ACCESSOR_IMPORT}  # added by demonolith extract"))
    note = cst.EmptyLine(comment=cst.Comment(
        f"# Carried from the monolith's {module.name} by `demonolith extract`; unused code was left behind."))
    tree = module.tree.with_changes(body=body, header=[note, *module.tree.header])
    return tree.code


def _hoisted(node: cst.BaseStatement, inner: int) -> cst.BaseStatement:
    """A definition taken out of its top-level ``if`` gets a comment saying so."""
    if inner < 0:
        return node
    note = cst.EmptyLine(comment=cst.Comment(
        "# Was defined under a top-level `if` in the monolith; defined unconditionally here."))
    return node.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), note])


def _keep_alias(local: str, qualified: str, module: ModuleIndex, closure: Closure,
                used: set[str], emitted: set[str]) -> bool:
    if qualified.startswith("__future__."):
        return True
    if local not in used or qualified in closure.boundary.foreign_models:
        return False
    if closure.tree.split(qualified) is None and closure.tree.module_file(qualified) is None:
        return True  # outside the tree: django, the standard library, third-party packages
    if closure.boundary.is_installed(qualified):
        return True  # the monolith's installed distribution provides it
    found = closure.tree.definition(qualified)
    if found is not None:
        return found.module in emitted and found.key not in closure.boundary.foreign_models
    return qualified in emitted


def _kept_imports(stmt: cst.SimpleStatementLine, module: ModuleIndex, closure: Closure,
                  used: set[str], emitted: set[str]) -> list[cst.SimpleStatementLine]:
    """The import statement reduced to the names still used; re-exports point at their source."""
    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Import | cst.ImportFrom):
        return []
    small = stmt.body[0]
    if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
        return _star_imports(stmt, small, module, closure, used, emitted)
    package = module.path.name == "__init__.py"
    bindings = list(import_bindings(small, module.name, package))
    aliases = list(small.names)  # type: ignore[arg-type]
    kept, redirected = [], []
    for alias, (local, qualified) in zip(aliases, bindings, strict=True):
        if not _keep_alias(local, qualified, module, closure, used, emitted):
            continue
        source = _reexported(closure, qualified) if isinstance(small, cst.ImportFrom) else None
        if source is None:
            kept.append(alias)
        else:
            suffix = f" as {local}" if local != source.name else ""
            redirected.append(cst.parse_statement(f"from {source.module} import {source.name}{suffix}"))
    out = [s for s in redirected if isinstance(s, cst.SimpleStatementLine)]
    if not kept:
        return out
    if isinstance(small, cst.Import) or small.lpar is None:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return [stmt.with_changes(body=[small.with_changes(names=kept)]), *out]


def _star_imports(stmt: cst.SimpleStatementLine, small: cst.ImportFrom, module: ModuleIndex,
                  closure: Closure, used: set[str], emitted: set[str]) -> list[cst.SimpleStatementLine]:
    """``from x import *``: kept as is when ``x`` is outside the tree (Django, a package), else the
    names the carried code uses from it, imported by name from where they are defined."""
    source = star_module(small, module.name, module.path.name == "__init__.py")
    if source is None or closure.tree.module(source) is None or closure.boundary.is_installed(source):
        return [stmt]
    names = sorted(n for n in used if n not in module.definitions and n not in module.imports
                   and closure.tree.star_source(module, n) == source)
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in names:
        found = closure.tree.definition(f"{source}.{name}")
        if found is not None and found.key not in closure.boundary.foreign_models and found.module in emitted:
            by_module[found.module].append(found.name)
    out = [cst.parse_statement(f"from {m} import {', '.join(sorted(set(by_module[m])))}")
           for m in sorted(by_module)]
    if out:
        out[0] = out[0].with_changes(leading_lines=stmt.leading_lines)
    return [s for s in out if isinstance(s, cst.SimpleStatementLine)]


def _reexported(closure: Closure, qualified: str) -> Definition | None:
    """The definition behind ``pkg.Name`` when ``pkg`` only re-exports it from another module."""
    found = closure.tree.definition(qualified)
    if found is None or found.key == qualified:
        return None
    return found
