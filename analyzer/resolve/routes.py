"""Project pass for URLs: follow ``include`` chains from the root URLconf to full routes.

Roots are ``ROOT_URLCONF`` when the settings name it, else every ``urlpatterns`` that no other
pattern includes, outside test-only modules: a test URLconf (``oscar/test/factories/urls.py``)
serves test code, so its patterns are routes only when a project URLconf includes them, like the
rule that a test module's models are no models. Patterns never reached (built in functions,
unused modules) are still listed, with their local pattern and ``reachable=False``, except a
helper's pattern built from its parameters (no route by itself; its call sites were not
expanded), which becomes a warning;
the patterns of a function no include reaches (a registry filled at run time) are warned about
once per function (``unreached-route``): their real prefix is unknown.
Patterns built by calls of helpers of other modules come from :mod:`analyzer.resolve.url_calls`.
Route text is filled in by :mod:`analyzer.resolve.route_values`; a route with parts that stay
unknown lists them in ``unresolved`` and gets an ``unresolved-route`` warning at its ``path:line``.
"""

from __future__ import annotations

from analyzer.facts.route_text import OPEN
from analyzer.facts.url_hooks import HOOK_PREFIX
from analyzer.model.facts import ModuleFacts, RouteFact, SourceWarning, UrlPattern
from analyzer.model.source_paths import is_test_path
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.route_values import RouteValues, shown
from analyzer.resolve.url_calls import expand_url_calls

Key = tuple[str, str]  # (module, container)


class RouteResolver:
    """Indexes the URL patterns of a project and expands them into routes."""

    def __init__(self, modules: tuple[ModuleFacts, ...], canonical: Canonical,
                 settings_module: str | None = None,
                 setting_strings: tuple[tuple[str, str], ...] = ()) -> None:
        self.canonical = canonical
        self.values = RouteValues(modules, settings_module, canonical, dict(setting_strings))
        self.warnings: list[SourceWarning] = []
        self.patterns: dict[Key, list[UrlPattern]] = {}
        self.namespaces = {m.module: m.url_namespace for m in modules if m.url_namespace}
        self.test_modules = frozenset(m.module for m in modules if is_test_path(m.path))
        expansion = expand_url_calls(modules, canonical)
        built = dict(expansion.by_module)
        self.helpers = expansion.called  # their own patterns are no routes: their calls are
        self.templates = expansion.helpers - expansion.called  # helpers never called: warnings
        for module in modules:
            for pattern in (*module.url_patterns, *built.get(module.module, ())):
                hook = pattern.container.startswith(HOOK_PREFIX)  # gathered from every module
                key = ("", pattern.container) if hook else (module.module, pattern.container)
                self.patterns.setdefault(key, []).append(pattern)
        self.functions = {  # patterns built in a function: its qualname -> key
            container: (module, container) for module, container in self.patterns
            if container.startswith(f"{module}.")
        }
        self.reached: set[int] = set()
        self.emitted: set[tuple[str, str | None, str | None, str, int]] = set()
        self.routes: list[RouteFact] = []

    def resolve(self, root_urlconf: str | None) -> tuple[RouteFact, ...]:
        """All routes, sorted by route then view."""
        for root in self._roots(root_urlconf):
            self._expand(root, "", None, ())
        unreached: dict[str, list[UrlPattern]] = {}
        for key in sorted(self.patterns):
            for pattern in self.patterns[key]:
                if id(pattern) in self.reached or pattern.kind == "include" or \
                        pattern.container in self.helpers or key[0] in self.test_modules:
                    continue
                if OPEN + "arg:" in pattern.route or pattern.container in self.templates:
                    self._helper_warning(pattern)
                    continue
                self._emit(pattern, _join("", self.values.fill(pattern.route), pattern.kind),
                           None, False)
                unreached.setdefault(pattern.container, []).append(pattern)
        self._unreached_warnings(unreached)
        return tuple(sorted(self.routes, key=lambda r: (r.route, r.view or "", r.path, r.line)))

    def _unreached_warnings(self, unreached: dict[str, list[UrlPattern]]) -> None:
        """One warning per function or method whose patterns no URLconf includes: a registry
        filled at run time, most often, so the routes' real prefix is unknown."""
        for container, patterns in sorted(unreached.items()):
            if container in self.functions:
                first = min(patterns, key=lambda p: (p.path, p.line))
                self.warnings.append(SourceWarning(
                    first.path, first.line, "unreached-route",
                    f"{len(patterns)} URL pattern(s) built in {container} are included by no URLconf "
                    "followed from the root (a registry filled at run time?): their prefix is unknown, "
                    "they are listed with their own pattern and reachable=false",
                ))

    def _helper_warning(self, pattern: UrlPattern) -> None:
        parts = ", ".join(shown(pattern.route).unresolved or (pattern.view or "?",))
        self.warnings.append(SourceWarning(
            pattern.path, pattern.line, "unresolved-route",
            f"URL pattern built from parameter(s) {parts} of {pattern.container}; "
            "its call sites are not expanded",
        ))

    def _roots(self, root_urlconf: str | None) -> list[Key]:
        if root_urlconf and (root_urlconf, "urlpatterns") in self.patterns:
            return [(root_urlconf, "urlpatterns")]
        included = {
            self._target(p.include) for ps in self.patterns.values() for p in ps if p.include
        }
        return [
            key for key in sorted(self.patterns)
            if key[1] == "urlpatterns" and key not in included and key[0] not in self.test_modules
        ]

    def _target(self, include: str | None) -> Key | None:
        if include is None:
            return None
        if include.startswith(HOOK_PREFIX):
            return ("", include) if ("", include) in self.patterns else None
        if (include, "urlpatterns") in self.patterns:
            return include, "urlpatterns"
        canonical = self.canonical(include)
        if canonical in self.functions:  # include(get_urls()) / urlpatterns += get_urls()
            return self.functions[canonical]
        for name in (include, canonical):
            module, _, container = name.rpartition(".")
            if (module, container) in self.patterns:
                return module, container
            if container == "urls":  # router.urls
                router_module = module.rpartition(".")[0]
                if (router_module, module) in self.patterns:
                    return router_module, module
        if (canonical, "urlpatterns") in self.patterns:
            return canonical, "urlpatterns"
        return None

    def _expand(self, key: Key, prefix: str, namespace: str | None, stack: tuple[Key, ...]) -> None:
        if key in stack or len(stack) > 20:
            return
        for pattern in self.patterns.get(key, ()):
            self.reached.add(id(pattern))
            route = _join(prefix, self.values.fill(pattern.route), pattern.kind)
            if pattern.kind != "include":
                self._emit(pattern, route, namespace, True)
                continue
            target = self._target(pattern.include)
            if target is None or target[1] in self.helpers:  # its calls give its patterns
                continue
            child_namespace = pattern.namespace or self.namespaces.get(target[0])
            if target[1] != "urlpatterns" and not pattern.namespace:
                child_namespace = None
            joined = ":".join(n for n in (namespace, child_namespace) if n) or None
            self._expand(target, route, joined, (*stack, key))

    def _emit(self, pattern: UrlPattern, route: str, namespace: str | None, reachable: bool) -> None:
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        view = self.canonical(pattern.view) if pattern.view else None
        text = shown(route)
        full = "/" + text.route.lstrip("/")
        key = (full, view, name, pattern.path, pattern.line)
        if key in self.emitted:  # both branches of ``if PREFIX: ... else: ...`` give it
            return
        self.emitted.add(key)
        self.routes.append(
            RouteFact(full, view, pattern.view_kind, name, pattern.module, reachable,
                      pattern.path, pattern.line, wrappers=pattern.wrappers,
                      unresolved=text.unresolved)
        )
        if text.unresolved:
            self.warnings.append(SourceWarning(
                pattern.path, pattern.line, "unresolved-route",
                f"route {full} has unknown part(s): {', '.join(text.unresolved)}",
            ))


def _join(prefix: str, route: str, kind: str) -> str:
    if kind in ("re_path", "url") or route.startswith("^"):  # an include's own regex, too
        route = route.lstrip("^")
        prefix = prefix.rstrip("$")
    if kind == "router" and route and not route.endswith("/"):
        route += "/"
    return prefix + route
