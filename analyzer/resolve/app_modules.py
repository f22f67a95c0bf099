"""Project pass for loops over the installed app configs: what ``apps:<suffix>.<list>`` stands for.

``for app in apps.get_app_configs(): urlmod = import_module(app.name + ".urls"); L += urlmod.urlpatterns``
(:mod:`analyzer.facts.registries`) adds, for each app config Django has installed, the list of its
``<name>.urls`` module. Statically those are the project's ``AppConfig`` subclasses outside its
tests that ``INSTALLED_APPS`` names (by their ``name`` or their dotted path; every one when the
settings name no ``INSTALLED_APPS``), whose class or an ancestor defines each attribute the loop's
``hasattr(app, "A")`` tests require (and whose class sets each ``A`` a ``getattr(app, "A", False)``
test reads to a true value), and whose module holds the list. The same loop in a function (an
app config's ``ready()``) adds to the list of another module it imports. Apps installed only at run
time (entry points) are not in the tree and stay unknown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from analyzer.facts.registries import APPS_PREFIX
from analyzer.model.facts import ModuleFacts, UrlPattern
from analyzer.resolve.app_urls import APP_CONFIGS
from analyzer.resolve.class_values import ClassValues, Unknown

Key = tuple[str, str]  # (module, container)


class AppConfigs:
    """The installed app configs of the project, found on first use (most projects loop over none)."""

    def __init__(self, modules: tuple[ModuleFacts, ...], classes: ClassValues,
                 installed: Collection[str]) -> None:
        self.modules = modules
        self.classes = classes
        self.installed = frozenset(installed)
        self._names: tuple[tuple[str, str], ...] | None = None
        self._members: frozenset[str] | None = None
        self._passthrough: frozenset[str] | None = None

    @property
    def names(self) -> tuple[tuple[str, str], ...]:
        """(class, app ``name``) of the project's ``AppConfig`` subclasses outside tests that
        ``INSTALLED_APPS`` names (all of them when it names none), sorted by class."""
        if self._names is None:
            found = []
            for klass, name in self._named():
                if self.classes.in_tests(klass) or not APP_CONFIGS & set(self.classes.linearization(klass)):
                    continue
                if not self.installed or name in self.installed or klass in self.installed:
                    found.append((klass, name))
            self._names = tuple(found)
        return self._names

    def _named(self) -> list[tuple[str, str]]:
        """The classes that set a static ``name`` in their own body (Django requires an app config
        to have one), sorted: only these are walked up to ``AppConfig``."""
        found = []
        for module in self.modules:
            for key, value in module.constants:
                owner, dot, attribute = key.rpartition(".")
                klass = f"{module.module}.{owner}"
                if dot and attribute == "name" and value and self.classes.is_class(klass):
                    found.append((klass, value))
        return sorted(found)

    def defines(self, klass: str, attribute: str) -> bool:
        """Whether ``klass`` or one of its project ancestors defines ``attribute``."""
        if self._members is None:
            self._members = frozenset(d.qualname for m in self.modules for d in m.definitions)
        members = self._members
        return self.classes.inherited(klass, attribute) is not None or \
            any(f"{owner}.{attribute}" in members for owner in self.classes.ancestors(klass))


    @property
    def passthrough(self) -> frozenset[str]:
        """The project's functions that return their first parameter as given."""
        if self._passthrough is None:
            self._passthrough = frozenset(f for m in self.modules for f in m.passthrough)
        return self._passthrough

    def label(self, klass: str, name: str) -> str:
        """The config's ``label``: its class's static value, else the last part of its ``name``."""
        value = self.classes.attribute(klass, "label")
        return value if isinstance(value, str) else name.rpartition(".")[2]

    def has(self, klass: str, test: str) -> bool:
        """Whether ``klass`` passes a loop's test: ``A`` defined (``hasattr``), ``A!`` a true
        value (``getattr(app, "A", False)``: static, so known)."""
        if test.endswith("!"):
            value = self.classes.attribute(klass, test[:-1])
            return not isinstance(value, Unknown) and bool(value)
        return self.defines(klass, test)


def app_module_lists(patterns: Mapping[Key, list[UrlPattern]],
                     configs: AppConfigs) -> dict[Key, list[UrlPattern]]:
    """``("", include)`` -> its includes, for each ``apps:...`` include of ``patterns``."""
    sites = {p.include: p for ps in patterns.values() for p in ps
             if p.include and p.include.startswith(APPS_PREFIX)}
    return {("", include): app_module_includes(include, configs, patterns, site)
            for include, site in sorted(sites.items())}


def app_module_includes(include: str, configs: AppConfigs, lists: Collection[Key],
                        site: UrlPattern) -> list[UrlPattern]:
    """The includes ``apps:<suffix>.<list>?A,B#label@F`` (at ``site``) stands for, one per app that
    has it: ``?`` the tests, ``#`` the app config attribute naming each include's namespace, ``@``
    the function the list was passed through (it must return it as given)."""
    rest, _, through = include.removeprefix(APPS_PREFIX).partition("@")
    rest, _, named = rest.partition("#")
    spec, _, required = rest.partition("?")
    suffix, _, attribute = spec.rpartition(".")
    if through and through not in configs.passthrough:
        return []
    found = []
    for klass, name in configs.names:
        module = name + suffix
        if (module, attribute) not in lists:
            continue
        if all(configs.has(klass, a) for a in required.split(",") if a):
            namespace = configs.label(klass, name) if named == "label" else (name if named else None)
            found.append(UrlPattern(module, include, "include", "", None, "include", f"{module}.{attribute}",
                                    namespace, None, site.path, site.line))
    return found
