"""Project pass for URLs: follow ``include`` chains from the root URLconf to full routes.

Roots are ``ROOT_URLCONF`` when the settings name a module of the tree (even one whose list is
filled at run time) or a library's root URLconf whose patterns are known
(:mod:`analyzer.resolve.library_roots`), else every ``urlpatterns`` that no other pattern includes
outside test-only modules (a test URLconf such as ``oscar/test/factories/urls.py`` serves test
code: its patterns are routes only when a project URLconf includes them, as a test module's
models are no models).
Patterns never reached (built in functions, unused modules) are still listed, with their local pattern and
``reachable=False``, except a helper's pattern built from its parameters (no route by itself;
its call sites were not expanded), which becomes a warning; each list or function no include
reaches is warned about once (``unreached-route``, :mod:`analyzer.resolve.unreached`, saying
why): their real prefix is unknown. A registry loop over objects' ``get_urls()`` includes the
methods of its class family (:mod:`analyzer.resolve.url_families`), each once per class that
runs it when it reads the class's attributes (:mod:`analyzer.resolve.subclass_routes`); an app
config's ``urls`` and a ``ModelAdmin`` registered on the admin site include their class's ``get_urls`` chain
(:mod:`analyzer.resolve.app_urls`); an object collecting patterns by namespace builds the list
of its class (:mod:`analyzer.resolve.url_collectors`), and a registry's objects mounted at their
own prefixes are one include each (:mod:`analyzer.resolve.url_objects`);
the installed app configs' registries of dotted paths and a
loop importing each app's URLconf mount theirs (:mod:`analyzer.resolve.provides`,
:mod:`analyzer.resolve.app_modules`), and so does an app config whose ``ready()`` adds its app's
URLconf to another module's list (:mod:`analyzer.resolve.config_mounts`).
Patterns built by calls of helpers of other modules come from :mod:`analyzer.resolve.url_calls`.
Route text is filled in by :mod:`analyzer.resolve.route_values`; a route with parts that stay
unknown lists them in ``unresolved`` and gets an ``unresolved-route`` warning at its ``path:line``.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.facts.admin_urls import ADMIN_SITE, CLASS_PREFIX
from analyzer.facts.app_urls import APP_PREFIX, TUPLE_NAMESPACE
from analyzer.facts.registries import APPS_PREFIX
from analyzer.facts.route_text import OPEN, is_reference
from analyzer.facts.url_hooks import HOOK_PREFIX, METHOD_PREFIX
from analyzer.model.facts import ModuleFacts, RouteFact, SourceWarning, UrlPattern
from analyzer.model.source_paths import is_test_path
from analyzer.resolve.app_modules import AppConfigs, app_module_lists
from analyzer.resolve.app_urls import AppUrls, admin_pattern
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.config_mounts import config_mount_patterns
from analyzer.resolve.library_roots import library_root_pattern
from analyzer.resolve.provides import provided_includes
from analyzer.resolve.route_join import RoutePart, joined_route
from analyzer.resolve.route_values import RouteValues, shown
from analyzer.resolve.subclass_routes import per_class
from analyzer.resolve.unreached import RootContext, unreached_warning
from analyzer.resolve.url_calls import expand_url_calls
from analyzer.resolve.url_collectors import join_collectors
from analyzer.resolve.url_families import method_family
from analyzer.resolve.url_objects import join_objects

Key = tuple[str, str]  # (module, container)
_GATHERED = (HOOK_PREFIX, METHOD_PREFIX, APP_PREFIX, CLASS_PREFIX, ADMIN_SITE,  # project-wide lists
             APPS_PREFIX)


class RouteResolver:
    """Indexes the URL patterns of a project and expands them into routes."""

    def __init__(self, modules: tuple[ModuleFacts, ...], canonical: Canonical,
                 settings_module: str | None = None,
                 setting_strings: tuple[tuple[str, str], ...] = (),
                 installed_apps: tuple[str, ...] = (),
                 model_labels: Mapping[str, str] | None = None) -> None:
        self.canonical = canonical
        self.module_names = frozenset(m.module for m in modules)
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
                gathered = pattern.container.startswith(HOOK_PREFIX) or pattern.container == ADMIN_SITE
                key = ("", pattern.container) if gathered else (pattern.module, pattern.container)
                if pattern.container == ADMIN_SITE:  # from every module, at <app_label>/<model>/
                    pattern = admin_pattern(pattern, canonical, model_labels)
                self.patterns.setdefault(key, []).append(pattern)
        self.patterns = join_collectors(modules, self.patterns, canonical)
        configs = AppConfigs(modules, self.values.classes, installed_apps)
        for pattern in provided_includes(modules, configs, self.patterns):
            self.patterns.setdefault((pattern.module, pattern.container), []).append(pattern)
        self.patterns.update(app_module_lists(self.patterns, configs))
        mounted_lists = config_mount_patterns(modules, configs, self.values, self.patterns)
        for key, mounted in mounted_lists.items():
            self.patterns.setdefault(key, []).extend(mounted)
        self.functions = {  # patterns built in a function: its qualname -> key
            container: (module, container) for module, container in self.patterns
            if container.startswith(f"{module}.")
        }
        self.patterns = join_objects(modules, self.patterns, self.values.classes, self.functions, canonical)
        self.ambiguous: dict[str, SourceWarning] = {}  # registry loops, warned about when reached
        defined = frozenset(d.qualname for m in modules for d in m.definitions if d.kind == "method")
        self.callables = frozenset(d.qualname for m in modules for d in m.definitions if d.kind == "function")
        self._join_registries(defined)
        self._join_app_configs(installed_apps, defined)
        mounts = {(m.path, m.line): m.method for facts in modules for m in facts.config_mounts}
        self.passthrough = configs.passthrough  # what they return is their argument: no run-time target
        self.mounted = frozenset(mounts[p.path, p.line] for ps in mounted_lists.values() for p in ps)
        self.library_root = False  # ROOT_URLCONF is a library's whose patterns are known
        self.reached: set[int] = set()
        self.emitted: set[tuple[str, str | None, str | None, str, int]] = set()
        self.routes: list[RouteFact] = []

    def _join_app_configs(self, installed_apps: tuple[str, ...], defined: frozenset[str]) -> None:
        """``app:L`` (an app config's ``urls``) includes its ``get_urls`` chain."""
        sites = {p.include: p for ps in self.patterns.values() for p in ps
                 if p.include and p.include.startswith((APP_PREFIX, CLASS_PREFIX))}
        app_urls = AppUrls(self.values.classes, self.functions, defined,
                           {f: self.patterns[k] for f, k in self.functions.items()}, installed_apps)
        if any(p.namespace == TUPLE_NAMESPACE for ps in self.patterns.values() for p in ps):
            for key, patterns in self.patterns.items():
                self.patterns[key] = app_urls.tuple_namespaces(patterns)
        for include, site in sorted(sites.items()):
            methods = app_urls.methods(include)
            if methods:
                self.patterns[("", include)] = [
                    UrlPattern(m.rpartition(".")[0], include, "include", "", None, "include", m,
                               None, None, site.path, site.line) for m in methods]

    def _join_registries(self, defined: frozenset[str]) -> None:
        """``method:M`` (a registry loop over objects' ``M``) includes each method of its family."""
        loops = {p.include: p for ps in self.patterns.values() for p in ps
                 if p.include and p.include.startswith(METHOD_PREFIX)}
        for include, loop in sorted(loops.items()):
            family = method_family(include.removeprefix(METHOD_PREFIX), self.functions,
                                   self.values.classes, defined)
            if not family.joined:
                if family.roots:
                    self.ambiguous[include] = SourceWarning(
                        loop.path, loop.line, "unreached-route",
                        f"unreached route: the loop adds {family.method}() of a registry's objects, "
                        "which classes of "
                        f"{len(family.roots)} families define ({', '.join(family.roots)}): none is joined",
                    )
                continue
            self.patterns[("", include)] = [
                UrlPattern(runner.rpartition(".")[0], include, "include", "", None, "include",
                           runner, None, None, loop.path, loop.line)
                for member in family.members for runner in self._runners(member, defined)
            ]

    def _runners(self, member: str, defined: frozenset[str]) -> list[str]:
        """The methods a registry loop runs for family ``member``: itself, or a copy per class
        that runs it (:mod:`analyzer.resolve.subclass_routes`), each a list of its own."""
        key = self.functions[member]
        given = per_class(member, self.patterns[key], self.values.classes, defined)
        for runner, patterns in given:
            self.functions[runner] = (key[0], runner)
            self.patterns[key[0], runner] = patterns
        if all(runner != member for runner, _ in given):
            self.patterns[key] = []  # no class the registry serves gives them as they are
        return [runner for runner, _ in given]

    def resolve(self, root_urlconf: str | None) -> tuple[RouteFact, ...]:
        """All routes, sorted by route then view."""
        roots = self._roots(root_urlconf)
        for root in roots:
            self._expand(root, (), None, ())
        unreached: dict[Key, list[UrlPattern]] = {}
        for top in self._unreached_tops():  # its includes are followed: routes relative to it
            trail: list[UrlPattern] = []
            self._expand(top, (), None, (), trail)
            if trail:
                unreached[top] = trail
        for key in sorted(self.patterns):
            for pattern in self.patterns[key]:
                if id(pattern) in self.reached or pattern.kind == "include" or \
                        pattern.container in self.helpers:
                    continue
                if OPEN + "arg:" in pattern.route or pattern.container in self.templates:
                    self._helper_warning(pattern)
                    continue
                self._emit(pattern, (self._part(pattern),), None, False)
                unreached.setdefault(key, []).append(pattern)
        self._unreached_warnings(unreached, root_urlconf)
        return tuple(sorted(self.routes, key=lambda r: (r.route, r.view or "", r.path, r.line)))

    def _unreached_warnings(self, unreached: dict[Key, list[UrlPattern]], root: str | None) -> None:
        """One warning per list or function whose patterns no URLconf followed from the root
        includes, saying why (:mod:`analyzer.resolve.unreached`)."""
        context = RootContext(root or None, root in self.module_names or self.library_root,
                              (root, "urlpatterns") not in self.patterns, self._computed_includes())
        for (module, container), patterns in sorted(unreached.items()):
            name = container if container in self.functions else f"{module}.{container}"
            self.warnings.append(unreached_warning(name, patterns, context))

    def _computed_includes(self) -> tuple[UrlPattern, ...]:
        """The first include of a value computed at run time in each list or function, by path and
        line: a local name no list answers (``include(import_string(...))``), or a call of a project
        function that builds no pattern and may return another list than it was given
        (``patterns = mark(urlmod.event_patterns)`` then ``include(patterns)``: what it returns)."""
        sites: dict[str, UrlPattern] = {}
        for pattern in sorted((p for ps in self.patterns.values() for p in ps if p.kind == "include"),
                              key=lambda p: (p.path, p.line)):
            name = pattern.include or "."  # None: an expression not followed, not a run-time value
            computed = ("." not in name and ":" not in name) or name in self.callables
            computed = computed and pattern.container not in self.mounted and name not in self.passthrough
            if computed and self._target(name) is None:
                sites.setdefault(pattern.container, pattern)
        return tuple(sites.values())

    def _helper_warning(self, pattern: UrlPattern) -> None:
        parts = ", ".join(shown(pattern.route).unresolved or (pattern.view or "?",))
        self.warnings.append(SourceWarning(
            pattern.path, pattern.line, "unresolved-route",
            f"unresolved route: URL pattern built from parameter(s) {parts} of {pattern.container}; "
            "its call sites are not expanded",
        ))

    def _roots(self, root_urlconf: str | None) -> list[Key]:
        """ROOT_URLCONF when the tree has it (even with no static pattern: filled at run time),
        else every ``urlpatterns`` that nothing includes."""
        if root_urlconf and root_urlconf in self.module_names:
            return [(root_urlconf, "urlpatterns")]
        mounted = library_root_pattern(root_urlconf, self.values, self.module_names) if root_urlconf else None
        if root_urlconf and mounted is not None:  # a library's root URLconf, known from its source
            self.patterns[(root_urlconf, "urlpatterns")] = [mounted]
            self.library_root = True
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
        if include.startswith(_GATHERED):
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

    def _unreached_tops(self) -> list[Key]:
        """The lists and functions with patterns not reached that nothing includes."""
        included = {self._target(p.include) for ps in self.patterns.values() for p in ps if p.include}
        return [key for key in sorted(self.patterns)
                if key[0] and key not in included and key[1] not in self.helpers
                and key[1] not in self.templates
                and any(id(p) not in self.reached for p in self.patterns[key])]

    def _part(self, pattern: UrlPattern) -> RoutePart:
        """A pattern's part of the routes under it: a regex (an include's own regex, too: its
        text starts with ``^``), or a ``path()``; a router's prefix is DRF's ``^prefix/$``."""
        route = self.values.fill(pattern.route)
        if pattern.kind == "router":
            return RoutePart("^" + route + ("" if not route or route.endswith("/") else "/") + "$", True)
        return RoutePart(route, pattern.regex or pattern.kind in ("re_path", "url") or route.startswith("^"))

    def _expand(self, key: Key, parts: tuple[RoutePart, ...], namespace: str | None, stack: tuple[Key, ...],
                trail: list[UrlPattern] | None = None) -> None:
        """Emits the routes under ``key``; with a ``trail`` (a list no root reaches), as
        unreachable, each pattern emitted added to it."""
        if key in stack or len(stack) > 20:
            return
        for pattern in self.patterns.get(key, ()):
            if trail is not None and (id(pattern) in self.reached or OPEN + "arg:" in pattern.route):
                continue  # reached from a root already; a helper's template is a warning
            self.reached.add(id(pattern))
            route = (*parts, self._part(pattern))
            if pattern.kind != "include":
                self._emit(pattern, route, namespace, trail is None)
                if trail is not None:
                    trail.append(pattern)
                continue
            target = self._target(pattern.include)
            if pattern.include in self.ambiguous:
                self.warnings.append(self.ambiguous.pop(pattern.include))
            if target is None or target[1] in self.helpers:  # its calls give its patterns
                continue
            child_namespace = pattern.namespace or self.namespaces.get(target[0])
            if target[1] != "urlpatterns" and not pattern.namespace:
                child_namespace = None
            joined = ":".join(n for n in (namespace, child_namespace) if n) or None
            self._expand(target, route, joined, (*stack, key), trail)

    def _emit(self, pattern: UrlPattern, parts: tuple[RoutePart, ...], namespace: str | None,
              reachable: bool) -> None:
        if is_reference(pattern.view or "") or is_reference(pattern.name or ""):
            pattern = self.values.filled_view(pattern)
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        view = self.canonical(pattern.view) if pattern.view else None
        joined = joined_route(parts)
        text = shown(joined.route)
        full = text.route
        key = (full, view, name, pattern.path, pattern.line)
        if key in self.emitted:  # both branches of ``if PREFIX: ... else: ...`` give it
            return
        self.emitted.add(key)
        self.routes.append(
            RouteFact(full, view, pattern.view_kind, name, pattern.module, reachable,
                      pattern.path, pattern.line, wrappers=pattern.wrappers,
                      unresolved=text.unresolved, inexact=joined.inexact)
        )
        if text.unresolved:
            self.warnings.append(SourceWarning(
                pattern.path, pattern.line, "unresolved-route",
                f"unresolved route: {full} has unknown part(s) {', '.join(text.unresolved)}",
            ))

