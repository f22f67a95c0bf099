"""Static string values of a class's attributes, for route text built from ``self.ATTR``.

``pk_converter = "int"`` in a class body, or a ``@property`` / ``@cached_property`` whose every
``return`` gives a string literal (``if ...: return "uuid"`` then ``return "int"``), is recorded as
a module constant named ``CLASS.ATTR`` (the class's name inside its module): one value as it is,
several as ``{?alt:A|B}`` (chosen at run time). A ``__getattr__`` that reads
``getattr(SOURCE, name)`` from each of its sources in turn (settings with a module of defaults
behind them) is ``CLASS.__getattr__`` = ``{?getattr:SOURCE1|SOURCE2}``, and a module-level
``NAME = CLASS()`` is the constant ``NAME`` = ``{?new:CLASS}``. ``self.ATTR =
apps.get_app_config("L")`` in ``ready()`` is ``CLASS.ATTR`` = ``{?app:L}``. The project pass
(:mod:`analyzer.resolve.class_values`) looks a ``{?ref:CLASS.ATTR}`` up on the class, its bases
and its subclasses.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from analyzer.facts.app_urls import assigned_app_configs, tuple_namespace
from analyzer.facts.route_text import marker
from analyzer.facts.url_objects import init_attributes, property_alias

_LIMIT = 200


def class_values(node: ast.ClassDef, prefix: str, qualify: Callable[[ast.expr], str | None],
                 module: str = "") -> dict[str, str]:
    """``PREFIX.ATTR`` -> the attribute's route text, for each static string attribute of ``node``
    (``ATTR = __name__`` is ``module``, the name a class body reads; matched by shape, no call per
    statement: this runs on every class of every file)."""
    found: dict[str, str] = {}
    if node.name == "Meta":  # a model's or form's options: never ``self`` of a method
        return found
    for statement in node.body:
        match statement:
            case ast.Assign(targets=[ast.Name(id=name)], value=ast.Constant(value=str() as text)) | \
                    ast.AnnAssign(target=ast.Name(id=name), value=ast.Constant(value=str() as text)):
                if not text[_LIMIT:] and "{" not in text and "}" not in text and "|" not in text:
                    found[f"{prefix}.{name}"] = text
            case ast.Assign(targets=[ast.Name(id=name)], value=ast.Name(id="__name__")) if module:
                found[f"{prefix}.{name}"] = module  # an app config's ``name = __name__``
            case ast.FunctionDef(name="__getattr__", args=ast.arguments(args=[_, ast.arg(arg=key)])):
                sources = _getattr_sources(statement.body, key, qualify)
                if sources:
                    found[f"{prefix}.__getattr__"] = marker("getattr:" + "|".join(sources))
            case ast.FunctionDef(name="ready"):  # where an app config looks its peers up
                found.update(assigned_app_configs(statement, prefix))
            case ast.FunctionDef(name="__init__"):  # the arguments it keeps as attributes
                found.update(init_attributes(statement, prefix))
            case ast.FunctionDef(decorator_list=[ast.Name(id="property" | "cached_property") |
                                                 ast.Attribute(attr="property" | "cached_property")]):
                returned = _returns(statement.body)
                if returned:
                    found[f"{prefix}.{statement.name}"] = alternatives(returned)
                found.update(tuple_namespace(statement, prefix))
                found.update(property_alias(statement, prefix))
    return found


def instance_of(value: ast.Call, qualify: Callable[[ast.expr], str | None]) -> str | None:
    """``{?new:CLASS}`` for ``CLASS()`` (no arguments, a capitalised name); else None."""
    if value.args or value.keywords:
        return None
    qualified = qualify(value.func)
    if qualified is None or not qualified.rpartition(".")[2][:1].isupper():
        return None
    return marker(f"new:{qualified}")


def _getattr_sources(body: list[ast.stmt], key: str, qualify: Callable[[ast.expr], str | None]) -> list[str]:
    """The qualified ``X`` of each ``getattr(X, key)`` the method returns, in order."""
    sources = []
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        match node:
            case ast.Return(value=ast.Call(func=ast.Name(id="getattr"), args=[owner, ast.Name(id=name)])) \
                    if name == key:
                source = qualify(owner)
                if source is not None:
                    sources.append(source)
    return sources


def alternatives(values: set[str]) -> str:
    """One value as it is; several as ``{?alt:A|B}``, sorted."""
    if len(values) == 1:
        return next(iter(values))
    return marker("alt:" + "|".join(sorted(values)))


def _usable(text: str) -> bool:
    return len(text) <= _LIMIT and "{" not in text and "}" not in text and "|" not in text


def _literal(node: ast.expr | None) -> set[str] | None:
    if isinstance(node, ast.Constant) and type(node.value) is str and _usable(node.value):
        return {node.value}
    return None


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
