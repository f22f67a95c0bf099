"""Settings defaults an app declares in code: django-appconf ``AppConf`` subclasses.

``class MyAppConf(AppConf): BASE_URL = "questions/"; class Meta: prefix = "myapp"`` makes
``settings.MYAPP_BASE_URL`` default to ``"questions/"``. The string defaults are recorded as
module constants named ``settings.MYAPP_BASE_URL``, for route text (see
:mod:`analyzer.resolve.route_values`).
"""

from __future__ import annotations

import ast

from analyzer.facts.route_text import Env, fold, foldable, is_opaque

APPCONF = frozenset({"appconf.AppConf", "appconf.base.AppConf"})


def appconf_defaults(node: ast.ClassDef, bases: tuple[str, ...], env: Env) -> dict[str, str]:
    """``settings.PREFIX_NAME`` -> route text of each string default of an ``AppConf`` class."""
    if not APPCONF.intersection(bases):
        return {}
    prefix = _prefix(node, env.table.module).upper()
    found = {}
    for statement in node.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and foldable(statement.value)):
            text = fold(statement.value, env)
            if text is not None and not is_opaque(text):
                found[f"settings.{prefix}_{statement.targets[0].id}"] = text
    return found


def _prefix(node: ast.ClassDef, module: str) -> str:
    for statement in node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Meta":
            for item in statement.body:
                if (isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name)
                        and item.targets[0].id == "prefix" and isinstance(item.value, ast.Constant)
                        and isinstance(item.value.value, str)):
                    return item.value.value
    parts = module.split(".")
    return parts[-2] if len(parts) > 1 else parts[0]  # "myapp.models" -> "myapp"
