"""Project pass for routes: which views turn anonymous users away (``RouteFact.login_required``).

A route needs a logged-in user when its view, by qualified name:

* is decorated with ``login_required`` / ``permission_required`` / ``user_passes_test``
  (``django.contrib.auth.decorators``) or ``staff_member_required``
  (``django.contrib.admin.views.decorators``), or with a project decorator whose body (or inner
  wrapper) guards access (:mod:`analyzer.facts.access`);
* is wrapped in such a decorator in the URLconf: ``login_required(View.as_view())``;
* is a class with ``LoginRequiredMixin`` / ``PermissionRequiredMixin`` / ``UserPassesTestMixin``
  among its bases (through project classes), or whose ``dispatch`` (or every handler it defines)
  is protected so, directly or through ``method_decorator(login_required)`` on the method or
  ``@method_decorator(login_required, name="dispatch")`` on the class;
* checks the user itself at the top of its body and answers 401/403 or a redirect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from analyzer.model.facts import Definition, ModuleFacts, RouteFact
from analyzer.resolve.canonical import Canonical

AUTH_DECORATORS = frozenset(
    {
        "django.contrib.auth.decorators.login_required",
        "django.contrib.auth.decorators.permission_required",
        "django.contrib.auth.decorators.user_passes_test",
        "django.contrib.admin.views.decorators.staff_member_required",
    }
)
AUTH_MIXINS = frozenset(
    {
        "django.contrib.auth.mixins.LoginRequiredMixin",
        "django.contrib.auth.mixins.PermissionRequiredMixin",
        "django.contrib.auth.mixins.UserPassesTestMixin",
    }
)
HANDLERS = ("get", "post", "put", "patch", "delete")


def mark_login_required(
    routes: Iterable[RouteFact], modules: Iterable[ModuleFacts], canonical: Canonical
) -> tuple[RouteFact, ...]:
    """The routes with ``login_required`` set from the facts of their views."""
    access = AccessIndex(tuple(modules), canonical)
    return tuple(dataclasses.replace(r, login_required=access.route_protected(r)) for r in routes)


class AccessIndex:
    """The project's definitions and access guards, asked about views and decorators."""

    def __init__(self, modules: tuple[ModuleFacts, ...], canonical: Canonical) -> None:
        self.canonical = canonical
        self.definitions: dict[str, Definition] = {
            d.qualname: d for m in modules for d in m.definitions
        }
        self.guards = frozenset(g for m in modules for g in m.access_guards)
        self.guarding = frozenset(_prefixes(self.guards))  # functions holding a guard inside

    def route_protected(self, route: RouteFact) -> bool:
        """Whether the route's URLconf wrapping or its view turns anonymous users away."""
        if any(self.decorator_protects(w) for w in route.wrappers):
            return True
        return route.view is not None and self.view_protected(route.view)

    def decorator_protects(self, decorator: str) -> bool:
        """Django's auth decorators, or a project decorator that holds an access guard."""
        name = self.canonical(decorator)
        return name in AUTH_DECORATORS or name in self.guards or name in self.guarding

    def view_protected(self, view: str, depth: int = 0) -> bool:
        """Whether the function or class ``view`` turns anonymous users away."""
        definition = self.definitions.get(self.canonical(view))
        if definition is None or depth > 20:
            return False
        if any(self.decorator_protects(d) for d in definition.decorators):
            return True
        if any(not method and self.decorator_protects(d) for method, d in definition.method_decorators):
            return True
        if definition.kind != "class":
            return definition.qualname in self.guards
        return self._class_protected(definition, depth)

    def _class_protected(self, definition: Definition, depth: int) -> bool:
        bases = [self.canonical(b) for b in definition.bases]
        if any(base in AUTH_MIXINS for base in bases):
            return True
        qualname = definition.qualname
        decorated = {m for m, d in definition.method_decorators if m and self.decorator_protects(d)}
        if "dispatch" in decorated or self.view_protected(f"{qualname}.dispatch", depth + 1):
            return True
        handlers = [h for h in HANDLERS if f"{qualname}.{h}" in self.definitions or h in decorated]
        if handlers and all(h in decorated or self.view_protected(f"{qualname}.{h}", depth + 1)
                            for h in handlers):
            return True
        return any(self.view_protected(base, depth + 1) for base in bases if base in self.definitions)


def _prefixes(names: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(2, len(parts)))
    return found
