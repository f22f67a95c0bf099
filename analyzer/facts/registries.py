"""Dotted-path registries declared in class bodies, and loops over installed app configs.

A class attribute mapping categories to lists of dotted paths, ``provides = {"front_urls":
["shop.gdpr.urls:urlpatterns"], ...}`` (shuup's app configs; any plugin registry of the same
shape), is recorded per key as a :class:`RegistryEntry` when every item is a static string
(``__name__`` is the module's name, as a class body reads it). Which entries are URL lists, and
where they are mounted, is decided by the project pass (:mod:`analyzer.resolve.provides`).

A module-level loop ``for app in apps.get_app_configs():`` that imports ``app.name + ".urls"``
(``importlib.import_module``, ``import_string``; ``+``, an f-string or ``.format``) and adds that
module's list to a URL list (``L += urlmod.urlpatterns``, ``L.extend(urlmod.X)``) includes, in
``L``, the list of every installed app config's URLconf: recorded as an include of
``apps:<suffix>.<list>``, with ``?A,B`` for the ``hasattr(app, "A")`` tests around it (pretix's
plugins declare ``PretixPluginMeta``); :mod:`analyzer.resolve.app_modules` joins them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from analyzer.facts.django_names import INCLUDE
from analyzer.model.facts import RegistryEntry, UrlPattern

APPS_PREFIX = "apps:"
_APP_REGISTRIES = frozenset({"django.apps.apps", "django.apps.registry.apps"})
_IMPORTERS = frozenset({"importlib.import_module", "django.utils.module_loading.import_string"})
_LIMIT = 300  # characters of one dotted path


def class_registries(node: ast.ClassDef, owner: str, module: str, path: str) -> list[RegistryEntry]:
    """One entry per key of each ``NAME = {"key": [dotted paths]}`` of the class body (matched by
    shape: this runs on every class)."""
    found: list[RegistryEntry] = []
    for statement in node.body:
        match statement:
            case ast.Assign(targets=[ast.Name(id=attribute)], value=ast.Dict(keys=keys, values=values)):
                for key, value in zip(keys, values, strict=True):
                    entry = _entry(key, value, module)
                    if entry is not None:
                        found.append(RegistryEntry(owner, attribute, entry[0], entry[1], path, value.lineno))
    return found


def _entry(key: ast.expr | None, value: ast.expr, module: str) -> tuple[str, tuple[str, ...]] | None:
    if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
        return None
    if not isinstance(value, ast.List | ast.Tuple) or not value.elts:
        return None
    items = [_static(item, module) for item in value.elts]
    if any(item is None or not item or len(item) > _LIMIT or " " in item for item in items):
        return None
    return key.value, tuple(item for item in items if item is not None)


def _static(node: ast.expr, module: str) -> str | None:
    """A string literal, ``__name__`` (the module's name), and their ``+``."""
    match node:
        case ast.Constant(value=str() as text):
            return text
        case ast.Name(id="__name__"):
            return module
        case ast.BinOp(left=left, op=ast.Add(), right=right):
            head, tail = _static(left, module), _static(right, module)
            return head + tail if head is not None and tail is not None else None
    return None


def app_config_loop(node: ast.For, qualify: Callable[[ast.expr], str | None], module: str,
                    path: str, in_function: bool = False) -> list[UrlPattern]:
    """The includes of ``apps:...`` a loop over the installed app configs adds: at module level
    to its module's lists, in a function (an app config's ``ready()``) to the lists of other
    modules it imports."""
    match node:
        case ast.For(target=ast.Name(id=app), iter=ast.Call(func=ast.Attribute(value=registry,
                                                                              attr="get_app_configs"))):
            if qualify(registry) not in _APP_REGISTRIES:
                return []
        case _:
            return []
    found: list[UrlPattern] = []
    loop = _Loop(app, qualify, module, path, {}, found, in_function)
    loop.namespaced = _namespaced(node, app, qualify)
    _walk(node.body, loop, ())
    return found


class _Loop:
    """What the walk of one loop body knows: the item's name, the names bound to its URLconf."""

    def __init__(self, app: str, qualify: Callable[[ast.expr], str | None], module: str, path: str,
                 bound: dict[str, str], found: list[UrlPattern], in_function: bool) -> None:
        self.app, self.qualify, self.module, self.path = app, qualify, module, path
        self.bound = bound  # local name -> the suffix of the app's name it imports (".urls")
        self.found = found
        self.in_function = in_function
        self.through: dict[str, tuple[str, str]] = {}  # local -> (its list's spec, the function it passed)
        self.namespaced: dict[str, str] = {}  # a list of the loop -> the app's attribute naming it

    def list_of(self, target: str) -> tuple[str, str] | None:
        """(module, list) the loop adds to: its module's at module level, else an imported one."""
        if not self.in_function:
            return self.module, target
        qualified = self.qualify(ast.Name(id=target))
        if qualified is None or qualified.startswith(f"{self.module}.") or "." not in qualified:
            return None
        owner, _, name = qualified.rpartition(".")
        return owner, name


def _walk(statements: list[ast.stmt], loop: _Loop, required: tuple[str, ...]) -> None:
    """The statements in order, ``if``s and ``try``s entered (their ``hasattr`` tests kept)."""
    for statement in statements:
        match statement:
            case ast.If(test=test, body=body, orelse=orelse):
                _walk(body, loop, (*required, *_hasattr(test, loop.app)))
                _walk(orelse, loop, required)
            case ast.Try(body=body):
                _walk(body, loop, required)
            case ast.Assign(targets=[ast.Name(id=name)], value=ast.Call(func=func) as call) \
                    if loop.qualify(func) in _IMPORTERS:
                argument = _imported(call)
                suffix = _app_module(argument, loop.app) if argument is not None else None
                if suffix is not None:
                    loop.bound[name] = suffix
            case ast.Assign(targets=[ast.Name(id=name)], value=ast.Call(func=func, args=[first, *_])):
                spec = _spec(loop, first)
                qualified = loop.qualify(func)
                if spec is not None and qualified is not None:  # ``patterns = mark(urlmod.event_patterns)``
                    loop.through[name] = (spec, qualified)
            case ast.AugAssign(target=ast.Name(id=target), op=ast.Add(), value=value) | \
                    ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name(id=target), attr="extend"),
                                            args=[value])):
                _add(loop, target, value, required, statement.lineno)
            case ast.Expr(value=ast.Call(
                    func=ast.Attribute(value=ast.Name(id=target), attr="append"),
                    args=[ast.Call(args=[ast.Constant(value=str() as route),
                                         ast.Call(args=[ast.Name(id=name)]) as view])],
            )) if name in loop.through and loop.qualify(view.func) in INCLUDE:
                _add(loop, target, ast.Name(id=name), required, statement.lineno, route)


def _imported(call: ast.Call) -> ast.expr | None:
    """The dotted path an importer is given (``import_string(dotted_path=...)`` too)."""
    if len(call.args) == 1 and not call.keywords:
        return call.args[0]
    named = [k.value for k in call.keywords if k.arg == "dotted_path"]
    return named[0] if not call.args and len(named) == 1 == len(call.keywords) else None


def _spec(loop: _Loop, value: ast.expr) -> str | None:
    """``<suffix>.<list>`` of the app's list ``value`` reads (``urlmod.L``, an imported list)."""
    match value:
        case ast.Attribute(value=ast.Name(id=name), attr=attribute) if name in loop.bound:
            return f"{loop.bound[name]}.{attribute}"
        case ast.Name(id=name) if name in loop.bound and loop.bound[name].count(".") > 1:
            return loop.bound[name]  # ``import_string(f"{app.name}.urls.api_urls")``: the list
    return None


def _add(loop: _Loop, target: str, value: ast.expr, required: tuple[str, ...], line: int,
         route: str = "") -> None:
    """``target`` includes the app's list: ``apps:<spec>?<tests>#<namespace attribute>@<function>``
    (what comes after ``?``, ``#`` and ``@`` only when there is one)."""
    spec, via = _spec(loop, value), ""
    if spec is None and isinstance(value, ast.Call) and value.args:  # ``L += mark(urlmod.L)``
        spec, via = _spec(loop, value.args[0]), loop.qualify(value.func) or ""
    elif isinstance(value, ast.Name) and value.id in loop.through:
        spec, via = loop.through[value.id]
    container = loop.list_of(target)
    if spec is None or container is None or (via == "" and isinstance(value, ast.Call)):
        return
    conditions = f"?{','.join(sorted(set(required)))}" if required else ""
    namespace = f"#{loop.namespaced[target]}" if target in loop.namespaced else ""
    include = f"{APPS_PREFIX}{spec}{conditions}{namespace}{'@' + via if via else ''}"
    loop.found.append(UrlPattern(container[0], container[1], "include", route, None, "include",
                                 include, None, None, loop.path, line))


def _namespaced(node: ast.For, app: str, qualify: Callable[[ast.expr], str | None]) -> dict[str, str]:
    """The loop's lists included under the app's namespace, ``include((L, app.label))``."""
    found: dict[str, str] = {}
    for inner in ast.walk(node):
        match inner:
            case ast.Call(func=func, args=[ast.Tuple(elts=[ast.Name(id=name), ast.Attribute(
                    value=ast.Name(id=owner), attr="label" | "name" as attribute)])]) \
                    if owner == app and qualify(func) in INCLUDE:
                found[name] = attribute
    return found


def _hasattr(test: ast.expr, app: str) -> list[str]:
    """``A`` of each ``hasattr(app, "A")`` the test requires (alone or in an ``and``), ``A!`` of
    each ``getattr(app, "A", <a false default>)`` (the attribute true on the config)."""
    match test:
        case ast.Call(func=ast.Name(id="hasattr"),
                      args=[ast.Name(id=name), ast.Constant(value=str() as attribute)]) if name == app:
            return [attribute]
        case ast.Call(func=ast.Name(id="getattr"),
                      args=[ast.Name(id=name), ast.Constant(value=str() as attribute),
                            ast.Constant(value=default)]) if name == app and not default:
            return [f"{attribute}!"]
        case ast.BoolOp(op=ast.And(), values=values):
            return [a for v in values for a in _hasattr(v, app)]
    return []


def _app_module(node: ast.expr, app: str) -> str | None:
    """``.urls`` of ``app.name + ".urls"``, ``f"{app.name}.urls"`` or ``"{}.urls".format(app.name)``."""
    def is_name(part: ast.expr) -> bool:
        return isinstance(part, ast.Attribute) and part.attr == "name" and \
            isinstance(part.value, ast.Name) and part.value.id == app

    match node:
        case ast.BinOp(left=left, op=ast.Add(), right=ast.Constant(value=str() as suffix)) if is_name(left):
            return suffix if suffix.startswith(".") else None
        case ast.JoinedStr(values=[ast.FormattedValue(value=value, conversion=-1, format_spec=None),
                                   ast.Constant(value=str() as suffix)]) if is_name(value):
            return suffix if suffix.startswith(".") else None
        case ast.Call(func=ast.Attribute(value=ast.Constant(value=str() as template), attr="format"),
                      args=[value], keywords=[]) if is_name(value) and template.startswith("{}."):
            return template[2:] if "{" not in template[2:] else None
    return None


def returns_first_parameter(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether every ``return`` gives back the first parameter, never rebound (``def mark(urllist,
    plugin): ...; return urllist``): a list passed through it is the list (matched by its last
    statement first: this is asked of every function)."""
    positional = [*node.args.posonlyargs, *node.args.args]
    match node.body[-1:]:
        case [ast.Return(value=ast.Name(id=name))] if positional and positional[0].arg == name and \
                name not in ("self", "cls"):
            pass
        case _:
            return False
    for inner in ast.walk(node):
        returned = inner.value if isinstance(inner, ast.Return) else None
        if isinstance(inner, ast.Return) and not (isinstance(returned, ast.Name) and returned.id == name):
            return False
        if isinstance(inner, ast.Name) and inner.id == name and isinstance(inner.ctx, ast.Store):
            return False
    return True

