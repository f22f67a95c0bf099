"""Project pass for route text: fill in the names one file could not know.

A route folded in its file (:mod:`analyzer.facts.route_text`) may still name another module's
constant (``{?ref:pkg.literals.URL_X}``) or a setting (``{?ref:django.conf.settings.URL_PREFIX}``,
with ``|default`` for ``getattr(settings, "X", default)``). Constants come from each module's
``constants``, through re-exports and star imports; settings as discovery read them from the
settings module (star imports followed, an environment lookup such as ``get_env_str("X", "")`` at
its default), then the settings module's own constants (and the modules it star-imports) or, when
no settings module was found, the settings-like modules (``settings*.py``, ``settings/*``) when
those that set the value statically agree; a setting no settings module sets takes the default an
app declares (``AppConf``). What stays
unknown is shown as ``{text}`` and listed in :attr:`RouteText.unresolved`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.facts.route_text import (
    MARKER,
    OPEN,
    SETTINGS,
    apply_method,
    is_reference,
    is_static,
    split_reference,
)
from analyzer.facts.url_helpers import DOTTED
from analyzer.model.facts import ModuleFacts, UrlPattern
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.class_values import ClassValues

_DEPTH = 6
_ONE_SEGMENT = frozenset({"int", "str", "slug", "uuid"})  # Django's converters but ``path``


@dataclass(frozen=True)
class RouteText:
    """A route as shown, and the parts of it no pass could know (as written, in order)."""

    route: str
    unresolved: tuple[str, ...]


class RouteValues:
    """Fills the ``{?ref:...}`` markers of route text from the project's constants and settings."""

    def __init__(self, modules: tuple[ModuleFacts, ...], settings_module: str | None,
                 canonical: Canonical, read_settings: dict[str, str] | None = None) -> None:
        self.canonical = canonical
        self.classes = ClassValues(modules, canonical)
        self.read_settings = read_settings or {}
        self.constants = {m.module: dict(m.constants) for m in modules if m.constants}
        self.stars: dict[str, list[str]] = {}
        for facts in modules:
            for item in facts.imports:
                if item.local == "*" and item.scope == facts.module:
                    self.stars.setdefault(facts.module, []).append(item.target)
        self.app_defaults: dict[str, list[str]] = {}
        for constants in self.constants.values():
            for key, value in constants.items():
                if key.startswith("settings."):
                    self.app_defaults.setdefault(key[len("settings."):], []).append(value)
        self.settings_modules = [settings_module] if settings_module else sorted(
            m.module for m in modules if _looks_like_settings(m.module))

    def fill(self, text: str, depth: int = 0) -> str:
        """``text`` with every marker this pass can know replaced by its value."""
        if OPEN + "ref:" not in text or depth > _DEPTH:
            return text

        def substitute(found: re.Match[str]) -> str:
            value = self._value(found[1][4:]) if found[1].startswith("ref:") else None
            return found[0] if value is None else self.fill(value, depth + 1)

        return MARKER.sub(substitute, text)

    def filled_view(self, pattern: UrlPattern) -> UrlPattern:
        """``pattern`` with a view or name given by a reference (``{?ref:CLASS.view_template;mod(Edit)}``)
        replaced by its value: a dotted view and its kind, a name; None where it stays unknown."""
        view, kind, name = pattern.view, pattern.view_kind, pattern.name
        if view is not None and is_reference(view):
            view = self.fill(view)
            view, kind = (view, "class" if view.rpartition(".")[2][:1].isupper() else "function") \
                if DOTTED.fullmatch(view) else (None, "unknown")
        if name is not None and is_reference(name):
            name = self.fill(name)
            name = name if is_static(name) else None
        return dataclasses.replace(pattern, view=view, view_kind=kind, name=name)

    def _value(self, reference: str) -> str | None:
        name, default, methods = split_reference(reference)
        if name.startswith(SETTINGS):
            value = self._setting(name[len(SETTINGS):])
            value = value if value is not None else default
        else:
            module, _, constant = self.canonical(name).rpartition(".")
            value = self._constant(module, constant, 0)
            if value is None and self.classes.is_class(module):  # ``self.ATTR`` in a method
                value = self.classes.value(module, constant)
            elif value is None:  # ``conf.settings.X`` of ``settings = AppSettings()``
                value = self._instance_attribute(module, constant)
        if value is None or not methods:
            return value
        value = self.fill(value)
        if OPEN in value:
            return None
        for method, args in methods:
            value = apply_method(value, method, args)
        return value

    def _instance_attribute(self, instance: str, name: str) -> str | None:
        """``name`` read on a module-level instance whose class's ``__getattr__`` reads it from
        its sources in turn (Django's settings, then a module of defaults)."""
        module, _, variable = instance.rpartition(".")
        created = MARKER.fullmatch(self._constant(module, variable, 0) or "")
        if created is None or not created[1].startswith("new:"):
            return None
        for source in self.classes.getattr_sources(self.canonical(created[1][4:])):
            if source == SETTINGS.rstrip("."):
                value = self._setting(name)
            else:
                value = self._constant(self.canonical(source), name, 0)
            if value is not None:
                return value
        return None

    def _constant(self, module: str, name: str, depth: int) -> str | None:
        value = self.constants.get(module, {}).get(name)
        if value is not None or depth > _DEPTH:
            return value
        for star in reversed(self.stars.get(module, ())):
            value = self._constant(star, name, depth + 1)
            if value is not None:
                return value
        return None

    def _setting(self, name: str) -> str | None:
        """The value discovery read from the settings module (following its star imports, an
        environment lookup at its default), else the settings modules' constants, else an app's
        declared default (``AppConf``)."""
        if name in self.read_settings:
            return self.read_settings[name]
        written = [self._constant(m, name, 0) for m in self.settings_modules]
        if any(v is not None for v in written):
            return self._agreed(written)
        return self._agreed(self.app_defaults.get(name, ()))

    def _agreed(self, candidates: Iterable[str | None]) -> str | None:
        values = {self.fill(v) for v in candidates if v is not None}
        static = {v for v in values if OPEN not in v}
        return static.pop() if len(static) == 1 and len(values) == 1 else None


def shown(text: str) -> RouteText:
    """The route as reported: each unknown part as ``{text}``, listed in order."""
    unresolved: list[str] = []

    def substitute(found: re.Match[str]) -> str:
        part = _written(found[1])
        if _known_converter(found, text):
            return part
        unresolved.append(part)
        return "{" + part + "}"

    route = MARKER.sub(substitute, text) if OPEN in text else text
    return RouteText(route, tuple(unresolved))


def _known_converter(found: re.Match[str], text: str) -> bool:
    """Whether the marker is a converter chosen at run time among Django's one-segment ones
    (``<{?alt:int|str|uuid}:pk>``): the route matches one segment there whichever it is."""
    alternatives = found[1].removeprefix("alt:")
    return found[1].startswith("alt:") and text[found.start() - 1:found.start()] == "<" and \
        text[found.end():found.end() + 1] == ":" and set(alternatives.split("|")) <= _ONE_SEGMENT


def _written(marker: str) -> str:
    kind, _, rest = marker.partition(":")
    if kind == "ref":
        name, _, methods = split_reference(rest)
        name = "settings." + name[len(SETTINGS):] if name.startswith(SETTINGS) else name
        return name + _calls(methods)
    if kind == "arg":
        name, _, methods = split_reference(rest.partition(":")[2])
        return name + _calls(methods)
    if kind == "alt":
        return rest
    return marker


def _calls(methods: list[tuple[str, list[str]]]) -> str:
    return "".join(f"[{a[0]}]" if m == "getitem" else f".{m}({', '.join(map(repr, a))})"
                   for m, a in methods)


def _looks_like_settings(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("settings") or ".settings." in module
