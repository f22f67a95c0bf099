"""Does a view need the logged-in user? Then the proxy must forward the identity for its route.

A view needs the user when it is decorated with ``login_required`` (or any decorator whose name says
so: ``api_login_required``, ``permission_required``, ``user_passes_test``, ``staff_member_required``),
inherits an access mixin (``LoginRequiredMixin``, ``PermissionRequiredMixin``,
``UserPassesTestMixin``), or reads ``request.user`` itself.
"""

from __future__ import annotations

import libcst as cst

from extractor.pysource import dotted, references

LOGIN_DECORATORS = ("login_required", "permission_required", "user_passes_test", "staff_member_required")
LOGIN_MIXINS = ("LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "AccessMixin")
_USER_READS = ("request.user", "self.request.user")


def _decorator_names(node: cst.FunctionDef | cst.ClassDef) -> list[str]:
    names = []
    for decorator in node.decorators:
        target = decorator.decorator
        target = target.func if isinstance(target, cst.Call) else target
        names.append((dotted(target) or "").rsplit(".", 1)[-1])
    return names


def _base_names(node: cst.ClassDef) -> list[str]:
    return [(dotted(base.value) or "").rsplit(".", 1)[-1] for base in node.bases]


def needs_user(node: cst.BaseStatement) -> bool:
    """Whether the view defined by ``node`` needs a logged-in user (see the module docstring)."""
    if not isinstance(node, cst.FunctionDef | cst.ClassDef):
        return False
    if any(word in name for name in _decorator_names(node) for word in LOGIN_DECORATORS):
        return True
    if isinstance(node, cst.ClassDef) and any(b in LOGIN_MIXINS for b in _base_names(node)):
        return True
    return any(ref == read or ref.startswith(read + ".") for ref in references(node) for read in _USER_READS)
