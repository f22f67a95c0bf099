"""Project pass for app configs that add their app's URLconf to another module's list.

A :class:`ConfigMount` (:mod:`analyzer.facts.config_mounts`) is one way through a method of an
app config class that adds ``re_path(route, include((patterns, namespace)))`` to a URL list of
another module. Django calls ``ready()`` of every installed app config, so each installed config
whose class has the method in its method resolution order, and whose ``ready()`` runs it (the
method is ``ready`` or the class's own ``ready`` calls it, and every override of ``ready`` on
the way calls ``super().ready()``), adds the pattern of the one way its values take: each guard
is read on that config's class (``self.X``, :meth:`ClassValues.attribute`) or on another module's
value (a constant, a literal, a declared setting's default); a guard no pass can decide takes no
way. ``self.X`` in the texts is that class's value, and the included list must be one of the
tree (``import_string`` of a missing URLconf raises ``ImportError``, which such code skips).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from analyzer.facts.route_text import MARKER, OPEN
from analyzer.model.facts import ConfigMount, ModuleFacts, UrlPattern
from analyzer.resolve.app_modules import AppConfigs
from analyzer.resolve.class_values import LITERALS, UNKNOWN, ClassValues, Unknown
from analyzer.resolve.route_values import RouteValues

Key = tuple[str, str]  # (module, container)
Value = str | bool | Unknown | None
_DEPTH = 6


def config_mount_patterns(modules: tuple[ModuleFacts, ...], configs: AppConfigs, values: RouteValues,
                          lists: Collection[Key]) -> dict[Key, list[UrlPattern]]:
    """The includes each installed app config's mounts add, by the list they join (each
    pattern's ``container`` is the list's name; its place is the mount's)."""
    mounts = [(m.module, mount) for m in modules for mount in m.config_mounts if mount.entry]
    if not mounts:
        return {}
    reader = _Reader(modules, values)
    found: dict[Key, list[UrlPattern]] = {}
    seen: set[tuple[Key, str, str | None, str | None]] = set()
    for klass, _ in configs.names:
        for module, mount in mounts:
            pattern = reader.pattern(klass, module, mount, lists)
            if pattern is None:
                continue
            key = _key(mount.target)
            if (key, pattern.route, pattern.include, pattern.namespace) not in seen:
                seen.add((key, pattern.route, pattern.include, pattern.namespace))
                found.setdefault(key, []).append(pattern)
    return found


def _key(target: str) -> Key:
    module, _, name = target.rpartition(".")
    return module, name


class _Reader:
    """Reads a mount's guards and texts for one app config class."""

    def __init__(self, modules: tuple[ModuleFacts, ...], values: RouteValues) -> None:
        self.values = values
        self.classes: ClassValues = values.classes
        self.literals = {m.module: dict(m.literals) for m in modules if m.literals}
        self.supers = frozenset(k for m in modules for k in m.ready_supers)
        self.readies = frozenset(d.qualname.removesuffix(".ready") for m in modules for d in m.definitions
                                 if d.kind == "method" and d.qualname.endswith(".ready"))

    def pattern(self, klass: str, module: str, mount: ConfigMount,
                lists: Collection[Key]) -> UrlPattern | None:
        """The include ``mount`` adds for an installed ``klass``, when its way is the one taken."""
        if not self._runs(klass, mount.klass) or not all(self._holds(klass, g) for g in mount.guards):
            return None
        route, include = self._text(klass, mount.route), self._text(klass, mount.include)
        namespace = self._text(klass, mount.namespace) if mount.namespace is not None else None
        if OPEN in include or _key(include) not in lists or (namespace is not None and OPEN in namespace):
            return None
        if any(not m.startswith("ref:") for m in MARKER.findall(route)):  # no pass knows it: no guess
            return None
        return UrlPattern(module, _key(mount.target)[1], "include", route, None, "include", include,
                          namespace, None, mount.path, mount.line)

    def _runs(self, klass: str, owner: str) -> bool:
        """Whether ``klass().ready()`` reaches ``owner``'s: no override on the way skips ``super()``."""
        for cls in self.classes.linearization(klass):
            if cls == owner:
                return True
            if cls in self.readies and cls not in self.supers:
                return False
        return False

    def _holds(self, klass: str, guard: str) -> bool:
        test, _, reference = guard.partition(":")
        value = self._value(klass, reference, 0)
        if isinstance(value, Unknown) or test == "unknown":
            return False
        truthy = bool(value)
        return {"truthy": truthy, "falsy": not truthy, "none": value is None,
                "some": value is not None}.get(test, False)

    def _value(self, klass: str, reference: str, depth: int) -> Value:
        reference = self.values.canonical(reference)
        owner, _, attribute = reference.rpartition(".")
        if owner in self.classes.linearization(klass):  # ``self.X``: the config's own class's
            return self.classes.attribute(klass, attribute)
        for module, name in _splits(reference):
            text = self.values.constants.get(module, {}).get(name)
            literal = self.literals.get(module, {}).get(name)
            if literal is not None:
                return LITERALS[literal]
            if text is None:
                continue
            found = MARKER.fullmatch(text)
            if found is not None and found[1].startswith("ref:") and depth < _DEPTH:
                return self._value(klass, found[1][4:], depth + 1)
            return text if OPEN not in text else UNKNOWN
        return UNKNOWN

    def _text(self, klass: str, text: str) -> str:
        """``text`` with ``self.X`` read on ``klass`` and the values the guards read filled in,
        then the other markers."""
        lineage = self.classes.linearization(klass)

        def substitute(found: re.Match[str]) -> str:
            reference = found[1].removeprefix("ref:")
            if not found[1].startswith("ref:"):
                return found[0]
            owner, _, attribute = reference.rpartition(".")
            value = self.classes.attribute(klass, attribute) if owner in lineage else \
                self._value(klass, reference, 0)
            return value if isinstance(value, str) else found[0]

        return self.values.fill(MARKER.sub(substitute, text))


def _splits(reference: str) -> list[tuple[str, str]]:
    """(module, name) for each way of reading ``a.b.C.d`` as a module and a name in it."""
    parts = reference.split(".")
    return [(".".join(parts[:i]), ".".join(parts[i:])) for i in range(len(parts) - 1, 0, -1)]
