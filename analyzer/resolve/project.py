"""The project-level pass: per-module facts -> ``ProjectFacts``.

Follows re-exports (``from .models import Order`` in a package ``__init__``) to the defining
module, decides which classes are models, resolves relation targets and URL ``include`` chains,
and attaches models to ORM uses, signal senders and atomic blocks (writes one call deep). The
models and the routes are reused from the last pass while what they read is unchanged
(:mod:`analyzer.resolve.kept`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from operator import attrgetter

from analyzer.facts.admin_urls import AUTH_USER
from analyzer.model.facts import (
    FACTS_SCHEMA_VERSION,
    AtomicBlock,
    ModelFact,
    ModuleFacts,
    OrmQuery,
    ProjectFacts,
    RouteFact,
    SignalReceiver,
    SourceWarning,
)
from analyzer.resolve.canonical import Canonical, build_canonical
from analyzer.resolve.dropped_tables import without_dropped_tables
from analyzer.resolve.kept import NOTHING_KEPT, Aspects, KeptPass, ResolvedModels, ResolvedRoutes, reused
from analyzer.resolve.models import ModelResolver
from analyzer.resolve.route_access import mark_login_required
from analyzer.resolve.routes import RouteResolver
from analyzer.resolve.sql_files import project_sql_sites
from analyzer.resolve.sql_helpers import helper_sql_sites
from analyzer.resolve.stars import expand_star_imports
from analyzer.source.discover import Project


def resolve_project(project: Project, modules: tuple[ModuleFacts, ...], tool_version: str) -> ProjectFacts:
    """Assemble the project facts from discovery and the per-module facts (sorted by path)."""
    return resolve_keeping(project, modules, tool_version)[0]


def resolve_keeping(
    project: Project, modules: tuple[ModuleFacts, ...], tool_version: str,
    kept: KeptPass = NOTHING_KEPT, facts_digests: Mapping[str, str] | None = None,
) -> tuple[ProjectFacts, KeptPass]:
    """:func:`resolve_project` reusing the models and the routes ``kept`` by the last pass when what
    they read is unchanged (``facts_digests``: each module's facts digest by path, by which its
    aspect digests are kept); the project facts and what to keep for the next pass."""
    raw = {m.path: m for m in modules}
    modules = expand_star_imports(tuple(sorted(modules, key=lambda m: m.path)))
    canonical = build_canonical(modules)
    settings = project.settings
    aspects = Aspects(kept, modules, raw, facts_digests or {})
    found = reused(kept.models, aspects.key(
        attrgetter("models"), repr(project.apps), settings.auth_user_model, settings.installed_apps,
    ), lambda: _models(project, modules, canonical))
    model_labels = {m.qualname: m.label for m in found.value.models} | {AUTH_USER: settings.auth_user_model}
    routed = reused(kept.routes, aspects.key(
        attrgetter("routes"), settings.module, settings.root_urlconf, settings.installed_apps,
        project.setting_strings, list(model_labels.items()),
    ), lambda: _resolved_routes(project, modules, canonical, model_labels))
    return _assembled(project, modules, tool_version, canonical, found.value, routed.value), KeptPass(
        aspects.kept, found, routed)


def _models(project: Project, modules: tuple[ModuleFacts, ...], canonical: Canonical) -> ResolvedModels:
    settings = project.settings
    resolver = ModelResolver(modules, project.apps, settings.auth_user_model, canonical,
                             settings.installed_apps)
    models = resolver.resolve()
    return ResolvedModels(models, resolver.labels, resolver.by_label)


def _resolved_routes(project: Project, modules: tuple[ModuleFacts, ...], canonical: Canonical,
                     model_labels: Mapping[str, str]) -> ResolvedRoutes:
    settings = project.settings
    resolver = RouteResolver(modules, canonical, settings.module, project.setting_strings,
                             settings.installed_apps, model_labels)
    routes = mark_login_required(_routes(resolver, settings.root_urlconf), modules, canonical)
    return ResolvedRoutes(routes, tuple(resolver.warnings))


def _assembled(project: Project, modules: tuple[ModuleFacts, ...], tool_version: str, canonical: Canonical,
               resolved: ResolvedModels, routed: ResolvedRoutes) -> ProjectFacts:
    """The project facts from the models, the routes and what is joined per module."""
    models, labels = resolved.models, resolved.labels
    orm = _orm(modules, labels, canonical, resolved.by_label)
    warnings = sorted(
        [*project.warnings, *(w for m in modules for w in m.warnings), *routed.warnings],
        key=lambda w: (w.path, w.line, w.code),
    )
    return ProjectFacts(
        schema_version=FACTS_SCHEMA_VERSION,
        tool_version=tool_version,
        settings=project.settings,
        apps=project.apps,
        models=models,
        routes=routed.routes,
        orm=orm,
        signals=_signals(modules, labels, canonical),
        atomic_blocks=_atomics(modules, labels, canonical, orm),
        tasks=tuple(t for m in modules for t in m.tasks),
        commands=tuple(c for m in modules for c in m.commands),
        sql=without_dropped_tables(project_sql_sites(modules) + helper_sql_sites(modules, canonical),
                                   modules, models, project.apps),
        modules=modules,
        warnings=tuple(warnings),
        files=len(modules),
        lines=sum(m.lines for m in modules),
    )


def _routes(resolver: RouteResolver, root_urlconf: str | None) -> tuple[RouteFact, ...]:
    """The routes; an include chain too deep to follow is a warning, never a failed run."""
    try:
        return resolver.resolve(root_urlconf)
    except RecursionError:
        resolver.warnings.append(SourceWarning(
            root_urlconf or "", 1, "unresolved-route", "unresolved route: include chains too deep to follow"))
        return ()


def _orm(
    modules: tuple[ModuleFacts, ...], labels: dict[str, str], canonical: Canonical,
    by_label: dict[str, ModelFact],
) -> tuple[OrmQuery, ...]:
    traversed = _Traversal(by_label)
    found = []
    for module in modules:
        for query in module.orm:
            label = labels.get(canonical(query.model))
            if label is None:
                continue
            found.append(dataclasses.replace(query, model=label, related=traversed(label, query.lookups)))
    return tuple(found)


class _Traversal:
    """The models a query's lookups (``lines__order__customer``) pass through, by relation fields
    and reverse relations; memoised (a project repeats its lookups)."""

    def __init__(self, by_label: dict[str, ModelFact]) -> None:
        self.reverse = _reverse_relations(by_label)
        self.fields: dict[str, dict[str, str | None]] = {}  # label -> field name -> its target
        for label, model in by_label.items():
            targets = self.fields[label] = {}
            for field in model.fields:
                targets.setdefault(field.name, field.target_label)  # the first of a name, as Django
        self.memo: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    def __call__(self, label: str, lookups: tuple[str, ...]) -> tuple[str, ...]:
        """The labels ``lookups`` reach from ``label`` (itself left out), sorted."""
        key = (label, lookups)
        if key not in self.memo:
            self.memo[key] = self._traversed(label, lookups)
        return self.memo[key]

    def _traversed(self, label: str, lookups: tuple[str, ...]) -> tuple[str, ...]:
        touched: set[str] = set()
        for lookup in lookups:
            current = label
            for segment in lookup.split("__"):
                fields = self.fields.get(current, {})
                following = fields[segment] if segment in fields else self.reverse.get((current, segment))
                if following is None:
                    break
                touched.add(following)
                current = following
        touched.discard(label)
        return tuple(sorted(touched))


def _reverse_relations(by_label: dict[str, ModelFact]) -> dict[tuple[str, str], str]:
    reverse: dict[tuple[str, str], str] = {}
    for model in by_label.values():
        for field in model.fields:
            if field.target_label:
                names = [field.related_name] if field.related_name else [
                    model.name.lower(), f"{model.name.lower()}_set"]
                for name in names:
                    if name and name != "+":
                        reverse[(field.target_label, name)] = model.label
    return reverse


def _signals(
    modules: tuple[ModuleFacts, ...], labels: dict[str, str], canonical: Canonical,
) -> tuple[SignalReceiver, ...]:
    custom = {canonical(d.qualname) for m in modules for d in m.signal_definitions}
    found = []
    for module in modules:
        for receiver in module.signal_receivers:
            signal = canonical(receiver.signal)
            if not (signal in custom or (signal.startswith("django.") and "signal" in signal)):
                continue
            sender = receiver.sender
            if sender is not None:
                sender = labels.get(canonical(sender), sender)
            found.append(dataclasses.replace(receiver, signal=signal, sender=sender,
                                             receiver=canonical(receiver.receiver)))
    return tuple(found)


def _atomics(
    modules: tuple[ModuleFacts, ...], labels: dict[str, str], canonical: Canonical,
    orm: tuple[OrmQuery, ...],
) -> tuple[AtomicBlock, ...]:
    writes_by_scope: dict[str, set[str]] = {}
    for query in orm:
        if query.access == "write":
            writes_by_scope.setdefault(query.scope, set()).add(query.model)
    found = []
    for module in modules:
        for block in module.atomic_blocks:
            direct = {labels[q] for q in map(canonical, block.models_written) if q in labels}
            calls = sorted({canonical(c) for c in block.calls})
            via = {m for c in calls if c != block.scope for m in writes_by_scope.get(c, ())}
            found.append(dataclasses.replace(
                block, models_written=tuple(sorted(direct | via)), calls=tuple(calls),
                models_written_via_calls=tuple(sorted(via - direct)),
            ))
    return tuple(found)
