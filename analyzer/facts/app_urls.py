"""URL lists an app config gives: ``apps.get_app_config("L").urls`` and ``self.x_app.urls``.

Django's app registry returns the ``AppConfig`` labelled ``L``. An app config (or any class)
whose ``urls`` gives ``(self.get_urls(), app_name, namespace)`` -- the shape of Django's own
``admin.site.urls`` -- is included as ``include(app.urls[0])``, ``path("x/", app.urls)`` or
``app.get_urls()``. Such a target is recorded as ``app:L``, or ``app:{?ref:CLASS.ATTR}`` for an
attribute a method set with ``self.ATTR = apps.get_app_config("L")`` (recorded as the class
value ``CLASS.ATTR`` = ``{?app:L}``, :mod:`analyzer.facts.class_values`). In a method ``M``,
``super().M()`` is recorded as an include of ``super:M``: the project pass follows the chain of
``get_urls`` overrides on the app config's class (:mod:`analyzer.resolve.app_urls`).

``path("x/", app.urls)`` mounts the whole tuple, as Django's ``path`` does with the value of an
``include()``: its third item is the instance namespace of the routes under it (``urls[0]`` and
``get_urls()`` have none). The pattern's namespace is then :data:`TUPLE_NAMESPACE`, and a
``urls`` property returning ``(..., ..., self.ATTR)`` (or a literal) is recorded as the class
value ``CLASS.urls.namespace`` = ``{?self:ATTR}`` (or the literal): the project pass reads the
app config's ``ATTR``.
"""

from __future__ import annotations

import ast

from analyzer.facts.route_text import marker

APP_PREFIX = "app:"
SUPER_PREFIX = "super:"
TUPLE_NAMESPACE = marker("urls-namespace")  # the namespace an ``urls`` tuple's third item gives
URLS_NAMESPACE = "urls.namespace"  # the class value naming it
SELF_PREFIX = "self:"


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


def whole_urls(node: ast.expr | None) -> bool:
    """Whether ``node`` is ``<app>.urls`` itself (the tuple), not ``urls[0]`` or ``get_urls()``."""
    return isinstance(node, ast.Attribute) and node.attr == "urls"


def tuple_namespace(method: ast.FunctionDef, prefix: str) -> dict[str, str]:
    """``PREFIX.urls.namespace`` -> ``{?self:ATTR}`` (or a literal) for an ``urls`` property whose
    last statement returns ``(patterns, app_name, self.ATTR)``."""
    match method.body[-1:] if method.name == "urls" else []:
        case [ast.Return(value=ast.Tuple(elts=[_, _, ast.Attribute(value=ast.Name(id="self"),
                                                                   attr=attribute)]))]:
            return {f"{prefix}.{URLS_NAMESPACE}": marker(SELF_PREFIX + attribute)}
        case [ast.Return(value=ast.Tuple(elts=[_, _, ast.Constant(value=str() as namespace)]))]:
            return {f"{prefix}.{URLS_NAMESPACE}": namespace}
    return {}


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
