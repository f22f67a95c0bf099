"""Project pass for ``from x import *``: the names a star import brings, from the project's modules.

A module's star-exported names are its literal ``__all__`` when it has one, else its public
top-level names: classes and functions it defines, names it imports (and those of its own star
imports). A module that star-imports project modules then gets its unresolved references and
class bases resolved through them (the last star import that exports a name wins, as in
Python), and ``pkg.Name`` re-exported that way leads to where ``Name`` is defined.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from analyzer.model.facts import Definition, ImportFact, ModelCandidate, ModuleFacts, Reference

_DEPTH = 10
_Based = TypeVar("_Based", Definition, ModelCandidate)


class StarExports:
    """Answers "which names does ``from module import *`` bring?" for the project's modules."""

    def __init__(self, modules: tuple[ModuleFacts, ...]) -> None:
        self.by_module = {m.module: m for m in modules}
        self.stars: dict[str, list[str]] = {}  # module -> its star-imported modules, in order
        for facts in modules:
            for item in facts.imports:
                if item.local == "*" and item.scope == facts.module:
                    self.stars.setdefault(facts.module, []).append(item.target)
        self._cache: dict[str, dict[str, str]] = {}

    def names(self, module: str, depth: int = 0) -> dict[str, str]:
        """Name -> qualified name of what ``from module import *`` binds (empty if unknown)."""
        if module in self._cache:
            return self._cache[module]
        facts = self.by_module.get(module)
        if facts is None or depth > _DEPTH:
            return {}
        self._cache[module] = {}  # cycle guard
        found = self.star_names(facts, depth)
        found.update(_own_names(facts))
        if facts.all_names is not None:
            found = {n: found.get(n, f"{module}.{n}") for n in facts.all_names}
        else:
            found = {n: q for n, q in found.items() if not n.startswith("_")}
        self._cache[module] = found
        return found

    def star_names(self, facts: ModuleFacts, depth: int = 0) -> dict[str, str]:
        """The names ``facts``'s own star imports bring into it (later imports win)."""
        found: dict[str, str] = {}
        for target in self.stars.get(facts.module, ()):
            found.update(_not_back_into(facts.module, self.names(target, depth + 1)))
        return found


def _not_back_into(module: str, names: dict[str, str]) -> dict[str, str]:
    """``names`` without those that point back into ``module`` itself: a sibling that imports
    ``from pkg import Name`` and is then star-imported by ``pkg`` re-exports nothing new."""
    return {n: q for n, q in names.items() if q != f"{module}.{n}"}


def bound_target(item: ImportFact) -> str:
    """What an import binds its local name to: ``import a.b.c`` binds ``a`` to the package ``a``
    (its fact's target is the module it imports, ``a.b.c``); every other form binds the target."""
    if item.level == 0 and "." in item.target and item.target.split(".", 1)[0] == item.local:
        return item.local
    return item.target


def _own_names(facts: ModuleFacts) -> dict[str, str]:
    prefix = f"{facts.module}."
    names = {
        d.qualname[len(prefix):]: d.qualname
        for d in facts.definitions
        if d.qualname.startswith(prefix) and "." not in d.qualname[len(prefix):]
    }
    names.update({i.local: bound_target(i) for i in facts.imports
                  if i.scope == facts.module and i.local != "*"})
    return names


def expand_star_imports(modules: tuple[ModuleFacts, ...]) -> tuple[ModuleFacts, ...]:
    """``modules`` with names from star imports of project modules resolved."""
    exports = StarExports(modules)
    return tuple(
        _expanded(m, _not_own(m, exports.star_names(m))) if m.module in exports.stars else m
        for m in modules
    )


def _not_own(facts: ModuleFacts, starred: dict[str, str]) -> dict[str, str]:
    """The star-imported names ``facts`` does not bind itself: a name the module imports or
    defines is already resolved in its facts (a class base written ``models.Model``)."""
    own = _own_names(facts)
    return {n: q for n, q in starred.items() if n not in own}


def star_reexports(modules: tuple[ModuleFacts, ...]) -> dict[str, str]:
    """``pkg.Name`` -> ``pkg.models.Name`` for names a module holds only through a star import."""
    exports = StarExports(modules)
    found: dict[str, str] = {}
    for module in exports.stars:
        facts = exports.by_module[module]
        starred = exports.star_names(facts)
        if starred:
            own = _own_names(facts)
            found.update({f"{facts.module}.{n}": q for n, q in starred.items() if n not in own})
    return found


def _expanded(facts: ModuleFacts, starred: dict[str, str]) -> ModuleFacts:
    if not starred:
        return facts
    return dataclasses.replace(
        facts,
        references=_references(facts.references, starred),
        definitions=tuple(_with_bases(d, starred) for d in facts.definitions),
        model_candidates=tuple(_with_bases(c, starred) for c in facts.model_candidates),
    )


def _resolved(name: str, starred: dict[str, str]) -> str | None:
    head, dot, rest = name.partition(".")
    target = starred.get(head)
    return None if target is None else f"{target}{dot}{rest}"


def _references(references: tuple[Reference, ...], starred: dict[str, str]) -> tuple[Reference, ...]:
    found: dict[tuple[str, str, str], Reference] = {}
    for ref in references:
        target = None if ref.resolved else _resolved(ref.target, starred)
        if target is not None:
            ref = dataclasses.replace(ref, target=target, resolved=True)
        key = (ref.scope, ref.target, ref.kind)
        if key in found:  # the same name, written resolved and through the star import
            first = found[key]
            ref = dataclasses.replace(first, count=first.count + ref.count)
        found[key] = ref
    return tuple(sorted(found.values(), key=lambda r: (r.line, r.scope, r.target, r.kind)))


def _with_bases(item: _Based, starred: dict[str, str]) -> _Based:
    bases = tuple(_resolved(b, starred) or b for b in item.bases)
    return item if bases == item.bases else dataclasses.replace(item, bases=bases)
