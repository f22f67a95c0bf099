"""Patterns an app config's method adds to another module's URL list, one per way through it.

An app config may build the root URLconf itself, from ``ready()``:

```python
def configure_urls(self):
    from project.urls import urlpatterns
    if self.app_url:
        top = f"{self.app_url}/"
    elif self.app_url is not None:
        top = ""
    else:
        top = f"{self.name}/"
    app_patterns = import_string(f"{self.name}.urls.urlpatterns")
    urlpatterns += (re_path(f"^{top}", include((app_patterns, self.name))),)
```

Which pattern an installed config adds depends on its class's attribute values, so the method is
walked once per way through its ``if``s: each way keeps the route text of its locals (``self.X``
as ``{?ref:CLASS.X}``), the dotted path each ``import_string`` / ``import_module`` reads, the
locals bound to ``None``, and the tests it took on ``self.X`` or on another module's value
(truthy, falsy, ``is None``, ``is not None``) as guards. A ``try`` is walked through its body
then its ``else`` (a missing URLconf raises ``ImportError``: the project pass checks that the
list exists). A test on anything else is an ``unknown:`` guard that never holds, so a way taken
on a value no pass knows adds no route. :mod:`analyzer.resolve.config_mounts` gives each
installed config the ways its values take.
"""

from __future__ import annotations

import ast
import dataclasses
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.facts import literals
from analyzer.facts.django_names import INCLUDE, URL_FUNCTIONS
from analyzer.facts.names import import_bindings
from analyzer.facts.route_text import MARKER, Env, fold, is_static
from analyzer.model.facts import ConfigMount

_IMPORTERS = frozenset({"importlib.import_module", "django.utils.module_loading.import_string"})
_WAYS = 32  # ways through one method: more is code this reading is not for
_LIST_ENDS = ("patterns", "urls")


@dataclass
class _Way:
    """One way through the method so far: what its locals hold and the tests it took."""

    guards: tuple[str, ...] = ()
    strings: dict[str, str] = field(default_factory=dict)
    nones: frozenset[str] = frozenset()
    imported: dict[str, str] = field(default_factory=dict)

    def split(self, guard: str) -> _Way:
        """A copy that also took ``guard``."""
        return _Way((*self.guards, guard), dict(self.strings), self.nones, dict(self.imported))


@dataclass
class _Method:
    """What the walk of one method knows besides its ways."""

    klass: str
    method: str
    entry: bool
    env: Env
    qualify: Callable[[ast.expr], str | None]
    module: str
    is_package: bool
    path: str
    aliases: dict[str, str] = field(default_factory=dict)  # local -> qualified, its own imports
    found: list[ConfigMount] = field(default_factory=list)


def extends_foreign_list(target: ast.expr, qualify: Callable[[ast.expr], str | None], module: str) -> bool:
    """Whether ``target += ...`` adds to an imported URL list of another module (cheap: this is
    asked of every ``+=`` in a method)."""
    if not isinstance(target, ast.Name):
        return False
    qualified = qualify(target)
    return qualified is not None and not qualified.startswith(f"{module}.") and qualified.endswith(_LIST_ENDS)


def config_mounts(node: ast.FunctionDef | ast.AsyncFunctionDef, env: Env,
                  qualify: Callable[[ast.expr], str | None], is_package: bool,
                  path: str) -> list[ConfigMount]:
    """The patterns the method (of the class ``env.klass``) adds to other modules' URL lists, one
    per way through it; ``entry`` is set by :func:`ready_entries` once the class is read."""
    klass = env.klass or ""
    method = _Method(klass, f"{klass}.{node.name}", node.name == "ready", env, qualify, env.table.module,
                     is_package, path)
    _walk(node.body, [_Way()], method)
    return method.found


def ready_entries(node: ast.ClassDef, qualname: str, found: list[ConfigMount], start: int) -> list[str]:
    """Marks the class's mounts (``found[start:]``) its ``ready()`` runs; ``[qualname]`` when
    that ``ready()`` calls ``super().ready()``."""
    called, calls_super = literals.ready_calls(node)
    for index in range(start, len(found)):
        name = found[index].method.rpartition(".")[2]
        found[index] = dataclasses.replace(found[index], entry=name == "ready" or name in called)
    return [qualname] if calls_super else []


def _walk(body: list[ast.stmt], ways: list[_Way], method: _Method) -> list[_Way]:
    for statement in body:
        if not ways or len(ways) > _WAYS:
            return []
        ways = _step(statement, ways, method)
    return ways


def _step(statement: ast.stmt, ways: list[_Way], method: _Method) -> list[_Way]:
    match statement:
        case ast.ImportFrom():
            for local, target, _ in import_bindings(statement, method.module, method.is_package):
                method.aliases[local] = target
        case ast.Assign(targets=[ast.Name(id=name)], value=value):
            for way in ways:
                _assign(way, name, value, method)
        case ast.If(test=test, body=body, orelse=orelse):
            taken = [_taken(way, test, method) for way in ways]
            return _walk(body, [w for w, _ in taken if w is not None], method) + \
                _walk(orelse, [w for _, w in taken if w is not None], method)
        case ast.Try(body=body, orelse=orelse, finalbody=finalbody):
            return _walk(finalbody, _walk(orelse, _walk(body, ways, method), method), method)
        case ast.With(body=body):
            return _walk(body, ways, method)
        case ast.Return() | ast.Raise():
            return []
        case ast.AugAssign(target=ast.Name() as target, op=ast.Add(), value=value):
            _added(target, value, ways, method, statement.lineno)
        case ast.Expr(value=ast.Call(func=ast.Attribute(value=ast.Name() as target, attr="extend"),
                                     args=[value])):
            _added(target, value, ways, method, statement.lineno)
    return ways


def _env(way: _Way, method: _Method) -> Env:
    strings = ChainMap(way.strings, dict(method.env.strings))
    return Env(strings, method.env.table, (), way.strings, method.klass)


def _assign(way: _Way, name: str, value: ast.expr, method: _Method) -> None:
    imported = text = None
    match value:
        case ast.Call(func=func, args=args, keywords=keywords) if method.qualify(func) in _IMPORTERS:
            argument = args[0] if args else next((k.value for k in keywords if k.arg == "dotted_path"), None)
            imported = fold(argument, _env(way, method))
        case ast.Constant(value=None):
            pass
        case ast.Constant() | ast.JoinedStr() | ast.BinOp() | ast.Call() | ast.Name() | ast.Attribute():
            text = fold(value, _env(way, method))
    way.strings.pop(name, None)
    way.imported.pop(name, None)
    is_none = isinstance(value, ast.Constant) and value.value is None
    way.nones = way.nones | {name} if is_none else way.nones - {name}
    if imported is not None:
        way.imported[name] = imported
    if text is not None:
        way.strings[name] = text


def _taken(way: _Way, test: ast.expr, method: _Method) -> tuple[_Way | None, _Way | None]:
    """The way through the ``if``'s body and the way through its ``else`` (None: not taken)."""
    decided = _truth(way, test, method)
    if isinstance(decided, bool):
        return (way, None) if decided else (None, way)
    return way.split(decided[0]), way.split(decided[1])


def _truth(way: _Way, test: ast.expr, method: _Method) -> bool | tuple[str, str]:
    """True or False when the way decides the test, else the guards of its two outcomes (an
    ``unknown:`` pair when no pass can decide it)."""
    match test:
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            inner = _truth(way, operand, method)
            return (not inner) if isinstance(inner, bool) else (inner[1], inner[0])
        case ast.Compare(left=left, ops=[ast.Is() | ast.IsNot() as op],
                         comparators=[ast.Constant(value=None)]):
            is_not = isinstance(op, ast.IsNot)
            match _value(way, left, method):
                case None | ("static", _) as value:
                    return (value is not None) == is_not
                case ("ref", reference):
                    some, none = f"some:{reference}", f"none:{reference}"
                    return (some, none) if is_not else (none, some)
        case ast.Name() | ast.Attribute():
            match _value(way, test, method):
                case None:
                    return False
                case ("static", text):
                    return bool(text)
                case ("ref", reference):
                    return f"truthy:{reference}", f"falsy:{reference}"
    unknown = f"unknown:{ast.unparse(test)[:60]}"
    return unknown, unknown


def _value(way: _Way, node: ast.expr, method: _Method) -> tuple[str, str] | None:
    """A local's or ``self.X``'s value: ``("static", text)``, ``("ref", REF)`` for one reference
    another pass may know, ``("unknown", "")``; None for ``None``."""
    if isinstance(node, ast.Name) and node.id in way.nones:
        return None
    text = fold(node, _env(way, method)) if isinstance(node, ast.Name | ast.Attribute) else None
    if text is not None and is_static(text):
        return "static", text
    found = MARKER.fullmatch(text or "")
    if found is not None and found[1].startswith("ref:"):
        return "ref", found[1][4:]
    return "unknown", ""


def _added(target: ast.Name, value: ast.expr, ways: list[_Way], method: _Method, line: int) -> None:
    qualified = method.aliases.get(target.id) or method.qualify(target)
    if qualified is None or qualified.startswith(f"{method.module}.") or not qualified.endswith(_LIST_ENDS):
        return
    calls = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
    for call in calls:
        if not isinstance(call, ast.Call) or URL_FUNCTIONS.get(method.qualify(call.func) or "") is None:
            continue
        for way in ways:
            mount = _mount(call, qualified, way, method)
            if mount is not None:
                method.found.append(mount)


def _mount(call: ast.Call, target: str, way: _Way, method: _Method) -> ConfigMount | None:
    """The pattern ``re_path(route, include((patterns, namespace)))`` adds on this way."""
    env = _env(way, method)
    route = fold(call.args[0] if call.args else _keyword(call, "route"), env)
    view = call.args[1] if len(call.args) > 1 else _keyword(call, "view")
    if route is None or not isinstance(view, ast.Call) or method.qualify(view.func) not in INCLUDE:
        return None
    included = view.args[0] if view.args else None
    namespace = None
    if isinstance(included, ast.Tuple) and len(included.elts) == 2:
        namespace = fold(included.elts[1], env)
        included = included.elts[0]
    if not isinstance(included, ast.Name) or included.id not in way.imported:
        return None
    return ConfigMount(method.klass, method.method, method.entry, target,
                       URL_FUNCTIONS[method.qualify(call.func) or ""], route, way.imported[included.id],
                       namespace, way.guards, method.path, call.lineno)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)
