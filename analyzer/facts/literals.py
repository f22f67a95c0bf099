"""Names bound to ``None``, ``True`` or ``False``, a declared setting's default, and what an app
config's ``ready()`` calls: the values the tests of :mod:`analyzer.facts.config_mounts` read.

``app_url = None`` in a class body is ``CLASS.ATTR`` = ``"None"`` (beside the string values of
:mod:`analyzer.facts.class_values`), ``DEFAULT_PATH = None`` at module level is ``NAME``. A
module-level object declared with a default, ``setting_base = namespace.add(default=DEFAULT_BASE,
...)``, reads as that default through ``.value`` unless the deployment sets it, as discovery reads
an environment lookup at its default: ``NAME.value`` is the literal, or route text for a string
or a name (a constant of another module).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from analyzer.facts.route_text import Env, fold


def class_literals(node: ast.ClassDef, prefix: str) -> dict[str, str]:
    """``PREFIX.ATTR`` -> ``"None"`` / ``"True"`` / ``"False"`` for the class body's literals (read
    by class, no call per statement: this runs on every class)."""
    found: dict[str, str] = {}
    if node.name == "Meta":
        return found
    for statement in node.body:
        kind = statement.__class__
        if kind is not ast.Assign and kind is not ast.AnnAssign:
            continue
        value = statement.value  # type: ignore[attr-defined]
        constant = value.value if value.__class__ is ast.Constant else 0
        if constant is None or constant is True or constant is False:
            targets = statement.targets if kind is ast.Assign else [statement.target]  # type: ignore[attr-defined]
            if len(targets) == 1 and targets[0].__class__ is ast.Name:
                found[f"{prefix}.{targets[0].id}"] = repr(constant)
    return found


def module_literals(name: str, value: ast.Constant | ast.Call,
                    env: Callable[[], Env]) -> tuple[dict[str, str], dict[str, str]]:
    """(route text constants, literals) a module-level ``NAME = value`` adds: ``NAME`` for a
    literal, ``NAME.value`` for an object declared with ``default=`` (no call for other values:
    this is asked of every module-level assignment)."""
    if value.__class__ is ast.Constant:
        constant = value.value
        if constant is None or constant is True or constant is False:
            return {}, {name: repr(constant)}
        return {}, {}
    keywords = value.keywords if value.__class__ is ast.Call else None
    default = next((k.value for k in keywords if k.arg == "default"), None) if keywords else None
    match default:
        case ast.Constant(value=constant) if constant is None or constant is True or constant is False:
            return {}, {f"{name}.value": repr(constant)}
        case ast.Constant(value=str()) | ast.Name() | ast.Attribute():
            text = fold(default, env())
            return ({f"{name}.value": text} if text is not None else {}), {}
    return {}, {}


def ready_calls(node: ast.ClassDef) -> tuple[frozenset[str], bool]:
    """The methods the class's own ``ready()`` calls on ``self``, and whether it calls
    ``super().ready()``, as statements of its body (no walk: a ``ready()`` may be long; a call
    made only under an ``if`` is not counted, so such a ``ready()`` mounts nothing); nothing when
    the class defines no ``ready``."""
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "ready":
            called, calls_super = set(), False
            for inner in statement.body:
                match inner:
                    case ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name(id="self"), attr=attr))):
                        called.add(attr)
                    case ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Call(func=ast.Name(id="super")),
                                                                    attr="ready"))):
                        calls_super = True
            return frozenset(called), calls_super
    return frozenset(), False
