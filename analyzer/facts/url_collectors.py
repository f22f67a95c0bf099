"""URL patterns collected by an object and built into a URL list by one of its methods.

A project may build part of its URLconf with an object of its own: methods that record their
arguments (``self.<list>.append({"path": route, "namespace": name, "parent": parent})``, and
``{"namespace": key, "urlpatterns": patterns}`` for ``*patterns``), and a method that turns each
recorded namespace into ``path(record["path"], include((children, record["namespace"]),
namespace=record["namespace"]))`` -- Django's nested namespaces, with each ``key`` the namespace
path (``"users:bans"``) whose patterns it mounts. Such a class is a :class:`UrlCollector`
(read from its own code: which method mounts, which parameter is the route, the namespace, the
parent, the key). Wherever a function passes URL patterns to a method of a receiver (a
parameter or a module-level name), its calls on that receiver are :class:`CollectorCall` facts
with their static text; the project pass (:mod:`analyzer.resolve.url_collectors`) gives them
to the collector class whose methods they call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from analyzer.facts.django_names import INCLUDE, URL_FUNCTIONS
from analyzer.facts.route_text import Env, fold
from analyzer.model.facts import CollectorCall, CollectorShortcut, UrlArgument, UrlCollector

Qualify = Callable[[ast.expr], str | None]


@dataclass(frozen=True)
class _Record:
    """``self.<attribute>.append({key: parameter, ...})`` in a method."""

    attribute: str
    method: ast.FunctionDef
    fields: dict[str, str]  # key -> the parameter stored there

    @property
    def vararg(self) -> str | None:
        """The method's ``*args`` parameter, if it has one."""
        return self.method.args.vararg.arg if self.method.args.vararg else None


def collector_class(node: ast.ClassDef, qualname: str, qualify: Qualify, path: str) -> UrlCollector | None:
    """The class as a :class:`UrlCollector`, when its methods record namespaces and patterns
    and one of them mounts the namespaces' records; else None (most classes: two statement
    shapes are checked before any walk)."""
    appending = 0  # methods with a statement ``x.y(<dict>)`` of their own, counted with no call made
    for method in node.body:
        if method.__class__ is ast.FunctionDef:
            for statement in method.body:
                value = statement.value if statement.__class__ is ast.Expr else None
                if value.__class__ is ast.Call and value.args and value.args[0].__class__ is ast.Dict:
                    appending += 1
                    break
    if appending < 2:
        return None
    records = [r for s in node.body if isinstance(s, ast.FunctionDef) for r in _records(s)]
    if len(records) < 2:
        return None
    adds = [r for r in records if r.vararg is not None and r.vararg in r.fields.values()
            and len(r.fields) == 2]
    mounted = {r.attribute for r in records if r not in adds}
    keys: dict[tuple[str, str, str], str | None] = {}  # the loops mounting a list agree, or no parent
    builders: set[str] = set()
    for method in (s for s in node.body if isinstance(s, ast.FunctionDef)):
        for attribute, route, namespace, parent in _mounts(method, mounted, qualify):
            known = keys.setdefault((attribute, route, namespace), parent)
            keys[(attribute, route, namespace)] = parent if known == parent else None
            builders.add(method.name)
    mounts = [(r, (*k, parent)) for r in records for k, parent in keys.items()
              if r.attribute == k[0] and {k[1], k[2]} <= set(r.fields)]
    if len(adds) != 1 or len(mounts) != 1:
        return None
    add, (mount, (_, route, namespace, parent)) = adds[0], mounts[0]
    key = next(p for p in add.fields.values() if p != add.vararg)
    shortcuts = [s for m in node.body if isinstance(m, ast.FunctionDef)
                 if (s := _shortcut(m, mount.method.name, add.method.name, qualify)) is not None]
    return UrlCollector(
        qualname, mount.method.name, _positional(mount.method), mount.fields[route],
        mount.fields[namespace], mount.fields.get(parent, "") if parent else "",
        add.method.name, _positional(add.method), key,
        tuple(sorted(s.name for s in node.body if isinstance(s, ast.FunctionDef))), tuple(sorted(builders)),
        path, node.lineno, tuple(shortcuts))


def _shortcut(method: ast.FunctionDef, mount: str, add: str, qualify: Qualify) -> CollectorShortcut | None:
    """``self.mount(a, b, c)`` then ``self.add(":".join((c, b)), path("", view, name="index"))``,
    every argument a parameter of the method: a namespace with one pattern."""
    body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    parameters = _positional(method)
    match body:
        case [ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name(id="self"), attr=first),
                                      args=mounted, keywords=[])),
              ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name(id="self"), attr=second),
                                      args=[key, ast.Call(args=[ast.Constant(value=str() as route),
                                                                ast.Name(id=view)]) as pattern]))] \
                if first == mount and second == add and qualify(pattern.func) in URL_FUNCTIONS:
            names = [a.id for a in mounted if isinstance(a, ast.Name) and a.id in parameters]
            joined = _joined(key, parameters)
            name = next((k.value.value for k in pattern.keywords if k.arg == "name"
                         and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), None)
            if len(names) == len(mounted) and joined is not None and view in parameters:
                return CollectorShortcut(method.name, parameters, tuple(names), joined,
                                         URL_FUNCTIONS[qualify(pattern.func) or ""], route, view, name)
    return None


def _joined(node: ast.expr, parameters: tuple[str, ...]) -> tuple[str, ...] | None:
    """The parameters of ``":".join((a, b))`` (or of one parameter alone)."""
    match node:
        case ast.Name(id=name) if name in parameters:
            return (name,)
        case ast.Call(func=ast.Attribute(value=ast.Constant(value=":"), attr="join"),
                      args=[ast.Tuple(elts=parts) | ast.List(elts=parts)]):
            names = tuple(p.id for p in parts if isinstance(p, ast.Name) and p.id in parameters)
            return names if len(names) == len(parts) else None
    return None


def collector_calls(node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
                    route_env: Callable[[], Env], path: str) -> list[CollectorCall]:
    """The calls on each receiver the function passes URL patterns to: its own statements and
    those of its ``if``s (no walk of the whole body; shapes checked before any call, since this
    runs on every function)."""
    pending: list[list[ast.stmt]] = [node.body]
    statements: list[ast.Call] = []
    nested = False
    for block in pending:  # grows while read: the ifs' bodies
        for statement in block:
            if statement.__class__ is ast.If:
                pending += (statement.body, statement.orelse)
            elif statement.__class__ is ast.Expr:
                call = statement.value
                if call.__class__ is ast.Call and call.func.__class__ is ast.Attribute \
                        and call.func.value.__class__ is ast.Name and call.func.value.id != "self":
                    statements += (call,)
                    for argument in call.args:
                        nested = nested or argument.__class__ is ast.Call
    if not nested:
        return []
    calls: dict[str, list[ast.Call]] = {}
    for call in statements:
        calls.setdefault(call.func.value.id, []).append(call)  # type: ignore[attr-defined]
    env = route_env()
    found = []
    for receiver, group in calls.items():
        lines = [[a.lineno for a in c.args if _is_pattern(a, env)] for c in group]
        if any(lines):
            found += [_call(qualname, receiver, c, env, tuple(ls), path)
                      for c, ls in zip(group, lines, strict=True)]
    return found


def _call(function: str, receiver: str, call: ast.Call, env: Env, patterns: tuple[int, ...],
          path: str) -> CollectorCall:
    assert isinstance(call.func, ast.Attribute)
    arguments = [UrlArgument(i, "", _text(a, env), _view(a, env)) for i, a in enumerate(call.args)
                 if not _is_pattern(a, env) and not isinstance(a, ast.Starred)]
    arguments += [UrlArgument(-1, k.arg, _text(k.value, env), None) for k in call.keywords if k.arg]
    return CollectorCall(function, receiver, call.func.attr, tuple(arguments), patterns, path, call.lineno)


def _view(node: ast.expr, env: Env) -> str | None:
    """The view an argument names: ``V.as_view()`` or a function (for a shortcut's pattern)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
        return env.table.qualify(node.func.value)
    return env.table.qualify(node) if isinstance(node, ast.Name | ast.Attribute) else None


def _text(node: ast.expr, env: Env) -> str | None:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    return fold(node, env)


def _is_pattern(node: ast.expr, env: Env) -> bool:
    return isinstance(node, ast.Call) and env.table.qualify(node.func) in URL_FUNCTIONS


def _records(method: ast.FunctionDef) -> Iterator[_Record]:
    """The method's own ``self.A.append({"k": parameter, ...})`` statements."""
    parameters = {a.arg for a in (*method.args.posonlyargs, *method.args.args, *method.args.kwonlyargs)}
    if method.args.vararg is not None:
        parameters.add(method.args.vararg.arg)
    for statement in method.body:
        match statement:
            case ast.Expr(value=ast.Call(
                    func=ast.Attribute(value=ast.Attribute(value=ast.Name(id="self"), attr=attribute),
                                       attr="append"),
                    args=[ast.Dict(keys=keys, values=values)])):
                fields = {k.value: v.id for k, v in zip(keys, values, strict=True)
                          if isinstance(k, ast.Constant) and isinstance(k.value, str)
                          and isinstance(v, ast.Name) and v.id in parameters}
                if len(fields) >= 2:
                    yield _Record(attribute, method, fields)


def _mounts(method: ast.FunctionDef, attributes: set[str],
            qualify: Qualify) -> Iterator[tuple[str, str, str, str | None]]:
    """(attribute, route key, namespace key, parent key) of each loop ``for r in self.A`` whose
    body mounts ``path(r["route"], include((..., r["ns"]), namespace=r["ns"]))``; the parent key
    is the other key of ``r`` an ``if`` of the loop tests."""
    for loop in ast.walk(method):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)
                and isinstance(loop.iter, ast.Attribute) and isinstance(loop.iter.value, ast.Name)
                and loop.iter.value.id == "self" and loop.iter.attr in attributes):
            continue
        item, attribute = loop.target.id, loop.iter.attr
        includes = _includes(loop, qualify)
        tested = {k for s in ast.walk(loop) if isinstance(s, ast.If) for k in _keys_of(s.test, item)}
        for call in ast.walk(loop):
            if not (isinstance(call, ast.Call) and len(call.args) > 1
                    and qualify(call.func) in URL_FUNCTIONS):
                continue
            route = _key_of(call.args[0], item)
            view = call.args[1]
            include = includes.get(view.id) if isinstance(view, ast.Name) else view
            namespace = _namespace_key(include, item, qualify)
            if route is not None and namespace is not None:
                parents = sorted(tested - {route, namespace})
                yield attribute, route, namespace, (parents[0] if len(parents) == 1 else None)


def _includes(loop: ast.For, qualify: Qualify) -> dict[str, ast.expr]:
    """Local names the loop assigns an ``include(...)`` call."""
    return {s.targets[0].id: s.value for s in ast.walk(loop)
            if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
            and isinstance(s.value, ast.Call) and qualify(s.value.func) in INCLUDE}


def _namespace_key(include: ast.expr | None, item: str, qualify: Qualify) -> str | None:
    if not (isinstance(include, ast.Call) and qualify(include.func) in INCLUDE):
        return None
    keys = {_key_of(k.value, item) for k in include.keywords if k.arg == "namespace"}
    return next(iter(keys)) if len(keys) == 1 else None


def _key_of(node: ast.expr, item: str) -> str | None:
    """``K`` of ``item["K"]``."""
    match node:
        case ast.Subscript(value=ast.Name(id=name), slice=ast.Constant(value=str() as key)) if name == item:
            return key
    return None


def _keys_of(test: ast.expr, item: str) -> set[str]:
    return {k for n in ast.walk(test) if isinstance(n, ast.Subscript) and (k := _key_of(n, item))}


def _positional(method: ast.FunctionDef) -> tuple[str, ...]:
    return tuple(a.arg for a in (*method.args.posonlyargs, *method.args.args))[1:]
