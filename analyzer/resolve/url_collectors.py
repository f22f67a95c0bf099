"""Project pass for URL collectors: the URL list an instance of a :class:`UrlCollector` builds.

The calls on one receiver in one function (:class:`CollectorCall`, from the project's code
outside its tests) belong to the collector class whose ``add`` method they call, when every
method they call is one of that class's and one class alone fits (the calls of its other
methods, which build patterns from their parameters, are not expanded); with Django's
namespace semantics, each ``mount(route, name, parent)`` is an include at ``route`` in the list
of the namespace path ``parent`` (the top list when none), namespaced ``name``, and the
patterns of each ``add(key, *patterns)`` move from their function's list to the list of the
namespace path ``key``. The top list is keyed ``(module, CLASS)``: an include of the class
(``urlpatterns = CLASS()``) reaches it as a list of that module, and a module-level ``NAME =
CLASS()`` is a list ``NAME`` including it (``urlpatterns += NAME()`` elsewhere). A namespace
path no ``mount`` gives leaves its patterns where they are, unreached. The builder's own
``path(record["path"], ...)`` is the mechanism, no route. A shortcut method (``single(route, name,
parent, view)``: a mount, then one pattern added to it from its parameters) is both, per call;
its own pattern is a template, no route.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from analyzer.facts.route_text import MARKER
from analyzer.model.facts import CollectorCall, ModuleFacts, UrlArgument, UrlCollector, UrlPattern
from analyzer.model.source_paths import is_test_path
from analyzer.resolve.canonical import Canonical

Key = tuple[str, str]  # (module, container)
NEW_PREFIX = "new:"  # ``{?new:CLASS}``: a module-level instance (analyzer.facts.class_values)


@dataclasses.dataclass(frozen=True)
class _Collector:
    module: str
    facts: UrlCollector

    @property
    def top(self) -> str:
        """The container name of the top list: the class's name inside its module."""
        return self.facts.klass.removeprefix(self.module + ".")

    def container(self, namespace_path: str) -> str:
        """The container name of a namespace path's list (the top list for "")."""
        return f"{self.top}:{namespace_path}" if namespace_path else self.top


def join_collectors(modules: Iterable[ModuleFacts], patterns: dict[Key, list[UrlPattern]],
                    canonical: Canonical) -> dict[Key, list[UrlPattern]]:
    """``patterns`` with each collector's lists built and the patterns it was given moved there."""
    modules = tuple(modules)
    if not any(m.url_collectors for m in modules):  # most projects: no test path is read
        return patterns
    project = [m for m in modules if not is_test_path(m.path)]
    collectors = [_Collector(m.module, c) for m in project for c in m.url_collectors]
    if not collectors:
        return patterns
    builders = {f"{c.facts.klass}.{b}" for c in collectors for b in c.facts.builders}
    builders |= {f"{c.facts.klass}.{s.method}" for c in collectors for s in c.facts.shortcuts}  # templates
    result = {key: list(found) for key, found in patterns.items() if key[1] not in builders}
    _instances(project, {c.facts.klass: c for c in collectors}, canonical, result)
    groups: dict[tuple[str, str, str], list[CollectorCall]] = {}
    for module in project:
        for call in module.collector_calls:
            groups.setdefault((module.module, call.function, call.receiver), []).append(call)
    fitting: list[tuple[_Collector, Key, list[CollectorCall]]] = []
    for (name, function, _), calls in sorted(groups.items()):
        methods = {c.method for c in calls}
        fits = [c for c in collectors if c.facts.add in methods and methods <= set(c.facts.methods)]
        if len(fits) == 1:
            fitting.append((fits[0], (name, function), sorted(calls, key=lambda c: c.line)))
    fitting = [(collector, source, _unfolded(collector.facts, calls)) for collector, source, calls in fitting]
    mounted = {path for collector, _, calls in fitting for path in _mount(collector, calls, result)}
    for collector, source, calls in fitting:
        _add(collector, source, calls, mounted, result)
        _shortcut_patterns(collector, source, calls, mounted, result)
    return {key: found for key, found in result.items() if found}


def _unfolded(facts: UrlCollector, calls: list[CollectorCall]) -> list[CollectorCall]:
    """``calls`` with each shortcut's call followed by the mount it makes (as a call of ``mount``
    with the shortcut's arguments in the mount's places)."""
    shortcuts = {s.method: s for s in facts.shortcuts}
    found: list[CollectorCall] = []
    for call in calls:
        found.append(call)
        shortcut = shortcuts.get(call.method)
        if shortcut is None:
            continue
        bound = _bound(call, shortcut.parameters)
        arguments = tuple(UrlArgument(i, "", bound.get(p), None) for i, p in enumerate(shortcut.mounted)
                          if p in bound)
        found.append(dataclasses.replace(call, method=facts.mount, arguments=arguments))
    return found


def _shortcut_patterns(collector: _Collector, source: Key, calls: list[CollectorCall], mounted: set[str],
                       result: dict[Key, list[UrlPattern]]) -> None:
    """The one pattern each shortcut's call adds to the namespace path it mounted."""
    shortcuts = {s.method: s for s in collector.facts.shortcuts}
    for call in calls:
        shortcut = shortcuts.get(call.method)
        if shortcut is None:
            continue
        bound = _bound(call, shortcut.parameters)
        parts = [bound.get(p) for p in shortcut.key]
        views = [a.view for a in call.arguments if a.position == shortcut.parameters.index(shortcut.view)]
        target = collector.container(":".join(p for p in parts if p))
        if any(not p for p in parts) or target not in mounted or not views or views[0] is None:
            continue
        view = views[0]
        kind = "class" if view.rpartition(".")[2][:1].isupper() else "function"
        result.setdefault((collector.module, target), []).append(UrlPattern(
            source[0], target, shortcut.kind, shortcut.route, view, kind, None, None, shortcut.name,
            call.path, call.line))


def _instances(modules: list[ModuleFacts], collectors: dict[str, _Collector], canonical: Canonical,
               result: dict[Key, list[UrlPattern]]) -> None:
    """A module-level ``NAME = CLASS()`` of a collector class is a list ``NAME`` of its module
    that includes the class's top list (at the line the module names the class)."""
    for module in modules:
        for name, text in module.constants:
            found = MARKER.fullmatch(text)
            new = found is not None and found[1].startswith(NEW_PREFIX)
            klass = canonical(found[1].removeprefix(NEW_PREFIX)) if found and new else ""
            if klass not in collectors or (module.module, name) in result:
                continue
            top = collectors[klass]
            line = min((r.line for r in module.references if canonical(r.target) == klass), default=1)
            result[(module.module, name)] = [UrlPattern(
                module.module, name, "include", "", None, "include", f"{top.module}.{top.top}", None, None,
                module.path, line)]


def _mount(collector: _Collector, calls: list[CollectorCall],
           result: dict[Key, list[UrlPattern]]) -> set[str]:
    """Each mount of ``calls`` as an include in its parent's list; the namespace paths given
    (``CLASS:path``)."""
    facts = collector.facts
    given: set[str] = set()
    for call in (c for c in calls if c.method == facts.mount):
        bound = _bound(call, facts.mount_parameters)
        route, name = bound.get(facts.route), bound.get(facts.namespace)
        parent = bound.get(facts.parent) or ""
        if route is None or not name or "." in name:
            continue
        path = f"{parent}:{name}" if parent else name
        given.add(collector.container(path))
        result.setdefault((collector.module, collector.container(parent)), []).append(UrlPattern(
            collector.module, collector.container(parent), "include", route, None, "include",
            f"{collector.module}.{collector.container(path)}", name, None, call.path, call.line))
    return given


def _add(collector: _Collector, source: Key, calls: list[CollectorCall], mounted: set[str],
         result: dict[Key, list[UrlPattern]]) -> None:
    """The patterns of each add of ``calls`` to a mounted namespace path, moved out of ``source``."""
    for call in (c for c in calls if c.method == collector.facts.add):
        key = _bound(call, collector.facts.add_parameters).get(collector.facts.key)
        target = collector.container(key or "")
        if target not in mounted:
            continue
        lines = frozenset(call.patterns)
        moved = [p for p in result.get(source, ()) if p.path == call.path and p.line in lines]
        result[source] = [p for p in result.get(source, ()) if p not in moved]
        result.setdefault((collector.module, target), []).extend(
            dataclasses.replace(p, container=target) for p in moved)


def _bound(call: CollectorCall, parameters: tuple[str, ...]) -> dict[str, str | None]:
    """Each parameter's text, by position or keyword (absent: not in the mapping)."""
    bound: dict[str, str | None] = {}
    for argument in call.arguments:
        if argument.keyword:
            bound[argument.keyword] = argument.text
        elif argument.position < len(parameters):
            bound[parameters[argument.position]] = argument.text
    return bound
