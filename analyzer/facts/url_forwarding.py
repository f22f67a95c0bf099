"""Helpers that forward their ``*args`` to ``path``/``re_path``/``url``, read as templates.

``def service_url(*args, **kwargs)`` that strips a leading ``^`` from ``args[0]``, puts a prefix in
front and calls ``re_path(*new_args, **kwargs)`` builds the pattern ``prefix + args[0]`` with the
view ``args[1]``. The variadic parameter is the last of the function's parameters, spelt
``*args``; its items are the parameters ``args[0]``, ``args[1]``... after the named ones. A copy
``new_args = list(args)`` whose items are replaced (``new_args[0] = pattern``) is followed, and
``if x[0] == "^": x = x[1:]`` (or ``x.startswith("^")``) is ``x = x.removeprefix("^")``.
"""

from __future__ import annotations

import ast

ArgLists = dict[str, dict[int, ast.expr]]  # local copies of ``*args``: name -> replaced items
KEYWORD_NAME = "{?arg:-:name}"  # the caller's ``name=`` keyword, passed through ``**kwargs``


def variadic(arguments: ast.arguments) -> tuple[str, ...]:
    """``("*args", "**kwargs")`` of a function, those it has: appended to its parameters."""
    if arguments.vararg is None and arguments.kwarg is None:
        return ()
    return tuple(f"{stars}{a.arg}" for stars, a in (("*", arguments.vararg), ("**", arguments.kwarg))
                 if a is not None)


def item_position(node: ast.Subscript, parameters: tuple[str, ...]) -> int | None:
    """The parameter position of ``args[i]`` for the variadic ``args``; None for anything else."""
    index = node.slice
    if not (isinstance(node.value, ast.Name) and f"*{node.value.id}" in parameters
            and isinstance(index, ast.Constant) and type(index.value) is int and index.value >= 0):
        return None
    return parameters.index(f"*{node.value.id}") + index.value


def is_copy(value: ast.expr, parameters: tuple[str, ...]) -> bool:
    """``list(args)`` / ``[*args]`` / ``args[:]`` of the variadic parameter."""
    def variadic_name(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and f"*{node.id}" in parameters

    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in ("list", "tuple") and len(value.args) == 1 and variadic_name(value.args[0])
    if isinstance(value, ast.List) and len(value.elts) == 1 and isinstance(value.elts[0], ast.Starred):
        return variadic_name(value.elts[0].value)
    sliced = isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice)
    return sliced and isinstance(value, ast.Subscript) and variadic_name(value.value)


def replaced_item(target: ast.expr, lists: ArgLists) -> tuple[str, int] | None:
    """``new_args[0]`` of a tracked copy, as (name, index)."""
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
            target.value.id in lists and isinstance(target.slice, ast.Constant) and \
            type(target.slice.value) is int:
        return target.value.id, target.slice.value
    return None


def forwarded(call: ast.Call, parameters: tuple[str, ...], lists: ArgLists) -> ast.Call:
    """``re_path(*new_args, **kwargs)`` as ``re_path(<new_args[0]>, args[1])``; others unchanged."""
    if not call.args or not isinstance(call.args[0], ast.Starred):
        return call
    source = call.args[0].value
    if not isinstance(source, ast.Name):
        return call
    name: str | None = None
    replaced: dict[int, ast.expr] = {}
    if f"*{source.id}" in parameters:
        name = source.id
    elif source.id in lists:
        name, replaced = _variadic_name(parameters), lists[source.id]
    if name is None:
        return call
    items = [replaced.get(i) or ast.Subscript(ast.Name(name, ast.Load()), ast.Constant(i), ast.Load())
             for i in range(2)]
    synthetic = ast.Call(call.func, [*items, *call.args[1:]], _keywords(call.keywords, parameters))
    return ast.copy_location(synthetic, call)


def _keywords(keywords: list[ast.keyword], parameters: tuple[str, ...]) -> list[ast.keyword]:
    """``**kwargs`` of the function passed on: its ``name`` is the caller's ``name=``, later."""
    forwarded = any(k.arg is None and isinstance(k.value, ast.Name) and f"**{k.value.id}" in parameters
                    for k in keywords)
    if not forwarded or any(k.arg == "name" for k in keywords):
        return keywords
    return [*keywords, ast.keyword("name", ast.Constant(KEYWORD_NAME))]


def _variadic_name(parameters: tuple[str, ...]) -> str | None:
    return next((p[1:] for p in parameters if p.startswith("*") and not p.startswith("**")), None)


def guarded_strip(node: ast.If) -> ast.Assign | None:
    """``if x[0] == "^": x = x[1:]`` / ``if x.startswith("^"): x = x[1:]`` as
    ``x = x.removeprefix("^")``; None for any other ``if``."""
    if node.orelse or len(node.body) != 1 or not isinstance(node.body[0], ast.Assign):
        return None
    assign = node.body[0]
    guarded = _guard(node.test)
    if guarded is None or len(assign.targets) != 1:
        return None
    name, prefix = guarded
    target, value = assign.targets[0], assign.value
    sliced = (isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Subscript)
              and isinstance(value.value, ast.Name) and value.value.id == name
              and isinstance(value.slice, ast.Slice) and value.slice.upper is None
              and value.slice.step is None and isinstance(value.slice.lower, ast.Constant)
              and value.slice.lower.value == len(prefix))
    if not sliced:
        return None
    method = ast.Attribute(ast.Name(name, ast.Load()), "removeprefix", ast.Load())
    stripped = ast.Call(method, [ast.Constant(prefix)], [])
    return ast.fix_missing_locations(ast.copy_location(ast.Assign([target], stripped), assign))


def _guard(test: ast.expr) -> tuple[str, str] | None:
    """(name, prefix) of ``name[0] == "c"`` or ``name.startswith("prefix")``."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        left, right = test.left, test.comparators[0]
        if isinstance(left, ast.Subscript) and isinstance(left.value, ast.Name) and \
                isinstance(left.slice, ast.Constant) and left.slice.value == 0 and \
                isinstance(right, ast.Constant) and isinstance(right.value, str) and len(right.value) == 1:
            return left.value.id, right.value
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and \
            test.func.attr == "startswith" and isinstance(test.func.value, ast.Name) and \
            len(test.args) == 1 and isinstance(test.args[0], ast.Constant) and \
            isinstance(test.args[0].value, str) and test.args[0].value:
        return test.func.value.id, test.args[0].value
    return None
