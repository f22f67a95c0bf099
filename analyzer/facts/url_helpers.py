"""Helpers that build URL patterns from their parameters, expanded where they are called.

``def pat(regex, fn): return re_path(regex, admin_view(fn))`` is no route by itself: each
``pat(r"^x/$", view)`` is one. A function of the module whose patterns depend on its parameters
(their route holds ``{?arg:N:NAME}`` markers, or their view is a parameter) is a helper; a call
to it, later in the module, yields its patterns with the call's arguments in place, at the call's
``path:line`` and in the caller's URL list. The helper's own patterns are then dropped.
A list comprehension over a literal list of route parts is unrolled the same way.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from analyzer.facts.route_text import OPEN, Env, fold, with_arguments
from analyzer.model.facts import UrlPattern

_LIST_METHODS = frozenset({"append", "extend", "insert"})


@dataclass(frozen=True)
class Helper:
    """A function whose URL patterns depend on its parameters."""

    parameters: tuple[str, ...]
    patterns: tuple[UrlPattern, ...]


class Helpers:
    """The helpers of one module, as the walk meets their definitions."""

    def __init__(self, store: list[UrlPattern]) -> None:
        self.store = store
        self.known: dict[str, Helper] = {}
        self.dropped: set[str] = set()

    def learn(self, qualname: str, parameters: tuple[str, ...], start: int) -> None:
        """The patterns recorded since ``start`` were built in function ``qualname``."""
        patterns = tuple(p for p in self.store[start:] if p.container == qualname)
        if any(_is_template(p, parameters) for p in patterns):
            self.known[qualname] = Helper(parameters, patterns)

    def expand(
        self, call: ast.Call, scopes: list[str], env: Env, container: str, path: str
    ) -> list[UrlPattern]:
        """The patterns of the helper ``call`` calls, with its arguments; [] if none."""
        helper, qualname = self._callee(call, scopes, env)
        if helper is None:
            return []
        if qualname not in self.dropped:
            self.dropped.add(qualname)
            self.store[:] = [p for p in self.store if not any(p is t for t in helper.patterns)]
        return [_expanded(p, helper, call, env, container, path) for p in helper.patterns]

    def _callee(self, call: ast.Call, scopes: list[str], env: Env) -> tuple[Helper | None, str]:
        if not isinstance(call.func, ast.Name):
            return None, ""
        name = call.func.id
        for scope in reversed(scopes):
            found = self.known.get(f"{scope}.{name}")
            if found is not None:
                return found, f"{scope}.{name}"
        qualified = env.table.qualify(call.func) or ""
        return self.known.get(qualified), qualified


def _is_template(pattern: UrlPattern, parameters: tuple[str, ...]) -> bool:
    return OPEN + "arg:" in pattern.route or (pattern.view is not None and pattern.view in parameters)


def _expanded(
    pattern: UrlPattern, helper: Helper, call: ast.Call, env: Env, container: str, path: str
) -> UrlPattern:
    def argument(position: int, name: str) -> ast.expr | None:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        if position < len(call.args) and not isinstance(call.args[position], ast.Starred):
            return call.args[position]
        return None

    def folded(position: int, name: str) -> str | None:
        return fold(argument(position, name), env)

    view = pattern.view
    if view is not None and view in helper.parameters:
        node = argument(helper.parameters.index(view), view)
        view = env.table.qualify(node) if node is not None else view
        if node is not None and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            view = env.table.qualify(node.func.value) if node.func.attr == "as_view" else view
    return dataclasses.replace(
        pattern, module=env.table.module, container=container,
        route=with_arguments(pattern.route, folded), view=view, path=path, line=call.lineno,
    )


def extended_list(call: ast.Call, scope_kind: str) -> str | None:
    """``X`` of ``X.extend([...])`` / ``X.append(path(...))`` at module level."""
    func = call.func
    if (scope_kind == "module" and isinstance(func, ast.Attribute) and func.attr in _LIST_METHODS
            and isinstance(func.value, ast.Name)):
        return func.value.id
    return None


def unrolled(node: ast.ListComp, is_url_call: Callable[[ast.expr], bool]) -> list[ast.expr] | None:
    """``[path(f"{p}{r}", v) for r, v in [("a/", x), ("b/", y)]]`` as one call per item, the
    loop names replaced by the item's parts; None unless it is such a comprehension."""
    if len(node.generators) != 1 or not is_url_call(node.elt):
        return None
    loop = node.generators[0]
    if loop.ifs or loop.is_async or not isinstance(loop.iter, ast.List | ast.Tuple):
        return None
    names = _loop_names(loop.target)
    if names is None:
        return None
    calls = []
    for item in loop.iter.elts:
        parts = [item] if len(names) == 1 else getattr(item, "elts", None)
        if parts is None or len(parts) != len(names):
            return None
        calls.append(_Substitute(dict(zip(names, parts, strict=True))).visit(copy.deepcopy(node.elt)))
    return calls


def _loop_names(target: ast.expr) -> list[str] | None:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
        return [e.id for e in target.elts if isinstance(e, ast.Name)]
    return None


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        value = self.values.get(node.id)
        return node if value is None or not isinstance(node.ctx, ast.Load) else value
