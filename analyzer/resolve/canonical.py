"""Where a name is defined: qualified names with re-exports followed to the defining module.

Every part of the project pass reads names through the one :data:`Canonical` function that
:func:`build_canonical` returns for the project's modules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from analyzer.model.facts import ModuleFacts
from analyzer.resolve.stars import bound_target, star_reexports

Canonical = Callable[[str], str]


def build_canonical(modules: tuple[ModuleFacts, ...]) -> Canonical:
    """A function mapping a qualified name to where it is defined, following re-exports
    (``from .models import Order`` and ``from .models import *`` in a package)."""
    exports = star_reexports(modules)
    exports.update({
        f"{i.scope}.{i.local}": bound_target(i)
        for m in modules for i in m.imports if i.scope == m.module and i.local != "*"
    })

    active: set[str] = set()  # names being followed: a module that re-exports its own name

    @functools.cache
    def canonical(name: str) -> str:
        if name in active:
            return name
        active.add(name)
        try:
            return follow(name)
        finally:
            active.discard(name)

    def follow(name: str) -> str:
        for _ in range(10):
            target = exports.get(name)
            if target is None:
                head, _, tail = name.rpartition(".")
                if not head or head not in exports:
                    return name
                target = f"{canonical(head)}.{tail}"
            if target == name:
                return name
            name = target
        return name

    return canonical
