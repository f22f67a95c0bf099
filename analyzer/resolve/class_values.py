"""Project pass for ``self.ATTR`` in route text: the attribute's static value on the class.

A method of ``CLASS`` that builds a route from ``self.ATTR`` (``{?ref:CLASS.ATTR}``) gets the
value Django would read at run time: the first class of ``CLASS``'s method resolution order (its
bases, across modules) that sets ``ATTR`` statically (:mod:`analyzer.facts.class_values`). A
subclass that overrides it changes the value for its own instances, so every overriding value
in the project (outside its tests) is one of the alternatives (``{?alt:A|B}``). None when no
class on the way sets it.
"""

from __future__ import annotations

from analyzer.facts.class_values import alternatives
from analyzer.facts.route_text import MARKER, OPEN
from analyzer.model.facts import ModuleFacts
from analyzer.model.source_paths import is_test_path
from analyzer.resolve.canonical import Canonical

_DEPTH = 30


class Unknown:
    """A value no pass can know (a class of one instance, :data:`UNKNOWN`)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()
LITERALS: dict[str, bool | None] = {"None": None, "True": True, "False": False}


class ClassValues:
    """Class attributes' static values, looked up through bases and subclasses."""

    def __init__(self, modules: tuple[ModuleFacts, ...], canonical: Canonical) -> None:
        self.canonical = canonical
        self.modules = modules
        self._bases: dict[str, tuple[str, ...]] | None = None
        self._module_of: dict[str, str] = {}
        self._tests: set[str] = set()  # classes of test modules: they override for their tests only
        self._constants = {m.module: m.constants for m in modules if m.constants}
        self._literals = {m.module: dict(m.literals) for m in modules if m.literals}
        self._values: dict[str, dict[str, str]] = {}
        self._found: dict[tuple[str, str], str | None] = {}
        self._linear: dict[str, list[str]] = {}
        self._descendants: dict[str, list[str]] | None = None

    def is_class(self, qualname: str) -> bool:
        """Whether ``qualname`` is a class of the project."""
        return qualname in self._index()

    def project_classes(self) -> list[str]:
        """Every class of the project, sorted."""
        return sorted(self._index())

    def ancestors(self, klass: str) -> list[str]:
        """``klass`` then its ancestors that are classes of the project, depth first."""
        return [owner for owner in self._mro(klass) if owner in self._index()]

    def linearization(self, klass: str) -> list[str]:
        """``klass``'s method resolution order (C3, as Python computes it), its classes outside
        the project included; the depth-first order when the bases admit no C3 order."""
        index = self._index()
        if klass not in self._linear:
            self._linear[klass] = [klass]  # a cycle in broken code stops here
            sequences = [list(self.linearization(b)) for b in index.get(klass, ())]
            sequences.append(list(index.get(klass, ())))
            merged = _c3_merge(sequences)
            self._linear[klass] = [klass, *merged] if merged is not None else self._mro(klass)
        return self._linear[klass]

    def descendants(self, klass: str) -> list[str]:
        """The project's classes outside its tests with ``klass`` among their ancestors, sorted."""
        if self._descendants is None:  # each class's direct subclasses
            self._descendants = {}
            for other, bases in self._index().items():
                for base in bases:
                    self._descendants.setdefault(base, []).append(other)
        found: set[str] = set()
        stack = [klass]
        while stack:
            for child in self._descendants.get(stack.pop(), ()):
                if child not in found and child != klass:
                    found.add(child)
                    stack.append(child)
        return sorted(found - self._tests)

    def inherited(self, klass: str, attribute: str) -> str | None:
        """The value of ``klass.attribute`` its own class or first base gives (no subclass's)."""
        for owner in self._mro(klass):
            own = self._own(owner, attribute)
            if own is not None:
                return own
        return None

    def in_tests(self, klass: str) -> bool:
        """Whether ``klass`` is a class of a test module."""
        return self.is_class(klass) and klass in self._tests

    def value(self, klass: str, attribute: str) -> str | None:
        """``klass.attribute``'s route text: its own or inherited value and its subclasses'."""
        key = (klass, attribute)
        if key not in self._found:
            self._found[key] = self._value(klass, attribute)
        return self._found[key]

    def attribute(self, klass: str, attribute: str) -> str | bool | Unknown | None:
        """What ``klass().attribute`` reads, as Python looks it up (its C3 order): the first class
        of the project that sets it to static text or to ``None`` / ``True`` / ``False``;
        :data:`UNKNOWN` when none does, or a class that may set it does so otherwise."""
        for owner in self.linearization(klass):
            text = self._own(owner, attribute)
            if text is not None:
                return text if OPEN not in text else UNKNOWN
            module = self._module_of.get(owner)
            literal = self._literals.get(module, {}).get(f"{owner.removeprefix(f'{module}.')}.{attribute}") \
                if module is not None else None
            if literal is not None:
                return LITERALS[literal]
        return UNKNOWN

    def getattr_sources(self, klass: str) -> list[str]:
        """What ``klass``'s ``__getattr__`` (its own or inherited) reads attributes from, in turn."""
        for owner in self._mro(klass):
            own = self._own(owner, "__getattr__")
            found = MARKER.fullmatch(own or "")
            if found is not None and found[1].startswith("getattr:"):
                return found[1][len("getattr:"):].split("|")
        return []

    def _value(self, klass: str, attribute: str) -> str | None:
        values: set[str] = set()
        for owner in self._mro(klass):
            own = self._own(owner, attribute)
            if own is not None:
                values |= _split(own)
                break
        if not values:
            return None
        for other in self._index():
            if other != klass and other not in self._tests and klass in self._mro(other):
                own = self._own(other, attribute)
                values |= _split(own) if own is not None else set()
        return alternatives(values)

    def _own(self, klass: str, attribute: str) -> str | None:
        module = self._module_of.get(klass)
        if module is None:
            return None
        values = self._values.get(module)
        if values is None:
            values = self._values[module] = dict(self._constants.get(module, ()))
        return values.get(f"{klass.removeprefix(module + '.')}.{attribute}")

    def _mro(self, klass: str) -> list[str]:
        """``klass`` then its ancestors, depth first, each once (Django's classes rarely differ
        from C3 for a value read)."""
        index = self._index()
        order: list[str] = []
        stack = [klass]
        while stack and len(order) < _DEPTH:
            current = stack.pop()
            if current in order:
                continue
            order.append(current)
            stack.extend(reversed(index.get(current, ())))
        return order

    def _index(self) -> dict[str, tuple[str, ...]]:
        if self._bases is None:
            self._bases = {}
            for facts in self.modules:
                test = None
                for definition in facts.definitions:
                    if definition.kind == "class":
                        self._bases[definition.qualname] = tuple(self.canonical(b) for b in definition.bases)
                        self._module_of[definition.qualname] = facts.module
                        test = is_test_path(facts.path) if test is None else test
                        if test:
                            self._tests.add(definition.qualname)
        return self._bases


def _c3_merge(sequences: list[list[str]]) -> list[str] | None:
    merged: list[str] = []
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return merged
        head = next((s[0] for s in sequences if not any(s[0] in t[1:] for t in sequences)), None)
        if head is None:
            return None
        merged.append(head)
        for sequence in sequences:
            if sequence[0] == head:
                del sequence[0]


def _split(text: str) -> set[str]:
    found = MARKER.fullmatch(text)
    if found is not None and found[1].startswith("alt:"):
        return set(found[1][4:].split("|"))
    return {text}
