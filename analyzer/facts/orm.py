"""ORM use: ``Model.manager.method(...)...`` chains and ``instance.save()``, reads vs writes.

The model is the qualified name the chain's root resolves to; the project pass keeps the uses
whose root is a model and turns the ``__`` lookups into the related models they traverse.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from analyzer.facts.django_names import AGGREGATES, F_AND_Q
from analyzer.facts.names import NameTable

WRITE_METHODS = frozenset(
    {"create", "get_or_create", "update_or_create", "update", "delete", "bulk_create", "bulk_update"}
)
READ_METHODS = frozenset(
    {
        "all", "filter", "exclude", "get", "first", "last", "count", "exists", "values",
        "values_list", "order_by", "select_related", "prefetch_related", "annotate", "aggregate",
        "only", "defer", "distinct", "in_bulk", "iterator", "latest", "earliest",
        "select_for_update", "raw", "none", "using", "reverse", "dates", "datetimes", "extra",
        "alias", "aiterator", "aget", "acount", "afirst", "alast", "aexists",
    }
)
QUERY_METHODS = READ_METHODS | WRITE_METHODS  # a chain with one of them is a query
INSTANCE_WRITES = frozenset({"save", "delete", "asave", "adelete"})
_KWARG_LOOKUPS = frozenset(
    {"filter", "exclude", "get", "get_or_create", "update_or_create", "create", "update"}
)
_PATH_ARGS = frozenset(
    {"values", "values_list", "order_by", "select_related", "prefetch_related", "only", "defer"}
)
_SKIP_KWARGS = frozenset({"defaults", "create_defaults"})


def chain_calls(call: ast.Call) -> tuple[list[tuple[str, ast.Call]], ast.expr]:
    """The method calls of a chain (outermost first) and the expression they hang off."""
    calls: list[tuple[str, ast.Call]] = []
    node: ast.expr = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append((node.func.attr, node))
        node = node.func.value
    return calls, node


def queryset_chain(call: ast.Call, table: NameTable) -> tuple[str, str, list[tuple[str, ast.Call]]] | None:
    """(model qualname, manager, calls) when ``call`` is ``Model.manager.m1(...).m2(...)``."""
    calls, base = chain_calls(call)
    if not calls or not isinstance(base, ast.Attribute):
        return None
    if QUERY_METHODS.isdisjoint([name for name, _ in calls]):
        return None
    resolved = table.resolve(base.value)
    if resolved is None or not resolved[1]:
        return None
    return resolved[0], base.attr, calls


def access_of(methods: list[str] | tuple[str, ...]) -> str:
    """``write`` when any method of the chain writes, else ``read``."""
    return "write" if any(m in WRITE_METHODS or m in INSTANCE_WRITES for m in methods) else "read"


def lookups_of(calls: list[tuple[str, ast.Call]], table: NameTable) -> tuple[str, ...]:
    """The ``__`` paths a chain names: kwargs, select/prefetch/values paths, F/Q/aggregates."""
    found: set[str] = set()
    for name, call in calls:
        if name in _KWARG_LOOKUPS:
            found.update(kw.arg for kw in call.keywords if kw.arg and kw.arg not in _SKIP_KWARGS)
        if name in _PATH_ARGS:
            found.update(_strings(call.args))
        found.update(_expression_paths(call, table))
    return tuple(sorted(path.lstrip("-") for path in found if path and path != "?"))


def _expression_paths(call: ast.Call, table: NameTable) -> Iterator[str]:
    for argument in [*call.args, *(kw.value for kw in call.keywords)]:
        for node in ast.walk(argument):
            if isinstance(node, ast.Call) and table.qualify(node.func) in F_AND_Q | AGGREGATES:
                yield from _strings(node.args)
                yield from (kw.arg for kw in node.keywords if kw.arg)


def _strings(nodes: list[ast.expr]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def instance_model(
    receiver: ast.expr, local_types: dict[str, str], class_qualname: str | None, table: NameTable
) -> str | None:
    """The model of ``receiver`` in ``receiver.save()``, when this function makes it knowable."""
    if isinstance(receiver, ast.Name):
        if receiver.id == "self" and class_qualname:
            return class_qualname
        return local_types.get(receiver.id)
    if isinstance(receiver, ast.Call):
        if isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
            return class_qualname
        resolved = table.resolve(receiver.func)
        if resolved is not None and resolved[1] and _looks_like_class(resolved[0]):
            return resolved[0]
    return None


def type_of_value(value: ast.expr, table: NameTable) -> str | None:
    """The model a local variable holds after ``x = Model(...)`` or ``x = Model.objects.get()``."""
    if not isinstance(value, ast.Call):
        return None
    chain = queryset_chain(value, table)
    if chain is not None:
        model, _, calls = chain
        returns_instance = {"get", "create", "first", "last", "latest", "earliest", "aget"}
        return model if calls[0][0] in returns_instance else None
    resolved = table.resolve(value.func)
    if resolved is not None and resolved[1] and _looks_like_class(resolved[0]):
        return resolved[0]
    return None


def _looks_like_class(qualname: str) -> bool:
    last = qualname.rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper()
