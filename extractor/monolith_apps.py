"""The monolith's other apps, registered in the service so the code it imports loads as it does there.

A service imports what it only uses from the installed monolith (``package_init``). That code
expects the monolith's app registry: django-oscar's ``get_class("offer.results", ...)`` looks the
``offer`` app up at import time, and a model class (pretalx's ``CachedFile``, imported by a mixin
module) must belong to an installed app, as must every model its relations point at. So every app
of the monolith the service does not own is registered as a *code-only app*: its config subclasses
the monolith's own (oscar checks for ``OscarConfig``, pretix's plugin signals for the config's
``PretixPluginMeta``), but its ``ready()`` is generated: the bases' ``ready()`` and the imports of the
monolith's run
(``extractor.app_ready``: what they register, receivers, checks, phrases), it has no
migrations here (``MIGRATION_MODULES``), and the generated database router never creates its
tables: they stay with the service that owns them. Third-party and ``django.contrib`` apps the
monolith installs (from its resolved ``INSTALLED_APPS``, and the contrib apps its relations point
at) are registered the same way, as they are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import libcst as cst

from analyzer.model.analysis import Analysis
from analyzer.model.source_paths import is_test_path
from extractor.app_ready import ready_imports
from extractor.carry import CarriedCode
from extractor.package_init import app_config_class
from extractor.project import app_package, camel
from extractor.pysource import SourceTree

CONTRIB = frozenset({"admin", "auth", "contenttypes", "flatpages", "redirects", "sessions", "sites"})
_SKIP_DIRS = frozenset({"migrations", "templates", "static", "locale"})


@dataclass(frozen=True, order=True)
class CodeApp:
    """An app of the monolith the service registers without owning its tables."""

    label: str
    package: str  # the app's module, e.g. "oscar.apps.offer"
    base: tuple[str, str] | None = None  # (module, class) of the monolith's config of it; None: AppConfig
    ready: tuple[str, ...] = ()  # the import lines of the monolith's ready() (extractor.app_ready)

    @property
    def class_name(self) -> str:
        """The generated AppConfig's class name: ``offer`` -> ``OfferCodeConfig``."""
        return "".join(p[:1].upper() + p[1:] for p in self.label.split("_")) + "CodeConfig"


def declared_apps(tree: SourceTree, packages: Iterable[str]) -> dict[str, str]:
    """label -> package of every AppConfig in the ``apps.py`` modules of ``packages`` (the
    monolith's installed top-level packages), read from the class's literal ``name``/``label``."""
    found: dict[str, str] = {}
    for package in sorted(packages):
        for path in sorted((tree.root / package).rglob("apps.py")):
            relative = path.relative_to(tree.root)
            if _SKIP_DIRS.intersection(relative.parts[:-1]) or is_test_path(relative.as_posix()):
                continue  # a test app (django-cms's cms/test_utils/project/*) is no app of the monolith
            module = tree.module(".".join(relative.with_suffix("").parts))
            if module is not None:
                for name, label in _configs(module.tree):
                    found.setdefault(label, name)
    return found


def _configs(module: cst.Module) -> list[tuple[str, str]]:
    """(name, label) of each class of ``module`` assigning a literal ``name``."""
    out = []
    for node in module.body:
        if not isinstance(node, cst.ClassDef) or not node.bases:
            continue
        values = {}
        for stmt in node.body.body:
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign):
                value = stmt.body[0].value
                for target in stmt.body[0].targets:
                    if isinstance(target.target, cst.Name) and isinstance(value, cst.SimpleString):
                        values[target.target.value] = value.evaluated_value
        name = values.get("name")
        if isinstance(name, str) and name:
            label = values.get("label")
            out.append((name, label if isinstance(label, str) and label else name.rsplit(".", 1)[-1]))
    return out


def code_only_apps(tree: SourceTree, packages: Iterable[str], own_labels: Iterable[str],
                   model_apps: Iterable[tuple[str, str]]) -> tuple[CodeApp, ...]:
    """The monolith's apps the service does not own (``own_labels``): those its ``apps.py`` modules
    declare, and the (package, label) of its models' apps; sorted by label."""
    packages = set(packages)
    apps = declared_apps(tree, packages)
    for package, label in model_apps:
        if package.split(".")[0] in packages:
            apps.setdefault(label, package)
    own = set(own_labels)
    return tuple(sorted(CodeApp(label, package, app_config_class(tree, package, label),
                                ready_imports(tree, package, label, packages, ()))
                        for label, package in apps.items() if label not in own))


def external_apps(resolved_apps: Iterable[str], monolith_packages: Iterable[str],
                  relation_labels: Iterable[str], present: Iterable[str]) -> tuple[str, ...]:
    """Third-party and contrib entries of the monolith's ``INSTALLED_APPS`` (``resolved_apps``), plus
    the contrib apps its relations point at (``sites.Site``), less those already ``present``."""
    monolith = set(monolith_packages)
    wanted = [a for a in resolved_apps if a.split(".")[0] not in monolith]
    wanted += [f"django.contrib.{label}" for label in sorted(set(relation_labels)) if label in CONTRIB]
    skip = set(present)
    return tuple(a for a in dict.fromkeys(wanted) if a not in skip)


def registry_context(analysis: Analysis, carried: CarriedCode, tree: SourceTree, installed: frozenset[str],
                     resolved: Mapping[str, str], framework: Iterable[str]) -> dict[str, Any]:
    """The template context of the service's app registry: code-only apps, the external apps,
    the bases their configs import, and what the database router lets ``migrate`` create."""
    own = {m.app_label for m in carried.models}
    model_apps = {(app_package(m.module), m.app_label) for m in analysis.models}
    code = code_only_apps(tree, installed, own, model_apps) if installed else ()
    if not code:
        return {"code_apps": [], "external_apps": [], "registry_apps": [], "own_tables": {},
                "kept_apps": [], **contrib_requirements(())}
    labels = {m.app_label for m in analysis.models}
    targets = {f.target.split(".")[0] for m in analysis.models for f in m.fields if f.target} - labels
    external = external_apps(literal_list(resolved.get("INSTALLED_APPS")), installed, targets, framework)
    entries = [*external, *(f"service_project.apps.{a.class_name}" for a in code)]
    packages = {f"service_project.apps.{a.class_name}": a.package for a in code}
    packages.update({f"service_project.apps.{camel(label)}Config": package for package, label in
                     {(app_package(m.module), m.app_label) for m in carried.models}})
    order = literal_list(resolved.get("INSTALLED_APPS"))
    return {
        "registry_apps": monolith_order([*packages.keys() - set(entries), *entries], packages, order),
        "code_apps": [{"label": a.label, "package": a.package, "class_name": a.class_name,
                       "base": a.base, "ready": list(a.ready)} for a in code],
        "external_apps": list(external),
        "own_tables": {label: sorted(m.name.lower() for m in carried.models if m.app_label == label)
                       for label in sorted(own)},
        "kept_apps": sorted({"service_project", *(a.rsplit(".", 1)[-1] for a in framework)}),
        **contrib_requirements([*framework, *external]),
    }


# (app, middleware, context processor) in startproject's order; auth's middleware needs sessions
_CONTRIB_NEEDS = (
    ("django.contrib.sessions", "django.contrib.sessions.middleware.SessionMiddleware", None),
    ("django.contrib.auth", "django.contrib.auth.middleware.AuthenticationMiddleware",
     "django.contrib.auth.context_processors.auth"),
    ("django.contrib.messages", "django.contrib.messages.middleware.MessageMiddleware",
     "django.contrib.messages.context_processors.messages"),
)


def contrib_requirements(registered: Iterable[str]) -> dict[str, list[str]]:
    """The middleware and context processors the registered contrib apps need when the monolith
    installs them: its views use sessions and messages, and ``django.contrib.admin``'s system checks
    (admin.E402-E410) fail without them. Only with sessions: the apps of a service that has none of
    them keep the service's own, token-based stack."""
    apps = set(registered)
    if "django.contrib.sessions" not in apps:
        return {"contrib_middleware": [], "contrib_context_processors": []}
    needed = [entry for entry in _CONTRIB_NEEDS if entry[0] in apps]
    return {"contrib_middleware": [middleware for _, middleware, _ in needed],
            "contrib_context_processors": [processor for _, _, processor in needed if processor]}


def literal_list(text: str | None) -> list[str]:
    """A resolved list setting (``INSTALLED_APPS``, ``MIDDLEWARE``: a list literal's repr), else []."""
    try:
        value = ast.literal_eval(text) if text else []
    except (ValueError, SyntaxError):
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def monolith_order(entries: list[str], packages: Mapping[str, str], order: list[str]) -> list[str]:
    """``entries`` (INSTALLED_APPS lines; ``packages``: a generated config -> its app's package) in
    the order of the monolith's ``INSTALLED_APPS``, so models import in the order the monolith's
    circular imports expect; entries it does not list keep their order, after the others."""
    def position(entry: str) -> int:
        package = packages.get(entry, entry)
        found = [i for i, app in enumerate(order) if app == package or app.startswith(package + ".apps.")]
        return found[0] if found else len(order)
    return sorted(entries, key=position)
