"""URL patterns that a registry gathers at run time, read where the gathering is static.

Hooks: ``@hooks.register("H")`` functions returning patterns, and a URLconf that adds
``for fn in hooks.get_hooks("H"): urlpatterns += fn()`` (wagtail's admin; any registry keyed by
a string literal reads the same). The collector names such patterns' function as included by
``hook:H``, and the URLconf's list as including ``hook:H``; the project pass joins the two.

Registries of objects: ``for module in registry: for url in module.get_urls(): yield url``
(also ``yield from module.M()``, ``urls += module.M()``, ``urls.extend(module.M())``): the loop
adds the patterns of method ``M`` of whatever the registry holds. The list or function is
recorded as including ``method:M``; the project pass gives it the patterns of the project's
classes that define ``M`` (:mod:`analyzer.resolve.url_families`).
"""

from __future__ import annotations

import ast

HOOK_PREFIX = "hook:"
METHOD_PREFIX = "method:"
_URL_LISTS = ("patterns", "urls")  # endings of the names of URL lists


def registered_hook(decorators: list[ast.expr]) -> str | None:
    """``H`` of a ``@<registry>.register("H")`` decorator, if there is one."""
    for decorator in decorators:
        if _string_call(decorator, "register") is not None:
            return _string_call(decorator, "register")
    return None


def gathered_hook(node: ast.For) -> tuple[str, list[str]] | None:
    """(``H``, URL lists extended in the body) of ``for fn in <registry>.get_hooks("H"): ...``."""
    hook = _string_call(node.iter, "get_hooks")
    if hook is None:
        return None
    lists = sorted({name for statement in node.body for name in _extended_lists(statement)})
    return (hook, lists) if lists else None


def gathered_methods(node: ast.For) -> list[tuple[str, str | None]]:
    """(``M``, the URL list extended, None when yielded) for each ``item.M()`` of a loop
    ``for item in ...`` whose result the body adds to URL patterns."""
    if not isinstance(node.target, ast.Name):
        return []
    item = node.target.id
    found: set[tuple[str, str | None]] = set()
    statements = list(node.body)
    while statements:  # the loop's own statements and those of its ifs: no walk of every loop
        statement = statements.pop()
        if isinstance(statement, ast.If):
            statements += [*statement.body, *statement.orelse]
        found.update(_added_method(statement, item))
    return sorted(found, key=lambda f: (f[0], f[1] or ""))


def _added_method(statement: ast.stmt, item: str) -> list[tuple[str, str | None]]:
    """A yielded method's name must say it gives URLs (``get_urls``): generators yield much else."""
    match statement:
        case ast.Expr(value=ast.YieldFrom(value=value)):
            return [(m, None) for m in _item_method(value, item) if m.endswith(_URL_LISTS)]
        case ast.For(target=ast.Name(id=name), iter=value, body=[ast.Expr(value=ast.Yield(ast.Name(id=y)))]) \
                if name == y:
            return [(m, None) for m in _item_method(value, item) if m.endswith(_URL_LISTS)]
        case ast.AugAssign(target=ast.Name(id=name), value=value) if name.endswith(_URL_LISTS):
            return [(m, name) for m in _item_method(value, item)]
        case ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr="extend"),
                                     args=[value])) if name.endswith(_URL_LISTS):
            return [(m, name) for m in _item_method(value, item)]
    return []


def _item_method(node: ast.expr | None, item: str) -> list[str]:
    """``[M]`` of ``item.M(...)``."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == item):
        return [node.func.attr]
    return []


def _extended_lists(statement: ast.stmt) -> list[str]:
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.append(node.target.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("append", "extend") and isinstance(node.func.value, ast.Name)):
            found.append(node.func.value.id)
    return [name for name in found if name.endswith(_URL_LISTS)]


def _string_call(node: ast.expr, method: str) -> str | None:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == method and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None
