"""Project pass for the URL lists app configs give: what ``app:L`` stands for.

``apps.get_app_config("L").urls`` (or ``self.x_app.urls``, set in ``ready()``;
:mod:`analyzer.facts.app_urls`) is the ``get_urls()`` of the app config labelled ``L``: the
project's ``AppConfig`` subclass whose ``label`` (else the last part of its ``name``) is ``L``;
of several, the one that derives from all the others (oscar's ``CatalogueConfig`` combines two
partial configs), else the one ``INSTALLED_APPS`` names. Its ``get_urls`` is looked up along its
method resolution order, and a ``super().get_urls()`` in it goes on to the next override, as
Python runs them. An ``urls`` method that builds patterns itself is taken before ``get_urls``.
``class:CLASS`` (a ``ModelAdmin`` registered on the admin site) is that class's ``get_urls`` chain.
``path("x/", app.urls)`` mounts the tuple, whose third item is the routes' instance namespace:
the config's ``namespace`` (or whatever attribute its ``urls`` returns there), none when unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from analyzer.facts.admin_urls import AUTH_USER, CLASS_PREFIX, MODEL_ROUTE
from analyzer.facts.app_urls import APP_PREFIX, SELF_PREFIX, SUPER_PREFIX, TUPLE_NAMESPACE, URLS_NAMESPACE
from analyzer.facts.route_text import MARKER, marker
from analyzer.model.facts import UrlPattern
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.class_values import ClassValues

APP_CONFIGS = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
_METHODS = ("urls", "get_urls")


class AppUrls:
    """Finds the methods whose patterns an ``app:L`` include stands for."""

    def __init__(self, classes: ClassValues, functions: Collection[str], defined: frozenset[str],
                 patterns: dict[str, list[UrlPattern]], installed: Collection[str]) -> None:
        self.classes = classes
        self.functions = functions  # functions and methods that build patterns
        self.defined = defined  # every method of the project
        self.supers = {f for f, ps in patterns.items() if any(p.include == SUPER_PREFIX + f.rpartition(".")[2]
                                                               for p in ps)}
        self.installed = frozenset(installed)
        self._by_label: dict[str, list[str]] | None = None

    def methods(self, include: str) -> list[str]:
        """The methods, in the order Python calls them, whose patterns ``include`` gives:
        ``app:L`` an app config's, ``class:CLASS`` a class's own (a registered ``ModelAdmin``)."""
        if include.startswith(CLASS_PREFIX):
            return self._chain(self.classes.linearization(include.removeprefix(CLASS_PREFIX)), "get_urls")
        label = self._label(include.removeprefix(APP_PREFIX))
        config = self._config(label) if label is not None else None
        if config is None:
            return []
        order = self.classes.linearization(config)
        for method in _METHODS:
            chain = self._chain(order, method)
            if chain:
                return chain
        return []

    def tuple_namespaces(self, patterns: list[UrlPattern]) -> list[UrlPattern]:
        """``patterns`` with each ``path("x/", app.urls)``'s namespace the app config's tuple gives."""
        return [dataclasses.replace(p, namespace=self._namespace(p.include or ""))
                if p.namespace == TUPLE_NAMESPACE else p for p in patterns]

    def _namespace(self, include: str) -> str | None:
        label = self._label(include.removeprefix(APP_PREFIX))
        config = self._config(label) if label is not None else None
        given = self.classes.inherited(config, URLS_NAMESPACE) if config is not None else None
        reference = MARKER.fullmatch(given or "")
        if config is None or reference is None or not reference[1].startswith(SELF_PREFIX):
            return given
        return self.classes.inherited(config, reference[1].removeprefix(SELF_PREFIX))

    def _chain(self, order: list[str], method: str) -> list[str]:
        return super_chain(order, method, self.functions, self.defined, self.supers)

    def _label(self, text: str) -> str | None:
        """``L`` itself, or the ``{?app:L}`` a ``{?ref:CLASS.ATTR}`` holds."""
        reference = MARKER.fullmatch(text)
        if reference is None:
            return text
        if not reference[1].startswith("ref:"):
            return None
        klass, _, attribute = reference[1][len("ref:"):].rpartition(".")
        value = MARKER.fullmatch(self.classes.value(klass, attribute) or "")
        return value[1][len("app:"):] if value is not None and value[1].startswith("app:") else None

    def _config(self, label: str) -> str | None:
        candidates = self._labels().get(label, [])
        if len(candidates) == 1:
            return candidates[0]
        derived = [c for c in candidates if set(candidates) <= set(self.classes.linearization(c))]
        if len(derived) == 1:
            return derived[0]
        named = [c for c in candidates if c in self.installed]
        return named[0] if len(named) == 1 else None

    def _labels(self) -> dict[str, list[str]]:
        if self._by_label is None:
            self._by_label = {}
            for klass in self.classes.project_classes():
                if self.classes.in_tests(klass) or not APP_CONFIGS & set(self.classes.linearization(klass)):
                    continue
                label = self.classes.inherited(klass, "label") or \
                    (self.classes.inherited(klass, "name") or "").rpartition(".")[2]
                if label:
                    self._by_label.setdefault(label, []).append(klass)
        return self._by_label


def admin_pattern(pattern: UrlPattern, canonical: Canonical, labels: Mapping[str, str] | None) -> UrlPattern:
    """A model's registration on the admin site at ``<app_label>/<model_name>/``, as Django
    mounts it (``labels``: model qualified names, and ``AUTH_USER_MODEL``, to ``app_label.Name``;
    a model from outside the project has its default label, the package before ``models``).
    A model not known is an unresolved part, ``{?model:Name}``."""
    model = pattern.view
    if pattern.route != MODEL_ROUTE or model is None:
        return pattern
    label = (labels or {}).get(model if model == AUTH_USER else canonical(model)) or _default_label(model)
    if label is None:
        return dataclasses.replace(pattern, route=marker(f"model:{model.rpartition('.')[2]}") + "/",
                                   view=None)
    app, _, name = label.partition(".")
    return dataclasses.replace(pattern, route=f"{app}/{name.lower()}/", view=None)


def _default_label(model: str) -> str | None:
    parts = model.split(".")
    if "models" not in parts[1:-1]:
        return None
    return f"{parts[parts.index('models', 1) - 1]}.{parts[-1]}"


def super_chain(order: list[str], method: str, building: Collection[str], defined: Collection[str],
                calling_super: Collection[str]) -> list[str]:
    """The overrides of ``method`` Python runs that build patterns (in ``building``): the first in
    the method resolution ``order``, then the next while each (``defined`` there) calls
    ``super()`` (in ``calling_super``); one that builds no pattern calls no ``super()`` either and
    ends it."""
    found: list[str] = []
    for owner in order:
        qualname = f"{owner}.{method}"
        if qualname in building:
            found.append(qualname)
        if qualname in defined and qualname not in calling_super:
            break
    return found
