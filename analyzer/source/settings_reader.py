"""Django settings read statically: a tiny evaluator for the assignments settings files use.

Supports literals, names assigned earlier, ``+`` / ``+=`` on lists and tuples, ``.append`` /
``.extend`` / ``.insert``, ``os.environ.get("X", default)`` / ``env("X", default=...)`` (the
default), and ``from .base import *`` of other settings modules in the tree. Nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from analyzer.facts.names import absolute_module

Values = dict[str, Any]
LoadModule = Callable[[str], tuple[ast.Module, bool] | None]
_UNKNOWN = object()


def read_settings(module: str, load: LoadModule, depth: int = 0) -> Values:
    """The statically known values of settings ``module``; ``load`` returns a module's tree."""
    loaded = load(module)
    values: Values = {}
    if loaded is None or depth > 5:
        return values
    tree, is_package = loaded
    for node in tree.body:
        _statement(node, values, module, is_package, load, depth)
    return values


def _statement(
    node: ast.stmt, values: Values, module: str, is_package: bool, load: LoadModule, depth: int
) -> None:
    if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
        source = absolute_module(module, is_package, node.level, node.module)
        values.update(read_settings(source, load, depth + 1))
    elif isinstance(node, ast.Assign):
        value = evaluate(node.value, values)
        for target in node.targets:
            if isinstance(target, ast.Name) and value is not _UNKNOWN:
                values[target.id] = value
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        _augment(node, values)
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        _mutate(node.value, values)
    elif isinstance(node, ast.If | ast.Try):
        for child in node.body:
            _statement(child, values, module, is_package, load, depth)


def _augment(node: ast.AugAssign, values: Values) -> None:
    assert isinstance(node.target, ast.Name)
    current = values.get(node.target.id)
    added = evaluate(node.value, values)
    if isinstance(current, list | tuple) and isinstance(added, list | tuple):
        values[node.target.id] = list(current) + list(added)


def _mutate(call: ast.Call, values: Values) -> None:
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return
    current = values.get(func.value.id)
    if not isinstance(current, list):
        return
    args = [evaluate(arg, values) for arg in call.args]
    if func.attr == "append" and len(args) == 1:
        current.append(args[0])
    elif func.attr == "extend" and len(args) == 1 and isinstance(args[0], list | tuple):
        current.extend(args[0])
    elif func.attr == "insert" and len(args) == 2 and isinstance(args[0], int):
        current.insert(args[0], args[1])


def evaluate(node: ast.expr, values: Values) -> Any:
    """The value of a settings expression, or an opaque marker when it cannot be known."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [evaluate(item, values) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {
            evaluate(k, values): evaluate(v, values)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, ast.Name):
        return values.get(node.id, _UNKNOWN)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = evaluate(node.left, values), evaluate(node.right, values)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return _UNKNOWN
    if isinstance(node, ast.Call):
        return _call_default(node, values)
    return _UNKNOWN


def _call_default(call: ast.Call, values: Values) -> Any:
    for keyword in call.keywords:
        if keyword.arg == "default":
            return evaluate(keyword.value, values)
    if len(call.args) >= 2:
        return evaluate(call.args[1], values)
    if isinstance(call.func, ast.Name) and call.func.id in ("list", "tuple") and call.args:
        return evaluate(call.args[0], values)
    return _UNKNOWN


def database_engine(values: Values) -> str | None:
    """``DATABASES["default"]["ENGINE"]`` when known."""
    databases = values.get("DATABASES")
    if not isinstance(databases, dict):
        return None
    default = databases.get("default")
    if isinstance(default, dict) and isinstance(default.get("ENGINE"), str):
        return str(default["ENGINE"])
    return None


def string_list(value: Any) -> tuple[str, ...]:
    """The strings of a list setting (unknown items dropped)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))
