"""Views that turn anonymous users away in their own body.

A function guards access when one of its top-level ``if`` statements tests the user
(``request.user.is_authenticated``, ``is_staff``, ``has_perm(...)``...) and its branch answers
401/403, redirects (to the login page), or raises ``PermissionDenied``. The project pass
(:mod:`analyzer.resolve.route_access`) uses these facts for views and for project decorators whose
inner wrapper holds the guard (``api_login_required``). :func:`method_decorations` reads the
decorators that ``method_decorator(login_required, name="dispatch")`` applies to a method.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

USER_CHECKS = frozenset(
    {"is_authenticated", "is_anonymous", "is_staff", "is_superuser", "has_perm", "has_perms"}
)
DENIED_STATUSES = frozenset({401, 403})
DENYING_CALLS = frozenset(
    {"redirect", "redirect_to_login", "HttpResponseForbidden", "HttpResponseRedirect"}
)
DENYING_EXCEPTIONS = frozenset({"PermissionDenied", "NotAuthenticated"})
METHOD_DECORATOR = "django.utils.decorators.method_decorator"


def guards_access(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function's body returns 401/403/a redirect when the user check fails."""
    return any(
        isinstance(statement, ast.If) and _checks_user(statement.test) and _denies(statement.body)
        for statement in node.body
    )


def method_decorations(
    decorators: list[ast.expr], qualify: Callable[[ast.AST], str | None]
) -> tuple[tuple[str, str], ...]:
    """(method name, decorator) for each ``method_decorator(X, name=...)``; name "" without ``name=``.

    ``X`` may be a decorator, a call of a decorator factory (``permission_required("x")``) or a
    list or tuple of them; each decorator is given by its qualified name.
    """
    found: set[tuple[str, str]] = set()
    for node in decorators:
        if isinstance(node, ast.Call) and node.args and qualify(node.func) == METHOD_DECORATOR:
            method = next((k.value.value for k in node.keywords if k.arg == "name"
                           and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), "")
            first = node.args[0]
            for item in first.elts if isinstance(first, ast.List | ast.Tuple) else [first]:
                name = qualify(item.func if isinstance(item, ast.Call) else item)
                if name:
                    found.add((method, name))
    return tuple(sorted(found))


def _checks_user(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in USER_CHECKS and _is_user(node.value):
            return True
    return False


def _is_user(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "user") or (
        isinstance(node, ast.Name) and node.id == "user"
    )


def _denies(body: list[ast.stmt]) -> bool:
    return any(_denial(node) for statement in body for node in ast.walk(statement))


def _denial(node: ast.AST) -> bool:
    if isinstance(node, ast.Return):
        return node.value is not None and _denying(node.value)
    if isinstance(node, ast.Raise):
        return node.exc is not None and _last_name(node.exc) in DENYING_EXCEPTIONS
    return False


def _denying(value: ast.expr) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in DENIED_STATUSES:
            return True
        if isinstance(node, ast.Call) and _last_name(node.func) in DENYING_CALLS:
            return True
    return False


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None
