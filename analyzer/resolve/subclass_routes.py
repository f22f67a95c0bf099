"""Project pass for a registry's method its subclasses inherit: its patterns once per class.

A member ``K.M`` of a registry's family (:mod:`analyzer.resolve.url_families`) may build its
patterns from the class's attributes (``r"%s/new/$" % self.url_prefix``, folded as
``{?ref:K.url_prefix}``). The registry holds instances of the classes that run ``K.M``: ``K``
and each subclass of the project (outside its tests) whose ``M`` is still ``K``'s, each reading
the attributes on its own class (Python's C3 order, :meth:`ClassValues.attribute`). So the
patterns are given once per such class, with that class's values; a class on which an attribute
the patterns read is ``None`` (``url_prefix = None`` on the base its subclasses fill in) is no
object the registry serves, and gives none. A value that is not static text stays a reference,
read on that class when the route is emitted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from analyzer.facts.route_text import MARKER, OPEN, apply_method, is_static, marker, split_reference
from analyzer.model.facts import UrlPattern
from analyzer.resolve.class_values import ClassValues


def per_class(member: str, patterns: list[UrlPattern], classes: ClassValues,
              defined: Collection[str]) -> list[tuple[str, list[UrlPattern]]]:
    """``(K.M or SUBCLASS.M, its patterns)`` for each class that runs ``member`` (``K.M``) and
    serves patterns; ``[(member, patterns)]`` when they read no attribute of ``K``."""
    klass, _, method = member.rpartition(".")
    if not any(_reads(p, klass) for p in patterns):
        return [(member, patterns)]
    given = []
    for runner in [klass, *_inheritors(klass, method, classes, defined)]:
        copies = [_read_on(p, klass, runner, classes) for p in patterns]
        if all(c is not None for c in copies):
            given.append((f"{runner}.{method}", [c for c in copies if c is not None]))
    return given or [(member, patterns)]


def _reads(pattern: UrlPattern, klass: str) -> bool:
    prefix = f"{OPEN}ref:{klass}."
    return any(prefix in text for text in (pattern.route, pattern.view or "", pattern.name or ""))


def _inheritors(klass: str, method: str, classes: ClassValues, defined: Collection[str]) -> list[str]:
    """The project's classes outside its tests, but ``klass``, whose ``method`` is ``klass``'s."""
    return [other for other in classes.descendants(klass)
            if next((c for c in classes.linearization(other) if f"{c}.{method}" in defined), None) == klass]


def _read_on(pattern: UrlPattern, klass: str, runner: str, classes: ClassValues) -> UrlPattern | None:
    """``pattern`` with ``klass``'s attributes read on ``runner``; None when one of them is None."""
    texts = [_text_on(text, klass, runner, classes) if text is not None else ""
             for text in (pattern.route, pattern.view, pattern.name)]
    if any(text is None for text in texts):
        return None
    route, view, name = texts
    kind = pattern.view_kind
    if view and view != pattern.view and is_static(view):  # ``self.view_template % "Edit"``: read now
        kind = "class" if view.rpartition(".")[2][:1].isupper() else "function"
    return dataclasses.replace(pattern, route=route or "", view=view if pattern.view is not None else None,
                               view_kind=kind, name=name if pattern.name is not None else None)


def _text_on(text: str, klass: str, runner: str, classes: ClassValues) -> str | None:
    absent = False

    def substitute(found: re.Match[str]) -> str:
        nonlocal absent
        head, _, rest = found[1].partition(":")
        attribute = rest.removeprefix(f"{klass}.")
        if head != "ref" or attribute == rest or "." in split_reference(attribute)[0]:
            return found[0]
        name, _, methods = split_reference(attribute)
        value = classes.attribute(runner, name)
        if value is None:
            absent = True
        if not isinstance(value, str) or not is_static(value):
            return marker(f"ref:{runner}.{attribute}")
        for method, args in methods:
            value = apply_method(value, method, args)
        return value

    done = MARKER.sub(substitute, text)
    return None if absent else done
