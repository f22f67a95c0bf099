"""Which URL lists include which, as one module's walk meets them: a list's sum of routers,
app configs' ``urls``, other lists and functions building patterns; ``urls.extend(f())`` in a
function; the loops that gather patterns (hooks, app configs, a registry's objects' ``get_urls``).

Each becomes an include pattern in the store (:meth:`FactStore.router_include`), followed by the
project pass (:mod:`analyzer.resolve.routes`).
"""

from __future__ import annotations

import ast

from analyzer.facts import app_urls, registries, url_hooks
from analyzer.facts.names import NameTable
from analyzer.facts.store import FactStore
from analyzer.facts.walker import Scope

URL_LIST_NAMES = ("patterns", "urls")  # endings of the names of URL lists (``tax_urls``)


def router_includes(store: FactStore, table: NameTable, name: str, value: ast.expr) -> None:
    """``urlpatterns += router.urls`` / ``+ get_urls()`` / ``[*get_urls()]`` /
    ``+= apps.get_app_config("x").urls``: includes."""
    url_list = name.endswith(URL_LIST_NAMES)
    parts = [value]
    while parts:
        node = parts.pop()
        if isinstance(node, ast.BinOp):
            parts += [node.left, node.right]
        elif isinstance(node, ast.List | ast.Tuple) and url_list:
            parts += [e.value for e in node.elts if isinstance(e, ast.Starred)]
        elif (app := app_urls.app_urls_target(node, None)) is not None:  # get_app_config("x").urls
            store.router_include(name, app, node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "urls":
            target = table.qualify(node)
            if target is not None:
                store.router_include(name, target, node.lineno)
        elif isinstance(node, ast.Call) and url_list:
            resolved = table.resolve(node.func)
            if resolved is not None and resolved[1]:
                store.router_include(name, resolved[0], node.lineno)
        elif isinstance(node, ast.Name) and url_list and node.id != name:
            include_list(store, table, name, node)


def include_list(store: FactStore, table: NameTable, name: str, other: ast.Name) -> None:
    """``urlpatterns = common + more`` / ``+= more`` / ``.extend(more)``: ``more``'s patterns."""
    target = table.lookup(other.id) or f"{table.module}.{other.id}"
    store.router_include(name, target, other.lineno)


def extended_by_call(store: FactStore, table: NameTable, scope: Scope, name: str, value: ast.expr) -> None:
    """``urls += get_module_urls()`` / ``urls.extend(...)`` in a function: an include of the
    patterns the called function builds (at module level, :func:`router_includes`)."""
    if scope.kind == "function" and name.endswith(URL_LIST_NAMES) and isinstance(value, ast.Call):
        resolved = table.resolve(value.func)
        if resolved is not None and resolved[1]:
            store.router_include(scope.qualname, resolved[0], value.lineno)


def loop_includes(store: FactStore, table: NameTable, scope: Scope, node: ast.For, path: str) -> None:
    """A loop's includes: a hook's gathered lists, each app config's URLconf, and ``for module in
    registry: urls += module.get_urls()`` (an include of ``method:M``)."""
    gathered = url_hooks.gathered_hook(node) if scope.kind == "module" else None
    if gathered is not None:
        hook, lists = gathered
        for name in lists:
            store.router_include(name, url_hooks.HOOK_PREFIX + hook, node.lineno)
    if scope.kind == "class":
        return
    iterated = node.iter
    if iterated.__class__ is ast.Call and getattr(iterated.func, "attr", "") == "get_app_configs":
        store.url_patterns += registries.app_config_loop(
            node, table.qualify, table.module, path, scope.kind == "function")
    in_function = scope.kind == "function"
    for method, extended in url_hooks.gathered_methods(node):
        owner = scope.qualname if in_function else extended
        if owner is not None:
            store.router_include(owner, url_hooks.METHOD_PREFIX + method, node.lineno)
