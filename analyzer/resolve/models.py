"""Project pass for models: which candidate classes are models, their labels, tables and relations.

A class is a model when its bases lead (through project classes, re-exports followed) to
``django.db.models.Model`` or a known third-party model class (``EXTERNAL_MODEL_BASES``, or a
``*Model`` class of the ``models`` module of an installed app); other external classes
(``treebeard.admin.TreeAdmin``, ``BaseUserManager``, ``ninja.params.models.BodyModel``) are not,
even when their module is called ``models``. A base written as the project imports it from a
package directory on ``sys.path`` (``io_storages.base_models`` for
``label_studio.io_storages.base_models``) is found under the project's top-level packages.
Classes in tests, migrations and function bodies are never models
(:mod:`analyzer.resolve.model_scope`). A proxy maps to the table of its nearest concrete parent.
Relation targets given as ``"app.Model"``, ``"Model"``, ``"self"``, a class, or
``settings.AUTH_USER_MODEL`` become labels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from analyzer.facts.django_names import (
    AUTH_USER_SETTING,
    CONTRIB_MODELS,
    EXTERNAL_MODEL_BASES,
    MODEL_BASES,
)
from analyzer.model.facts import AppFact, FieldFact, ModelCandidate, ModelFact, ModuleFacts
from analyzer.resolve.canonical import Canonical
from analyzer.resolve.model_scope import classes_that_cannot_be_models


class ModelResolver:
    """Holds the class index of a project and answers model questions about it."""

    def __init__(self, modules: tuple[ModuleFacts, ...], apps: tuple[AppFact, ...],
                 auth_user_model: str, canonical: Canonical,
                 installed_apps: tuple[str, ...] = ()) -> None:
        self.canonical = canonical
        self.auth_user_model = auth_user_model
        self.apps = sorted(apps, key=lambda a: len(a.name), reverse=True)
        self.installed_apps = frozenset(
            e.rpartition(".apps.")[0] or e for e in installed_apps)  # "pkg.apps.PkgConfig" -> pkg
        classes = {d.qualname for m in modules for d in m.definitions if d.kind == "class"}
        packages = sorted({m.module.split(".")[0] for m in modules})
        self.bases = {
            d.qualname: tuple(_in_project(canonical, _star_resolved(canonical(b), m, classes),
                                          classes, packages) for b in d.bases)
            for m in modules for d in m.definitions if d.kind == "class"
        }
        self.excluded = classes_that_cannot_be_models(modules)
        self.candidates = {c.qualname: c for m in modules for c in m.model_candidates}
        self.places = {
            d.qualname: (m.module, d.path, d.line, d.end_line)
            for m in modules for d in m.definitions if d.kind == "class"
        }
        self._is_model: dict[str, bool] = {}
        self.labels: dict[str, str] = {}  # qualname -> label
        self.by_label: dict[str, ModelFact] = {}

    def is_model(self, qualname: str, depth: int = 0) -> bool:
        """Whether ``qualname`` is a Django model class (abstract ones included)."""
        if qualname in MODEL_BASES:
            return True
        if qualname in self._is_model:
            return self._is_model[qualname]
        if depth > 30:
            return False
        bases = self.bases.get(qualname)
        if bases is None:
            result = _external_model_base(qualname, self.installed_apps)
        else:
            self._is_model[qualname] = False  # cycle guard
            result = any(self.is_model(base, depth + 1) for base in bases)
        self._is_model[qualname] = result
        return result

    def resolve(self) -> tuple[ModelFact, ...]:
        """All models of the project, sorted by label."""
        drafts = [c for q, c in sorted(self.candidates.items())
                  if q not in self.excluded and self.is_model(q)]
        drafts += [
            _bare_candidate(q, self.places[q]) for q in sorted(self.bases)
            if q not in self.candidates and q not in self.excluded and self.is_model(q)
        ]
        for draft in drafts:
            self.labels[draft.qualname] = f"{self.app_label_of(draft)}.{draft.name}"
        models = [self._model(draft) for draft in drafts]
        self.by_label = {m.label: m for m in models}
        models = [self._with_inherited_fields(m) for m in models]
        self.by_label = {m.label: m for m in models}
        return tuple(sorted(models, key=lambda m: (m.label, m.qualname)))

    def app_label_of(self, candidate: ModelCandidate) -> str:
        """Meta.app_label (its own, or the one its Meta inherits, as for ``db_table``), else the
        app whose package holds the module, else the package name."""
        label = self._meta_value(candidate, "app_label", lambda c: c.app_label)
        if isinstance(label, str) and label:
            return label
        module = candidate.module
        for app in self.apps:
            if module == app.name or module.startswith(app.name + "."):
                return app.label
        parts = module.split(".")
        if "models" in parts[1:]:
            return parts[parts.index("models", 1) - 1]
        return parts[-2] if len(parts) > 1 else parts[0]

    def label_of(self, reference: str | None, own: ModelCandidate, own_label: str) -> str | None:
        """The label of a relation target as written in a field of ``own``."""
        if reference is None:
            return None
        if reference == "self":
            return own_label
        if reference == AUTH_USER_SETTING or reference.endswith("AUTH_USER_MODEL"):
            return self.auth_user_model
        if reference in self.labels:
            return self.labels[reference]
        canonical = self.canonical(reference)
        if canonical in self.labels:
            return self.labels[canonical]
        for label, qualname in CONTRIB_MODELS.items():
            if canonical == qualname:
                return label
        if "." not in reference:
            return f"{own_label.split('.')[0]}.{reference}"
        return reference if reference.count(".") == 1 else None

    def _model(self, draft: ModelCandidate) -> ModelFact:
        label = self.labels[draft.qualname]
        app_label = label.split(".")[0]
        bases = self.bases.get(draft.qualname, draft.bases)
        model_bases = [b for b in bases if b in self.labels]
        abstract_bases = [b for b in model_bases if self._abstract(b)]
        concrete = [self.labels[b] for b in model_bases if b not in abstract_bases]
        own_table, managed = self._meta_options(draft)
        db_table = own_table or ("" if draft.abstract else f"{app_label}_{draft.name.lower()}")
        fields = tuple(self._field(f, draft, label, db_table) for f in draft.fields)
        return ModelFact(
            name=draft.name, label=label, qualname=draft.qualname, module=draft.module,
            app_label=app_label, db_table=db_table, abstract=draft.abstract, proxy=draft.proxy,
            parents=tuple(concrete), abstract_parents=tuple(self.labels[b] for b in abstract_bases),
            fields=fields, managers=draft.managers, path=draft.path, line=draft.line,
            end_line=draft.end_line, managed=managed,
        )

    def _meta_options(self, draft: ModelCandidate) -> tuple[str | None, bool]:
        """(``db_table``, ``managed``) of ``draft`` as Django builds its options (oscar's
        ProductCategoryHierarchy takes its abstract base's view name and ``managed = False``)."""
        table = self._meta_value(draft, "db_table", lambda c: c.db_table)
        managed = self._meta_value(draft, "managed", lambda c: c.managed)
        return (table if isinstance(table, str) else None), managed is not False

    def _meta_value(self, draft: ModelCandidate, key: str,
                    read: Callable[[ModelCandidate], str | bool | None]) -> str | bool | None:
        """Meta option ``key`` of ``draft``: its own Meta's when it sets it, else, when its Meta
        inherits (none of its own, or ``class Meta(Base.Meta)``), the Meta Python finds on its
        ancestors: ``ModelBase`` keeps ``Meta`` on abstract models only, so the nearest abstract
        ancestor's, concrete parents passed through."""
        current = draft
        for _ in range(30):
            if key in current.meta_keys or not current.meta_inherits:
                return read(current)
            holder = self._meta_holder(current.qualname, frozenset())
            if holder is None:
                return read(current)
            current = holder
        return read(current)

    def _meta_holder(self, qualname: str, seen: frozenset[str]) -> ModelCandidate | None:
        """The first abstract model among ``qualname``'s ancestors, bases in order, depth first."""
        for base in self.bases.get(qualname, ()):
            if base in seen or not self.is_model(base):
                continue
            candidate = self.candidates.get(base)
            if candidate is not None and candidate.abstract:
                return candidate
            found = self._meta_holder(base, seen | {base})
            if found is not None:
                return found
        return None

    def _abstract(self, qualname: str) -> bool:
        candidate = self.candidates.get(qualname)
        return candidate is not None and candidate.abstract

    def _field(self, field: FieldFact, draft: ModelCandidate, label: str, table: str) -> FieldFact:
        if field.relation is None or field.target is None:
            return field
        target = self.label_of(field.target, draft, label)
        through = self.label_of(field.through, draft, label) if field.through else None
        m2m_table = f"{table}_{field.name}" if field.relation == "m2m" and not through else None
        return dataclasses.replace(field, target_label=target, through_label=through,
                                   m2m_table=m2m_table)

    def _with_inherited_fields(self, model: ModelFact) -> ModelFact:
        inherited = self._inherited_fields(model, frozenset({model.label}))
        if model.db_table and not (model.abstract or model.proxy):  # a join table is the concrete model's
            inherited = [dataclasses.replace(f, m2m_table=f"{model.db_table}_{f.name}") if f.m2m_table else f
                         for f in inherited]
        if model.proxy:
            model = dataclasses.replace(model, db_table=self._concrete_table(model))
        return dataclasses.replace(model, fields=model.fields + tuple(inherited))

    def _inherited_fields(self, model: ModelFact, seen_models: frozenset[str]) -> list[FieldFact]:
        """The fields of ``model``'s abstract bases, theirs included (nearest base first)."""
        inherited: list[FieldFact] = []
        seen = {f.name for f in model.fields}
        for parent_label in model.abstract_parents:
            parent = self.by_label.get(parent_label)
            if parent is None or parent_label in seen_models:
                continue
            own = [dataclasses.replace(f, inherited_from=parent_label) for f in parent.fields]
            for field in own + self._inherited_fields(parent, seen_models | {parent_label}):
                if field.name not in seen:
                    seen.add(field.name)
                    inherited.append(field)
        return inherited

    def _concrete_table(self, proxy: ModelFact) -> str:
        """The table of the nearest concrete parent of ``proxy`` (proxies of proxies followed)."""
        current, seen = proxy, {proxy.label}
        while current.proxy and current.parents and current.parents[0] not in seen:
            parent = self.by_label.get(current.parents[0])
            if parent is None:
                return proxy.db_table
            seen.add(parent.label)
            current = parent
        return current.db_table


def _star_resolved(base: str, module: ModuleFacts, classes: set[str]) -> str:
    """A base name left unresolved in a module with ``from x import *``: look it up in ``x``."""
    if "." in base:
        return base
    for imported in module.imports:
        if imported.local == "*" and f"{imported.target}.{base}" in classes:
            return f"{imported.target}.{base}"
    return base


def _in_project(canonical: Canonical, base: str, classes: set[str], packages: list[str]) -> str:
    """``base`` as a project class: as written, else under one of the project's top-level packages
    (a package directory on ``sys.path`` is imported without its parent's name)."""
    if base in classes or "." not in base:
        return base
    for package in packages:
        inside = canonical(f"{package}.{base}")
        if inside in classes:
            return inside
    return base


def _external_model_base(qualname: str, installed_apps: frozenset[str] = frozenset()) -> bool:
    """Whether a class defined outside the project is a model: a known one, or a ``*Model`` class
    of an installed app's ``models`` module (``ninja.params.models.BodyModel`` is pydantic)."""
    if qualname in EXTERNAL_MODEL_BASES:
        return True
    module, _, name = qualname.rpartition(".")
    app = module.rpartition(".models")[0] if module.endswith(".models") else ""
    return bool(app) and app in installed_apps and name.endswith("Model") and name[:1].isupper()


def _bare_candidate(qualname: str, place: tuple[str, str, int, int]) -> ModelCandidate:
    module, path, line, end_line = place
    name = qualname.rpartition(".")[2]
    return ModelCandidate(qualname, name, module, (), (), (), None, None, False, False, path, line,
                          end_line, meta_inherits=True)  # no body facts, so no Meta of its own
