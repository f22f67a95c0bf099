"""What the project pass keeps for the next run: the models and the routes, each under the digest
of what it reads.

Each stage reads only some facts of each module, its *aspect*: the routes (with their
``login_required``) read a module's imports, definitions, URL facts, constants and access guards,
but never its references, ORM uses, SQL or signals, nor where a definition or an import is; the
models read the imports, the definitions with their places and the model candidates. An edit that
changes no fact of an aspect (a line appended, a body's calls, the lines of a module without URL
patterns moved, for the routes) finds that stage's last result under the same key. Each module's
aspect digests are kept by the digest of its facts, so only the modules an edit changed are
digested again; a module that star imports are expanded into (its facts depend on others') is
digested every run. Pure: the last :class:`KeptPass` in, the next one out; the caller stores it.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from analyzer.model.facts import Definition, ModelFact, ModuleFacts, RouteFact, SourceWarning

_Value = TypeVar("_Value")
_MARSHAL_VERSION = 2  # no back-references: equal values give equal bytes whatever their identity


@dataclass(frozen=True)
class ModuleAspects:
    """The digests of what each kept stage reads of one module."""

    routes: str
    models: str


@dataclass(frozen=True)
class Kept(Generic[_Value]):
    """A stage's result and the key of what it read."""

    key: str
    value: _Value


@dataclass(frozen=True)
class ResolvedModels:
    """The models stage: the models, each class's label, the models by label (in the resolver's
    order, which later stages iterate)."""

    models: tuple[ModelFact, ...]
    labels: dict[str, str]
    by_label: dict[str, ModelFact]


@dataclass(frozen=True)
class ResolvedRoutes:
    """The routes stage: the routes (``login_required`` set) and the warnings found on the way."""

    routes: tuple[RouteFact, ...]
    warnings: tuple[SourceWarning, ...]


@dataclass(frozen=True)
class KeptPass:
    """One project pass's kept parts: aspects by the digest of a module's facts, each stage's result."""

    aspects: Mapping[str, ModuleAspects]
    models: Kept[ResolvedModels] | None = None
    routes: Kept[ResolvedRoutes] | None = None


NOTHING_KEPT = KeptPass({})


@dataclass(frozen=True)
class Aspect:
    """The facts of a module one stage reads: whole ``fields``, and of those named in ``items``,
    only what that function returns of each item (plain data)."""

    fields: tuple[str, ...]
    items: Mapping[str, Callable[[Any], tuple[object, ...]]]

    def of(self, module: ModuleFacts) -> list[object]:
        """What the stage reads of ``module``, as plain data."""
        return [[self.items[name](item) for item in getattr(module, name)] if name in self.items
                else repr(getattr(module, name)) for name in self.fields]


_NAMES = ("path", "module", "is_package", "imports", "all_names", "definitions")  # canonical names
_IMPORT = attrgetter("scope", "local", "target", "level")
ROUTES = Aspect((*_NAMES, "access_guards", "constants", "url_namespace", "url_patterns", "url_helpers",
                 "url_calls", "url_collectors", "collector_calls", "object_mounts", "objects",
                 "registry_entries", "config_mounts", "literals", "ready_supers",
                 "passthrough"),
                {"imports": _IMPORT,
                 "definitions": attrgetter("qualname", "kind", "bases", "decorators", "method_decorators")})
MODELS = Aspect((*_NAMES, "model_candidates"),
                {"imports": _IMPORT, "definitions": lambda d: _class_place(d) or (d.qualname, d.kind)})


def _class_place(definition: Definition) -> tuple[object, ...]:
    """A class's bases and place (a model found through its bases only is placed there)."""
    if definition.kind != "class":
        return ()
    return definition.qualname, definition.bases, definition.path, definition.line, definition.end_line


def digest_of(*parts: Any) -> str:
    """The hash of plain data (marshal-able values)."""
    return hashlib.blake2b(marshal.dumps(parts, _MARSHAL_VERSION), digest_size=16).hexdigest()


class Aspects:
    """Each module's aspect digests: kept ones reused by the digest of the module's facts."""

    def __init__(self, kept: KeptPass, modules: Iterable[ModuleFacts], raw: Mapping[str, ModuleFacts],
                 facts_digests: Mapping[str, str]) -> None:
        self.by_path: dict[str, ModuleAspects] = {}
        self.kept: dict[str, ModuleAspects] = {}  # for the next run
        for module in modules:
            digest = facts_digests.get(module.path) if raw.get(module.path) is module else None
            found = kept.aspects.get(digest) if digest is not None else None
            if found is None:
                found = ModuleAspects(digest_of(ROUTES.of(module)), digest_of(MODELS.of(module)))
            if digest is not None:
                self.kept[digest] = found
            self.by_path[module.path] = found

    def key(self, aspect: Callable[[ModuleAspects], str], *inputs: object) -> str:
        """The key of a stage reading ``aspect`` of every module and ``inputs`` (plain data)."""
        return digest_of([aspect(a) for _, a in sorted(self.by_path.items())], *inputs)


def reused(kept: Kept[_Value] | None, key: str, compute: Callable[[], _Value]) -> Kept[_Value]:
    """``kept`` when it was computed under ``key``, else ``compute()`` under it."""
    return kept if kept is not None and kept.key == key else Kept(key, compute())
