"""Helpers that build URL patterns from their parameters, expanded where they are called.

``def pat(regex, fn): return re_path(regex, admin_view(fn))`` is no route by itself: each
``pat(r"^x/$", view)`` is one. A function of the module whose patterns depend on its parameters
(their route holds ``{?arg:N:NAME}`` markers, or their view is a parameter) is a helper; a call
to it, later in the module, yields its patterns with the call's arguments in place, at the call's
``path:line`` and in the caller's URL list. The helper's own patterns are then dropped.
Every helper is also kept in the module's facts (:class:`UrlHelper`), and a call the module
cannot expand (a function of another module, a class) whose first argument is route text is kept
as a :class:`UrlCall`, for the project pass (:mod:`analyzer.resolve.url_calls`).
A list comprehension over a literal list of route parts is unrolled the same way, and so is a
helper's loop over one of its parameters (``for pattern in patterns: urls.append(path(pattern,
...))``, marked ``{?arg:N:NAME;each()}``) at a call that passes a literal tuple or list there: one
pattern per item, unnamed (one name for every item would be a guess of which Django reverses).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import re
import sys
from collections.abc import Callable

from analyzer.facts.route_text import CLOSE, MARKER, OPEN, Env, fold, is_opaque, is_reference, with_arguments
from analyzer.facts.url_forwarding import item_position
from analyzer.facts.url_keywords import each_keyword
from analyzer.model.facts import UrlArgument, UrlCall, UrlHelper, UrlPattern

LIST_METHODS = frozenset({"append", "extend", "insert"})
EACH = re.compile(r"\{\?arg:(\d+):([^;{}]*);each\(\)\}")  # an item of a parameter looped over
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")  # a view named by its dotted path
# callees that never build a project's URL patterns: the standard library, Django, builtins
_NOT_HELPERS = frozenset({*sys.stdlib_module_names, "django", "builtins"})


class Helpers:
    """The helpers of one module, as the walk meets their definitions; ``known`` is also the
    module's :class:`UrlHelper` facts."""

    def __init__(self, store: list[UrlPattern], known: dict[str, UrlHelper]) -> None:
        self.store = store
        self.known = known
        self.dropped: set[str] = set()
        self._templates: set[int] = set()  # ids of the called helpers' own patterns: no routes

    def learn(self, qualname: str, parameters: tuple[str, ...], start: int) -> None:
        """The patterns recorded since ``start`` were built in function ``qualname``."""
        patterns = tuple(p for p in self.store[start:] if p.container == qualname)
        if any(is_template(p, parameters) for p in patterns):
            self.known[qualname] = UrlHelper(qualname, parameters, patterns)

    def expand(
        self, call: ast.Call, scopes: list[str], env: Env, container: str, path: str
    ) -> list[UrlPattern]:
        """The patterns of the helper ``call`` calls, with its arguments; [] if none."""
        helper, qualname = self._callee(call, scopes, env)
        if helper is None:
            return []
        if qualname not in self.dropped:  # dropped once the walk is done: ``learn`` counts on the store
            self.dropped.add(qualname)
            self._templates.update(id(t) for t in helper.patterns)
        return [_expanded(keyword, helper, each, env, container, path)
                for p in helper.patterns for item, each in _each_item(p, call)
                for keyword in each_keyword(item, each)]

    def drop_templates(self) -> None:
        """Remove the called helpers' own patterns from the store (their calls' patterns stay)."""
        if self._templates:
            self.store[:] = [p for p in self.store if id(p) not in self._templates]

    def _callee(self, call: ast.Call, scopes: list[str], env: Env) -> tuple[UrlHelper | None, str]:
        if not isinstance(call.func, ast.Name):
            return None, ""
        name = call.func.id
        for scope in reversed(scopes):
            found = self.known.get(f"{scope}.{name}")
            if found is not None:
                return found, f"{scope}.{name}"
        qualified = env.table.qualify(call.func) or ""
        return self.known.get(qualified), qualified


def loop_item(node: ast.For, parameters: tuple[str, ...]) -> tuple[str, str] | None:
    """(loop name, its ``{?arg:N:NAME;each()}`` marker) of ``for x in PARAM`` or
    ``for i, x in enumerate(PARAM)`` over a positional parameter; else None."""
    target, source = node.target, node.iter
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id == "enumerate" \
            and len(source.args) == 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2:
        target, source = target.elts[1], source.args[0]
    if not (isinstance(target, ast.Name) and isinstance(source, ast.Name) and source.id in parameters):
        return None
    return target.id, f"{OPEN}arg:{parameters.index(source.id)}:{source.id};each(){CLOSE}"


def _each_item(pattern: UrlPattern, call: ast.Call) -> list[tuple[UrlPattern, ast.Call]]:
    """``pattern`` and ``call`` once per item of the literal sequence the call passes where the
    pattern loops over a parameter; as they are when it does not loop or the call's is unknown."""
    found = EACH.search(pattern.route)
    position = int(found[1]) if found is not None else -1
    given = call.args[position] if found is not None and position < len(call.args) else None
    if found is None or not isinstance(given, ast.Tuple | ast.List) or \
            any(isinstance(item, ast.Starred) for item in given.elts):
        return [(pattern, call)]
    plain = found[0].replace(";each()", "")
    one = dataclasses.replace(pattern, route=pattern.route.replace(found[0], plain), name=None)
    before, after = call.args[:position], call.args[position + 1:]
    return [(one, ast.copy_location(ast.Call(call.func, [*before, item, *after], call.keywords), call))
            for item in given.elts]


def is_template(pattern: UrlPattern, parameters: tuple[str, ...]) -> bool:
    """Whether ``pattern`` is built from the parameters: a ``{?arg:...}`` route or view."""
    return OPEN + "arg:" in pattern.route or OPEN + "arg:" in (pattern.name or "") or \
        template_view(pattern.view, parameters) is not None


def template_view(view: str | None, parameters: tuple[str, ...]) -> tuple[int, str] | None:
    """(position, name) of the parameter a pattern's view is: a parameter's name, or
    ``{?arg:N:NAME}`` (an item of ``*args``); None when the view is no parameter."""
    if view is None:
        return None
    if view in parameters:
        return parameters.index(view), view
    found = MARKER.fullmatch(view)
    if found is None or not found[1].startswith("arg:"):
        return None
    position, _, name = found[1].removeprefix("arg:").partition(":")
    if position == "-":  # a keyword passed through ``**kwargs``
        return -1, name.split(";")[0]
    return (int(position), name.split(";")[0]) if position.isdigit() else None


def url_call(call: ast.Call, target: str, env: Env, container: str, path: str) -> UrlCall | None:
    """``call`` as a :class:`UrlCall` when its first argument is route text and its target may
    be a project's helper (not the standard library's, Django's or a builtin); else None."""
    given = [*call.args, *(k.value for k in call.keywords if k.arg is not None)]
    if not given or not may_be_helper(call, target) or not route_like(given[0], env):
        return None
    first = fold(given[0], env)
    if first is None or is_opaque(first):
        return None
    arguments = [_argument(i, "", node, env) for i, node in enumerate(call.args)
                 if not isinstance(node, ast.Starred)]
    arguments += [_argument(-1, k.arg, k.value, env) for k in call.keywords if k.arg is not None]
    return UrlCall(target, container, tuple(arguments), env.parameters, path, call.lineno)


def may_be_helper(call: ast.Call, target: str) -> bool:
    """The cheap half of :func:`url_call`'s test: arguments, and a target of the project's."""
    return bool(call.args or call.keywords) and "." in target and target.partition(".")[0] not in _NOT_HELPERS


def route_like(node: ast.expr, env: Env) -> bool:
    """Whether ``node`` may fold to route text (checked before folding, which costs more):
    a string literal or expression, a parameter, a string or imported name of the scope, and in
    a method ``self.ATTR`` / ``cls.ATTR`` of an attribute its class's body sets (read on each
    subclass later; not what ``__init__`` or ``setUp`` assign)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in env.parameters or node.id in env.strings or env.table.lookup(node.id) is not None
    if isinstance(node, ast.Attribute):
        owner = node.value
        return node.attr in env.members and isinstance(owner, ast.Name) and owner.id in ("self", "cls")
    if isinstance(node, ast.Subscript):
        return item_position(node, env.parameters) is not None
    return isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call)


def _argument(position: int, keyword: str, node: ast.expr, env: Env) -> UrlArgument:
    text = fold(node, env) if route_like(node, env) else None
    return UrlArgument(position, keyword, None if text is None or is_opaque(text) else text,
                       argument_view(node, env))


def argument_view(node: ast.expr, env: Env) -> str | None:
    """The view an argument names: ``V.as_view()`` -> ``V``, a parameter, a dotted string."""
    if isinstance(node, ast.Name) and node.id in env.parameters:
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
        return env.table.qualify(node.func.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if DOTTED.fullmatch(node.value) else None
    return env.table.qualify(node)


def _expanded(
    pattern: UrlPattern, helper: UrlHelper, call: ast.Call, env: Env, container: str, path: str
) -> UrlPattern:
    def argument(position: int, name: str) -> ast.expr | None:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        if 0 <= position < len(call.args) and not isinstance(call.args[position], ast.Starred):
            return call.args[position]
        return None

    def folded(position: int, name: str) -> str | None:
        return fold(argument(position, name), env)

    view = pattern.view
    parameter = template_view(view, helper.parameters)
    if parameter is not None and view is not None and ";" in view:  # ``view_template % "Edit"``
        given = with_arguments(view, folded)
        view = given if DOTTED.fullmatch(given) or _later(given, env) else None
    elif parameter is not None:
        node = argument(*parameter)
        view = _view_of(node, env) if node is not None else view
    name = with_arguments(pattern.name, folded) if pattern.name is not None else None
    return dataclasses.replace(
        pattern, module=env.table.module, container=container,
        route=with_arguments(pattern.route, folded), view=view, path=path, line=call.lineno,
        name=name if name is None or OPEN not in name or _later(name, env) else None,
    )


def _view_of(node: ast.expr, env: Env) -> str | None:
    """The view an argument gives: ``V.as_view()`` -> ``V``, a name; text naming one later (a
    dotted string, ``view_template % "Edit"`` of a parameter or of ``self``)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
        return env.table.qualify(node.func.value)
    if isinstance(node, ast.Name | ast.Attribute) or not isinstance(node, ast.BinOp | ast.Constant):
        return env.table.qualify(node)
    text = fold(node, env)
    return text if text is not None and (DOTTED.fullmatch(text) or _later(text, env)) else None


def _later(text: str, env: Env) -> bool:
    """Whether ``text`` is one part the project pass or a call may still give: a parameter of
    the enclosing function (``{?arg:N:NAME;mod(a)}``) or a reference (``{?ref:CLASS.ATTR}``)."""
    return is_reference(text) or (bool(env.parameters) and template_view(text, env.parameters) is not None
                                  and MARKER.fullmatch(text) is not None)


def extended_list(call: ast.Call, scope_kind: str) -> str | None:
    """``X`` of ``X.extend([...])`` / ``X.append(path(...))`` at module level."""
    func = call.func
    if (scope_kind == "module" and isinstance(func, ast.Attribute) and func.attr in LIST_METHODS
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
