"""Static string values of a class's attributes, for route text built from ``self.ATTR``.

``pk_converter = "int"`` in a class body, or a ``@property`` / ``@cached_property`` whose every
``return`` gives a string literal (``if ...: return "uuid"`` then ``return "int"``), is recorded as
a module constant named ``CLASS.ATTR`` (the class's name inside its module): one value as it is,
several as ``{?alt:A|B}`` (chosen at run time). The project pass
(:mod:`analyzer.resolve.class_values`) looks a ``{?ref:CLASS.ATTR}`` up on the class, its bases
and its subclasses.
"""

from __future__ import annotations

import ast

from analyzer.facts.route_text import OPEN, marker

_PROPERTIES = frozenset({"property", "cached_property"})
_LIMIT = 200


def class_values(node: ast.ClassDef, prefix: str) -> dict[str, str]:
    """``PREFIX.ATTR`` -> the attribute's route text, for each static string attribute of ``node``."""
    found: dict[str, str] = {}
    if node.name == "Meta":  # a model's or form's options: never ``self`` of a method
        return found
    for statement in node.body:
        value: set[str] | None = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            name = statement.targets[0].id if isinstance(statement.targets[0], ast.Name) else None
            value = _literal(statement.value)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name, value = statement.target.id, _literal(statement.value)
        elif isinstance(statement, ast.FunctionDef) and _is_property(statement):
            name, value = statement.name, _returns(statement.body)
        else:
            continue
        if name is not None and value:
            found[f"{prefix}.{name}"] = alternatives(value)
    return found


def alternatives(values: set[str]) -> str:
    """One value as it is; several as ``{?alt:A|B}``, sorted."""
    if len(values) == 1:
        return next(iter(values))
    return marker("alt:" + "|".join(sorted(values)))


def _literal(node: ast.expr | None) -> set[str] | None:
    if isinstance(node, ast.Constant) and type(node.value) is str and len(node.value) <= _LIMIT \
            and OPEN not in node.value and not set(node.value) & set("{}|"):
        return {node.value}
    return None


def _is_property(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        name = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", "")
        if name in _PROPERTIES:
            return True
    return False


def _returns(body: list[ast.stmt]) -> set[str] | None:
    """The literals the statements return, when they only test and return literals; else None."""
    values: set[str] = set()
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if isinstance(statement, ast.Return):
            literal = _literal(statement.value)
            if literal is None:
                return None
            values |= literal
            return values
        if not isinstance(statement, ast.If):
            return None
        inner = [_returns(statement.body), _returns(statement.orelse) if statement.orelse else set()]
        if inner[0] is None or inner[1] is None:
            return None
        values |= inner[0] | inner[1]
    return None  # falls off the end: returns None as well
