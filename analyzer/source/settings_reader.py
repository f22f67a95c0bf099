"""Django settings read statically: a tiny evaluator for the assignments settings files use.

Supports literals, names assigned earlier, ``+`` / ``+=`` on lists, tuples and strings,
``.append`` / ``.extend`` / ``.insert``, subscripts and ``.get`` of known dicts (also as
assignment targets), ``x if c else y``, ``if``/``else`` (a statically known test picks its branch;
otherwise the ``else`` branch only fills what the ``if`` branch left unset), the defaults of
environment lookups (``os.getenv("X", default)``, ``os.environ.get``, ``env("X", default=...)``,
``get_env``), database URLs (``dj_database_url.config(default=...)``/``.parse(url)``,
django-environ's ``env.db()``), calls of the module's own argument-less functions that return one
expression, ``from .base import *`` of other settings modules in the tree (an absolute one also
from the packages above, as a ``manage.py`` directory on ``sys.path`` makes it), and, as
fallbacks, the settings of sibling modules imported with ``from . import base``. Nothing is
imported. A value that is only known at run time is a :class:`RunTimeValue` naming its expression.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analyzer.facts.names import absolute_module
from analyzer.source.database_urls import engine_for_url

Values = dict[str, Any]
LoadModule = Callable[[str], tuple[ast.Module, bool] | None]
UNREAD_STAR_IMPORTS = "__star_imports_not_in_tree__"  # key of the modules ``*`` could not read
_MAX_EXPRESSION = 80
_ENV_GETTERS = frozenset({"getenv", "get_env", "env", "getenv_or_default"})
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_ENV_OBJECTS = frozenset({"environ", "env", "os.environ"})


@dataclass(frozen=True)
class RunTimeValue:
    """A value only known when the settings run: ``expression`` is its source (shortened)."""

    expression: str


@dataclass(frozen=True)
class _LocalFunction:
    returned: ast.expr | None  # the one expression an argument-less function returns


def read_settings(module: str, load: LoadModule, depth: int = 0) -> Values:
    """The statically known values of settings ``module``; ``load`` returns a module's tree."""
    loaded = load(module)
    values: Values = {}
    if loaded is None or depth > 5:
        return values
    tree, is_package = loaded
    reader = _Reader(module, is_package, load, depth)
    for node in tree.body:
        reader.statement(node, values)
    return values


@dataclass(frozen=True)
class _Reader:
    module: str
    is_package: bool
    load: LoadModule
    depth: int

    def statement(self, node: ast.stmt, values: Values) -> None:
        if isinstance(node, ast.ImportFrom):
            self._import_from(node, values)
        elif isinstance(node, ast.Assign):
            _assign(node, values)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            _augment(node, values)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            _mutate(node.value, values)
        elif isinstance(node, ast.FunctionDef):
            values[node.name] = _LocalFunction(_single_return(node))
        elif isinstance(node, ast.If):
            self._if(node, values)
        elif isinstance(node, ast.Try):
            for child in node.body:
                self.statement(child, values)

    def _if(self, node: ast.If, values: Values) -> None:
        test = evaluate(node.test, values)
        if not isinstance(test, RunTimeValue) and not isinstance(test, _LocalFunction):
            for child in node.body if test else node.orelse:
                self.statement(child, values)
            return
        for child in node.body:
            self.statement(child, values)
        fallback: Values = dict(values)
        for child in node.orelse:
            self.statement(child, fallback)
        for name, value in fallback.items():
            values.setdefault(name, value)

    def _import_from(self, node: ast.ImportFrom, values: Values) -> None:
        if any(alias.name == "*" for alias in node.names):
            self._star(node, values)
        elif node.level and node.module is None:  # from . import base: its settings as fallbacks
            package = absolute_module(self.module, self.is_package, node.level, None)
            for alias in node.names:
                sibling = read_settings(f"{package}.{alias.name}", self.load, self.depth + 1)
                for name, value in sibling.items():
                    if name.isupper():
                        values.setdefault(name, value)

    def _star(self, node: ast.ImportFrom, values: Values) -> None:
        source = absolute_module(self.module, self.is_package, node.level, node.module)
        for candidate in _candidates(source, self.module, node.level):
            if self.load(candidate) is not None:
                values.update(read_settings(candidate, self.load, self.depth + 1))
                return
        unread = values.setdefault(UNREAD_STAR_IMPORTS, [])
        if isinstance(unread, list):
            unread.append(source)


def _candidates(source: str, module: str, level: int) -> list[str]:
    """``source`` itself, then (absolute imports only) under each package above ``module``."""
    if level:
        return [source]
    parts = module.split(".")[:-1]
    return [source, *(f"{'.'.join(parts[:n])}.{source}" for n in range(len(parts), 0, -1))]


def _single_return(node: ast.FunctionDef) -> ast.expr | None:
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    arguments = node.args
    if arguments.args or arguments.posonlyargs or arguments.kwonlyargs or arguments.vararg:
        return None
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return body[0].value
    return None


def _assign(node: ast.Assign, values: Values) -> None:
    value = evaluate(node.value, values)
    if isinstance(value, RunTimeValue):
        return
    for target in node.targets:
        if isinstance(target, ast.Name):
            values[target.id] = value
        elif isinstance(target, ast.Subscript):
            container, key = evaluate(target.value, values), evaluate(target.slice, values)
            if isinstance(container, dict) and not isinstance(key, RunTimeValue):
                container[key] = value


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
    """The value of a settings expression, or a :class:`RunTimeValue` when it cannot be known."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [evaluate(item, values) for item in node.elts]
    if isinstance(node, ast.Dict):
        return _dict(node, values)
    if isinstance(node, ast.Name):
        return values.get(node.id, RunTimeValue(node.id))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = evaluate(node.left, values), evaluate(node.right, values)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    elif isinstance(node, ast.Subscript):
        return _lookup(evaluate(node.value, values), evaluate(node.slice, values), node)
    elif isinstance(node, ast.IfExp):
        return _either(node, values)
    elif isinstance(node, ast.Call):
        return _call(node, values)
    return run_time(node)


def run_time(node: ast.expr) -> RunTimeValue:
    """The marker of an expression known only at run time, naming it (shortened)."""
    text = ast.unparse(node)
    return RunTimeValue(text if len(text) <= _MAX_EXPRESSION else text[: _MAX_EXPRESSION - 3] + "...")


def _dict(node: ast.Dict, values: Values) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:  # {**other}
            spread = evaluate(value, values)
            if isinstance(spread, dict):
                result.update(spread)
            continue
        known_key = evaluate(key, values)
        if not isinstance(known_key, RunTimeValue | list | dict):
            result[known_key] = evaluate(value, values)
    return result


def _lookup(container: Any, key: Any, node: ast.expr) -> Any:
    if isinstance(container, dict) and not isinstance(key, RunTimeValue | list | dict) and key in container:
        return container[key]
    return run_time(node)


def _either(node: ast.IfExp, values: Values) -> Any:
    """``a if test else b``: the branch a known test picks; else both, when they agree on the
    backend (``x.backends.postgresql`` either way) — the ``django.db`` one is kept."""
    test = evaluate(node.test, values)
    if not isinstance(test, RunTimeValue | _LocalFunction):
        return evaluate(node.body if test else node.orelse, values)
    body, orelse = evaluate(node.body, values), evaluate(node.orelse, values)
    if body == orelse:
        return body
    same_backend = isinstance(body, str) and isinstance(orelse, str) and (
        body.rsplit(".", 1)[-1] == orelse.rsplit(".", 1)[-1])
    if same_backend:
        return min((body, orelse), key=lambda engine: (not engine.startswith("django."), engine))
    return run_time(node)


def _call(call: ast.Call, values: Values) -> Any:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
    if (owner == "dj_database_url" and name in ("config", "parse")) or (
            owner in _ENV_OBJECTS and name in ("db", "db_url")):
        return _database_url(call, values)
    if isinstance(func, ast.Attribute) and name == "get":
        container = evaluate(func.value, values)
        if isinstance(container, dict) and call.args:
            key = evaluate(call.args[0], values)
            default = evaluate(call.args[1], values) if len(call.args) > 1 else None
            return container.get(key, default) if not isinstance(key, RunTimeValue) else run_time(call)
    local = values.get(name) if isinstance(func, ast.Name) else None
    if isinstance(local, _LocalFunction) and local.returned is not None and not call.args:
        return evaluate(local.returned, values)
    return _call_default(call, name, owner, values)


def _call_default(call: ast.Call, name: str, owner: str, values: Values) -> Any:
    for keyword in call.keywords:
        if keyword.arg == "default":
            return evaluate(keyword.value, values)
    if _environment_lookup(call, name, owner) and len(call.args) >= 2:
        return evaluate(call.args[1], values)
    if name in ("list", "tuple") and call.args and not owner:
        return evaluate(call.args[0], values)
    return run_time(call)


def _environment_lookup(call: ast.Call, name: str, owner: str) -> bool:
    """``os.getenv("X", d)``-like: a known getter, or any call whose first argument is a constant
    shaped like an environment variable (``get_secret("DB_ENGINE", d)``, not ``cfg.get("db", "x")``)."""
    if name in _ENV_GETTERS or owner in _ENV_OBJECTS or owner.endswith(".environ"):
        return True
    first = call.args[0] if call.args else None
    return (isinstance(first, ast.Constant) and isinstance(first.value, str)
            and _ENV_NAME.fullmatch(first.value) is not None)


def _database_url(call: ast.Call, values: Values) -> Any:
    """``dj_database_url.config(default=URL)`` / ``.parse(URL)`` / ``env.db(default=URL)``."""
    url: Any = None
    for keyword in call.keywords:
        if keyword.arg == "default":
            url = evaluate(keyword.value, values)
    if url is None and call.args and (call.func.attr == "parse"  # type: ignore[attr-defined]
                                      or len(call.args) > 1):
        url = evaluate(call.args[-1], values)
    engine = engine_for_url(url) if isinstance(url, str) else None
    return {"ENGINE": engine} if engine else run_time(call)


def database_engine(values: Values) -> str | None:
    """``DATABASES["default"]["ENGINE"]`` when known; ``unknown (configured at run time: ...)``
    when the settings build it at run time; None when they never set it."""
    databases = values.get("DATABASES")
    if databases is None:
        unread = values.get(UNREAD_STAR_IMPORTS)
        if isinstance(unread, list) and unread:
            return unknown_engine(f"from {unread[-1]} import *")
        return None
    default = databases.get("default") if isinstance(databases, dict) else databases
    engine = default.get("ENGINE") if isinstance(default, dict) else default
    if isinstance(engine, str):
        return engine
    return unknown_engine(engine.expression if isinstance(engine, RunTimeValue) else "DATABASES")


def unknown_engine(expression: str) -> str:
    """How an engine set only at run time is reported."""
    return f"unknown (configured at run time: {expression})"


def string_list(value: Any) -> tuple[str, ...]:
    """The strings of a list setting (unknown items dropped)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))
