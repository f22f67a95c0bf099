"""URL patterns that a hook registry gathers: ``@hooks.register("H")`` functions returning
patterns, and a URLconf that adds ``for fn in hooks.get_hooks("H"): urlpatterns += fn()``.

Wagtail builds its admin URLs this way; any registry keyed by a string literal reads the same.
The collector names such patterns' function as included by ``hook:H``, and the URLconf's list
as including ``hook:H``; the project pass joins the two.
"""

from __future__ import annotations

import ast

HOOK_PREFIX = "hook:"


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


def _extended_lists(statement: ast.stmt) -> list[str]:
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.append(node.target.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("append", "extend") and isinstance(node.func.value, ast.Name)):
            found.append(node.func.value.id)
    return [name for name in found if name.endswith(("patterns", "urls"))]


def _string_call(node: ast.expr, method: str) -> str | None:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == method and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None
