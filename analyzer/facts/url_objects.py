"""URL patterns of objects a registry holds, each mounted at a prefix of its own attributes.

A registry class may mount every object it holds the way wagtail's ``ViewSetRegistry`` does:
``for item in self.items: path(f"{item.url_prefix}/", include((item.get_urlpatterns(),
item.url_namespace), namespace=item.url_namespace))``. Such a loop is an :class:`ObjectMount`,
with the hooks the class reads its objects from (``get_hooks("H")`` in a loop of its
methods). The objects are :class:`ObjectFact` facts: what a function registered for a hook
returns (``return CLASS("name", url_prefix="x")``, ``return NAME``, a list of them) and a
module-level ``NAME = CLASS(...)``, with their arguments' static text. How a constructor keeps its
arguments is read from the class: ``__init__`` parameters stored under their own name
(``self.name = name``, ``self.__dict__["name"] = name``) and ``**kwargs`` stored key by key,
recorded as the class value ``CLASS.__init__.attributes`` = ``"name,model|**"``; a property that
returns another attribute (``return self.name``, after guards that raise) is ``CLASS.ATTR.alias``
= ``name``. The project pass is :mod:`analyzer.resolve.url_objects`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from analyzer.facts.django_names import INCLUDE, URL_FUNCTIONS
from analyzer.facts.route_text import Env, fold
from analyzer.model.facts import ObjectFact, ObjectMount, UrlArgument

Qualify = Callable[[ast.expr], str | None]
ATTRIBUTES = "__init__.attributes"  # the class value of a constructor's stored parameters
ALIAS = ".alias"
KWARGS = "|**"


def object_mounts(node: ast.ClassDef, qualname: str, qualify: Qualify, path: str) -> list[ObjectMount]:
    """The mounting loops of the class's methods (loops over ``self.ATTR`` among a method's own
    statements: no walk of a method without one)."""
    loops: list[tuple[ast.FunctionDef, ast.For]] = []  # shapes read with no call: it runs on every class
    hooked: list[ast.expr] = []
    for method in node.body:
        if method.__class__ is ast.FunctionDef:
            for statement in method.body:
                if statement.__class__ is not ast.For or statement.target.__class__ is not ast.Name:
                    continue
                if statement.iter.__class__ is ast.Call:
                    hooked += (statement.iter,)
                elif statement.iter.__class__ is ast.Attribute \
                        and statement.iter.value.__class__ is ast.Name and statement.iter.value.id == "self":
                    loops += ((method, statement),)
    if not loops:
        return []
    hooks = tuple(sorted({h for call in hooked if (h := _hook(call)) is not None}))
    found = []
    for method, loop in loops:
        item = loop.target.id if isinstance(loop.target, ast.Name) else ""
        found += [ObjectMount(f"{qualname}.{method.name}", item, m, n, hooks, path, line)
                  for m, n, line in _mounted(loop, item, qualify)]
    return found


def returned_objects(node: ast.FunctionDef | ast.AsyncFunctionDef, hook: str, env: Env,
                     path: str) -> list[ObjectFact]:
    """What a function registered for ``hook`` returns, among its own statements."""
    found: list[ObjectFact] = []
    for statement in node.body:
        if isinstance(statement, ast.Return) and statement.value is not None:
            value = statement.value
            values = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            found += [o for v in values if (o := _object(f"hook:{hook}", v, env, path)) is not None]
    return found


def returned_methods(node: ast.FunctionDef | ast.AsyncFunctionDef, qualify: Qualify) -> list[str]:
    """``X.M`` of each ``return X.M()`` among the function's own statements (a registry's
    ``get_urlpatterns()`` that a hook's function returns)."""
    found = []
    for statement in node.body:
        match statement:
            case ast.Return(value=ast.Call(func=ast.Attribute() as method, args=[], keywords=[])):
                target = qualify(method)
                if target is not None:
                    found.append(target)
    return found


def module_object(name: str, value: ast.Call, route_env: Callable[[], Env], path: str) -> ObjectFact | None:
    """``NAME = CLASS(...)`` at module level (a capitalised class name)."""
    func = value.func
    last = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if not "A" <= last[:1] <= "Z":
        return None
    env = route_env()
    found = _object(f"{env.table.module}.{name}", value, env, path)
    return found if found is not None and found.klass else None


def init_attributes(method: ast.FunctionDef, prefix: str) -> dict[str, str]:
    """``PREFIX.__init__.attributes`` for an ``__init__`` that stores parameters under their
    own names (and ``**kwargs`` key by key), among its statements and those of its ifs and loops."""
    parameters = [a.arg for a in (*method.args.posonlyargs, *method.args.args)][1:]
    kwargs = method.args.kwarg.arg if method.args.kwarg else None
    statements, stored, spread = list(method.body), set(), False
    while statements:
        statement = statements.pop()
        if isinstance(statement, ast.If | ast.For):
            statements += statement.body
        target, value = _stored(statement)
        if target is not None and target == value:
            stored.add(target)
        if kwargs and isinstance(statement, ast.For) and _items_of(statement.iter, kwargs):
            spread = spread or any(_stored(s)[0] == "" for s in statement.body)
    if not stored and not spread:
        return {}
    text = ",".join(p if p in stored else "" for p in parameters) + (KWARGS if spread else "")
    return {f"{prefix}.{ATTRIBUTES}": text}


def property_alias(method: ast.FunctionDef, prefix: str) -> dict[str, str]:
    """``PREFIX.NAME.alias`` = ``OTHER`` for a property returning ``self.OTHER`` after guards."""
    *guards, last = method.body or [ast.Pass()]
    if not all((isinstance(g, ast.If) and all(isinstance(b, ast.Raise) for b in g.body))
               or (isinstance(g, ast.Expr) and isinstance(g.value, ast.Constant)) for g in guards):
        return {}
    match last:
        case ast.Return(value=ast.Attribute(value=ast.Name(id="self"), attr=other)):
            return {f"{prefix}.{method.name}{ALIAS}": other}
    return {}


def argument_text(node: ast.expr, env: Env) -> str | None:
    """An argument's route text: a string literal, else what folds (None: not string-like)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    return fold(node, env)


def _object(holder: str, node: ast.expr, env: Env, path: str) -> ObjectFact | None:
    if isinstance(node, ast.Name | ast.Attribute):
        alias = env.table.qualify(node)
        return ObjectFact(holder, "", alias, (), path, node.lineno) if alias else None
    if not isinstance(node, ast.Call):
        return None
    klass = env.table.qualify(node.func)
    if klass is None or not klass.rpartition(".")[2][:1].isupper():
        return None
    arguments = [UrlArgument(i, "", argument_text(a, env), None) for i, a in enumerate(node.args)
                 if not isinstance(a, ast.Starred)]
    arguments += [UrlArgument(-1, k.arg, argument_text(k.value, env), None) for k in node.keywords if k.arg]
    return ObjectFact(holder, klass, "", tuple(arguments), path, node.lineno)


def _mounted(loop: ast.For, item: str, qualify: Qualify) -> Iterator[tuple[str, str, int]]:
    """(method, namespace attribute, line) of each ``path(..., include((item.M(), item.N), ...))``
    the loop's statements (and its ifs') assign or append."""
    assigned, candidates = _loop_calls(loop)
    for node in candidates:
        if node.__class__ is not ast.Call or not node.args[1:] or qualify(node.func) not in URL_FUNCTIONS:
            continue
        include = node.args[1]
        if not (isinstance(include, ast.Call) and qualify(include.func) in INCLUDE and include.args):
            continue
        target, namespace = include.args[0], ""
        if isinstance(target, ast.Tuple) and len(target.elts) == 2:
            namespace = _item_attribute(target.elts[1], item) or ""
            target = target.elts[0]
        if isinstance(target, ast.Name):
            target = assigned.get(target.id, target)
        match target:
            case ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=method), args=[]) if name == item:
                yield method, namespace, node.lineno


def _loop_calls(loop: ast.For) -> tuple[dict[str, ast.expr], list[ast.expr]]:
    """The calls the loop's statements (and its ifs') assign, by name, and the calls they assign
    or append (``urls.append(path(...))``), read with no call made."""
    blocks: list[list[ast.stmt]] = [loop.body]
    assigned: dict[str, ast.expr] = {}
    candidates: list[ast.expr] = []
    for block in blocks:  # grows while read: the ifs' bodies
        for statement in block:
            if statement.__class__ is ast.If:
                blocks += (statement.body, statement.orelse)
            elif statement.__class__ is ast.Assign and statement.value.__class__ is ast.Call:
                if statement.targets[0].__class__ is ast.Name:
                    assigned[statement.targets[0].id] = statement.value
                candidates += (statement.value,)
            elif statement.__class__ is ast.Expr and statement.value.__class__ is ast.Call \
                    and statement.value.args:
                candidates += (statement.value.args[0],)
    return assigned, candidates


def _item_attribute(node: ast.expr, item: str) -> str | None:
    match node:
        case ast.Attribute(value=ast.Name(id=name), attr=attribute) if name == item:
            return attribute
    return None


def _hook(node: ast.expr) -> str | None:
    match node:
        case ast.Call(func=ast.Attribute(attr="get_hooks"), args=[ast.Constant(value=str() as hook)]):
            return hook
    return None


def _stored(statement: ast.stmt) -> tuple[str | None, str | None]:
    """(attribute, value name) of ``self.A = v`` / ``self.__dict__["A"] = v`` / ``setattr(self, k, v)``;
    the attribute is "" when it is a variable (``self.__dict__[key] = value``)."""
    match statement:
        case ast.Assign(targets=[ast.Attribute(value=ast.Name(id="self"), attr=attribute)],
                        value=ast.Name(id=value)):
            return attribute, value
        case ast.Assign(targets=[ast.Subscript(value=ast.Attribute(value=ast.Name(id="self"),
                                                                   attr="__dict__"), slice=key)],
                        value=ast.Name(id=value)):
            named = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
            return named, value
        case ast.Expr(value=ast.Call(func=ast.Name(id="setattr"), args=[ast.Name(id="self"), ast.Name(), _])):
            return "", None
    return None, None


def _items_of(node: ast.expr, name: str) -> bool:
    match node:
        case ast.Call(func=ast.Attribute(value=ast.Name(id=owner), attr="items"), args=[]) if owner == name:
            return True
    return False
