"""Project pass for registries of objects: the patterns that ``method:M`` stands for.

A loop ``for module in registry: urls += module.get_urls()`` (:mod:`analyzer.facts.url_hooks`)
adds the patterns of method ``M`` of whatever objects the registry holds at run time. Statically,
those are the project's classes (outside its tests) whose ``M`` builds URL patterns, provided they
form one family: one topmost class of the project that defines ``M``, the base the registry's
objects share (shuup's ``AdminModule``). Classes of several families answering ``M`` leave the
objects' class ambiguous: none is joined, and the loop says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.resolve.class_values import ClassValues


@dataclass(frozen=True)
class Family:
    """The methods ``M`` a registry loop may call: their qualified names and their families'
    topmost classes (one root: the members are joined; several: ambiguous)."""

    method: str
    members: tuple[str, ...]
    roots: tuple[str, ...]

    @property
    def joined(self) -> bool:
        """Whether the loop gets the members' patterns."""
        return len(self.roots) == 1


def method_family(method: str, functions: Iterable[str], classes: ClassValues,
                  defined: frozenset[str]) -> Family:
    """The family of ``method`` among ``functions`` (qualified names of the functions and methods
    that build patterns); ``defined`` is every method the project defines."""
    members: list[str] = []
    roots: set[str] = set()
    for function in sorted(functions):
        klass, _, name = function.rpartition(".")
        if name != method or not classes.is_class(klass) or classes.in_tests(klass):
            continue
        members.append(function)
        defining = [a for a in classes.ancestors(klass) if f"{a}.{method}" in defined]
        roots.add(defining[-1] if defining else klass)
    return Family(method, tuple(members), tuple(sorted(roots)))
