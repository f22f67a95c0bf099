"""A helper's ``**kwargs`` read as the keywords of each call that builds URL patterns.

``def goto_patterns(prefix, **views)`` that pops ``post_view = views.pop("post", None)`` and loops
``for name, view in views.items(): urls.append(path(f"{prefix}/{name}/", view.as_view()))`` builds
one pattern per keyword of each call, in the call's order, the popped ones left out (Python keeps
keyword arguments in the order written). In the helper the loop's key is marked
``{?arg:-:views;key(post)}`` (the keys popped before the loop in parentheses), its value
``{?arg:-:views;value(post)}``, and a popped item ``{?arg:-:post}`` (the caller's keyword
``post``); :func:`each_keyword` gives a call's patterns, one per keyword.
"""

from __future__ import annotations

import ast
import dataclasses
import re

from analyzer.facts.route_text import CLOSE, OPEN, apply_method, split_reference
from analyzer.model.facts import UrlPattern

_ITEM = re.compile(r"\{\?arg:-:(\w+);(key|value)\(([\w,]*)\)((?:;[^{}]*)?)\}")  # see the docstring
_KEYWORD = re.compile(r"\{\?arg:-:(\w+)\}")  # the caller's keyword, read off ``**kwargs``
_READS = frozenset({"pop", "get"})


def keyword_read(value: ast.expr, parameters: tuple[str, ...]) -> tuple[str, str] | None:
    """``(key, "pop" | "get" | "item")`` of ``kwargs.pop("key", ...)`` / ``.get`` / ``kwargs["key"]``
    on the function's ``**kwargs``; None for anything else."""
    if isinstance(value, ast.Subscript):
        owner, key, how = value.value, value.slice, "item"
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _READS \
            and value.args and not value.keywords:
        owner, key, how = value.func.value, value.args[0], value.func.attr
    else:
        return None
    if isinstance(owner, ast.Name) and f"**{owner.id}" in parameters and isinstance(key, ast.Constant) \
            and isinstance(key.value, str) and key.value.isidentifier():
        return key.value, how
    return None


def keyword_marker(key: str) -> str:
    """The caller's keyword ``key``, passed through ``**kwargs``."""
    return f"{OPEN}arg:-:{key}{CLOSE}"


def items_loop(node: ast.For, parameters: tuple[str, ...], popped: set[str]) -> dict[str, str] | None:
    """``{key name: marker, value name: marker}`` of ``for k, v in kwargs.items()`` over the
    function's ``**kwargs``; None for any other loop."""
    target, source = node.target, node.iter
    if not (isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute)
            and source.func.attr == "items" and not source.args and isinstance(source.func.value, ast.Name)
            and f"**{source.func.value.id}" in parameters and isinstance(target, ast.Tuple)
            and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts)):
        return None
    kwargs, left = source.func.value.id, ",".join(sorted(popped))
    key, value = (e.id for e in target.elts if isinstance(e, ast.Name))
    return {key: f"{OPEN}arg:-:{kwargs};key({left}){CLOSE}",
            value: f"{OPEN}arg:-:{kwargs};value({left}){CLOSE}"}


def each_keyword(pattern: UrlPattern, call: ast.Call) -> list[UrlPattern]:
    """``pattern`` once per keyword of ``call`` its loop over ``**kwargs`` reads (the key's text
    in place, the value the caller's keyword); none when its view is a keyword the call does not
    pass (``views.pop("post", None)``: no view); ``[pattern]`` when it reads no such loop."""
    given = _KEYWORD.fullmatch(pattern.view or "")
    if given is not None and not any(k.arg in (given[1], None) for k in call.keywords):
        return []
    found = _ITEM.search(pattern.route) or _ITEM.search(pattern.view or "")
    if found is None:
        return [pattern]
    kwargs, left = found[1], set(found[3].split(",")) - {""}
    keys = [k.arg for k in call.keywords if k.arg is not None and k.arg not in left]
    return [dataclasses.replace(pattern, route=_item(pattern.route, kwargs, key),
                                view=_item(pattern.view, kwargs, key) if pattern.view else None,
                                name=_item(pattern.name, kwargs, key) if pattern.name else None)
            for key in keys]


def _item(text: str, kwargs: str, key: str) -> str:
    def substitute(found: re.Match[str]) -> str:
        if found[1] != kwargs:
            return found[0]
        if found[2] == "value":
            return keyword_marker(key)
        value = key
        for method, args in split_reference(f"{key}{found[4]}")[2]:
            value = apply_method(value, method, args)
        return value

    return _ITEM.sub(substitute, text)
