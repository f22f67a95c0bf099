"""URL lists an app config gives: ``apps.get_app_config("L").urls`` and ``self.x_app.urls``.

Django's app registry returns the ``AppConfig`` labelled ``L``. An app config (or any class)
whose ``urls`` gives ``(self.get_urls(), app_name, namespace)`` -- the shape of Django's own
``admin.site.urls`` -- is included as ``include(app.urls[0])``, ``path("x/", app.urls)`` or
``app.get_urls()``. Such a target is recorded as ``app:L``, or ``app:{?ref:CLASS.ATTR}`` for an
attribute a method set with ``self.ATTR = apps.get_app_config("L")`` (recorded as the class
value ``CLASS.ATTR`` = ``{?app:L}``, :mod:`analyzer.facts.class_values`). In a method ``M``,
``super().M()`` is recorded as an include of ``super:M``: the project pass follows the chain of
``get_urls`` overrides on the app config's class (:mod:`analyzer.resolve.app_urls`).
"""

from __future__ import annotations

import ast

from analyzer.facts.route_text import marker

APP_PREFIX = "app:"
SUPER_PREFIX = "super:"


def app_config_label(node: ast.expr | None) -> str | None:
    """``L`` of ``<registry>.get_app_config("L")``."""
    match node:
        case ast.Call(func=ast.Attribute(attr="get_app_config"), args=[ast.Constant(value=str() as label)]):
            return label
    return None


def app_urls_target(node: ast.expr | None, klass: str | None) -> str | None:
    """The include target of ``<app>.urls``, ``<app>.urls[0]`` or ``<app>.get_urls()``, where
    ``<app>`` is ``get_app_config("L")`` or ``self.ATTR``; None for anything else."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == 0:
        node = node.value
    match node:
        case ast.Attribute(value=base, attr="urls") | \
                ast.Call(func=ast.Attribute(value=base, attr="get_urls"), args=[], keywords=[]):
            pass
        case _:
            return None
    label = app_config_label(base)
    if label is not None:
        return APP_PREFIX + label
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self" \
            and klass is not None:
        return APP_PREFIX + marker(f"ref:{klass}.{base.attr}")
    return None


def assigned_app_configs(method: ast.FunctionDef, prefix: str) -> dict[str, str]:
    """``PREFIX.ATTR`` -> ``{?app:L}`` for each ``self.ATTR = <registry>.get_app_config("L")``
    among the method's own statements."""
    found: dict[str, str] = {}
    for statement in method.body:
        match statement:
            case ast.Assign(targets=[ast.Attribute(value=ast.Name(id="self"), attr=attribute)], value=value):
                label = app_config_label(value)
                if label is not None:
                    found[f"{prefix}.{attribute}"] = marker(f"app:{label}")
    return found


def super_method(node: ast.Call, qualname: str) -> str | None:
    """``M`` of ``super().M()`` called in the method ``M`` itself (``qualname`` ends in ``.M``)."""
    match node:
        case ast.Call(func=ast.Attribute(value=ast.Call(func=ast.Name(id="super")), attr=method)) \
                if qualname.endswith(f".{method}"):
            return method
    return None
