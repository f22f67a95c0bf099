"""Project pass for a registry's objects, each mounted at a prefix of its own attributes.

An include of ``NAME.M`` (a hook's function returning ``registry.get_urlpatterns()``) where
``NAME = CLASS()`` at module level is an include of ``CLASS.M``.

An :class:`ObjectMount` (``for item in self.L: path(f"{item.A}/", include((item.M(), item.N),
namespace=item.N))``) stands for one include per object the functions registered for its hooks
return (a returned name is the module-level object it names), in place of the loop's template
pattern: at the route with each ``{?item.A}`` filled with the object's ``A``, namespaced by its
``N``, including the ``M`` its class runs (the first class of its method resolution order that
defines ``M``, then the next while each calls ``super().M()``; an ``M`` that builds no pattern
mounts nothing, as ``if patterns:`` guards do).
An object's attribute is the constructor argument stored under it (the class's
``__init__.attributes``), else the class's static value, else the attribute a property returns
in its place (``url_prefix`` returning ``self.name``); one not known stays a marker, an
unresolved part of the route, never an empty prefix.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping

from analyzer.facts.app_urls import SUPER_PREFIX
from analyzer.facts.route_text import MARKER, OPEN
from analyzer.facts.url_objects import ALIAS, ATTRIBUTES, KWARGS
from analyzer.model.facts import ModuleFacts, ObjectFact, ObjectMount, UrlPattern
from analyzer.model.source_paths import is_test_path
from analyzer.resolve.app_urls import super_chain
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.class_values import ClassValues
from analyzer.resolve.url_collectors import NEW_PREFIX

Key = tuple[str, str]  # (module, container)
_DEPTH = 5  # properties returning another attribute, followed at most this far


@dataclasses.dataclass(frozen=True)
class _Context:
    classes: ClassValues
    functions: Mapping[str, Key]  # the functions and methods that build patterns
    defined: frozenset[str]  # every method of the project
    supers: frozenset[str]  # the methods calling their ``super()``'s
    canonical: Canonical


def join_objects(modules: Iterable[ModuleFacts], patterns: dict[Key, list[UrlPattern]],
                 classes: ClassValues, functions: Mapping[str, Key],
                 canonical: Canonical) -> dict[Key, list[UrlPattern]]:
    """``patterns`` with each mounting loop's template replaced by one include per object."""
    modules = tuple(modules)
    result = _instance_methods(modules, patterns, functions, canonical)
    if not any(m.object_mounts for m in modules):  # most projects: no test path is read
        return result
    project = [m for m in modules if not is_test_path(m.path)]
    mounts = [mount for m in project for mount in m.object_mounts]
    objects: dict[str, list[ObjectFact]] = {}
    for module in project:
        for found in module.objects:
            objects.setdefault(found.holder, []).append(found)
    defined = frozenset(d.qualname for m in project for d in m.definitions if d.kind == "method")
    supers = frozenset(f for f, k in functions.items()
                       if any(p.include == SUPER_PREFIX + f.rpartition(".")[2] for p in result.get(k, ())))
    context = _Context(classes, functions, defined, supers, canonical)
    for mount in mounts:
        key = functions.get(mount.container)
        template = next((p for p in result.get(key or ("", ""), ()) if p.line == mount.line
                         and p.path == mount.path), None)
        if key is None or template is None:
            continue
        built = [p for o in _held(mount, objects, canonical) for p in _includes(o, mount, template, context)]
        if built:
            result[key] = [p for p in result[key] if p is not template] + built
    return result


def _instance_methods(modules: tuple[ModuleFacts, ...], patterns: dict[Key, list[UrlPattern]],
                      functions: Mapping[str, Key], canonical: Canonical) -> dict[Key, list[UrlPattern]]:
    """An include of ``NAME.M`` where ``NAME = CLASS()`` at module level is one of ``CLASS.M``."""
    instances = {f"{m.module}.{name}": found[1].removeprefix(NEW_PREFIX) for m in modules
                 for name, text in m.constants
                 if text.startswith(OPEN + NEW_PREFIX) and (found := MARKER.fullmatch(text))}
    changed: dict[int, str] = {}
    for listed in patterns.values():
        for pattern in listed:
            head, _, name = (pattern.include or "").rpartition(".")
            klass = instances.get(canonical(head)) if head and pattern.kind == "include" else None
            method = f"{canonical(klass)}.{name}" if klass else ""
            if method in functions:
                changed[id(pattern)] = method
    if not changed:
        return patterns
    return {key: [dataclasses.replace(p, include=changed[id(p)]) if id(p) in changed else p for p in listed]
            for key, listed in patterns.items()}


def _held(mount: ObjectMount, objects: dict[str, list[ObjectFact]],
          canonical: Canonical) -> Iterator[ObjectFact]:
    """The objects the hooks' functions return, a returned name followed to the object it names."""
    for hook in mount.hooks:
        for returned in objects.get(f"hook:{hook}", ()):
            if not returned.alias:
                yield returned
            else:
                yield from objects.get(canonical(returned.alias), ())[:1]


def _includes(found: ObjectFact, mount: ObjectMount, template: UrlPattern,
              context: _Context) -> list[UrlPattern]:
    klass = context.canonical(found.klass)
    methods = _methods(klass, mount.method, context)
    if not methods:
        return []
    attributes = _attributes(found, klass, context.classes)

    def filled(reference: re.Match[str]) -> str:
        """The object's value of ``{?item.A}``; any other marker as it is."""
        owner, _, attribute = reference[1].partition(".")
        value = _value(klass, attribute, attributes, context.classes) if owner == mount.item else None
        return value if value is not None else reference[0]

    namespace = _value(klass, mount.namespace, attributes, context.classes) if mount.namespace else None
    namespace = None if namespace is None or OPEN in namespace else namespace  # not known: no name
    return [dataclasses.replace(template, route=MARKER.sub(filled, template.route), include=method,
                                namespace=namespace, path=found.path, line=found.line) for method in methods]


def _methods(klass: str, name: str, context: _Context) -> list[str]:
    """The overrides of ``name`` the object's class runs that build patterns: the first in its
    method resolution order, then the next while each calls ``super().name()``."""
    return super_chain(context.classes.linearization(klass), name, context.functions, context.defined,
                       context.supers)


def _attributes(found: ObjectFact, klass: str, classes: ClassValues) -> dict[str, str]:
    """The constructor arguments the class stores, by attribute."""
    spec = classes.inherited(klass, ATTRIBUTES) or ""
    named, spread = spec.removesuffix(KWARGS).split(","), spec.endswith(KWARGS)
    attributes: dict[str, str] = {}
    for argument in found.arguments:
        name = argument.keyword or (named[argument.position] if argument.position < len(named) else "")
        if name and argument.text is not None and (name in named or spread):
            attributes[name] = argument.text
    return attributes


def _value(klass: str, attribute: str, attributes: Mapping[str, str], classes: ClassValues) -> str | None:
    for _ in range(_DEPTH):
        if attribute in attributes:
            return attributes[attribute]
        static = classes.inherited(klass, attribute)
        if static is not None:
            return static
        alias = classes.inherited(klass, attribute + ALIAS)
        if alias is None:
            return None
        attribute = alias
    return None
