"""Follow code from a root (a view, a model) to every definition it needs, and find boundary crossings.

A *crossing* is a place where carried code would need another service: a concrete model that
service owns, or a unit placed in that service whose own code touches data this service does not
own, or a relation that the extraction turned into a plain ID. Code with no crossing is carried over
unchanged; code with crossings becomes a stub that lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper, PositionProvider

from extractor.data_access import DataAccess
from extractor.pysource import Definition, ModuleIndex, SourceTree, references, words

DATA_PREFIX = "data: "  # ForeignUse.reference of raw SQL / ORM access the Analysis found
AUTH_NAMES = ("django.contrib.auth.models.", "django.contrib.auth.get_user_model")
RELATION_PREFIX = "relation "  # ForeignUse.target of a use of a relation the extraction made an ID


def is_relation_crossing(crossing: ForeignUse) -> bool:
    """Whether ``crossing`` is a use of a rewritten relation (stubbed where it is, see relations.py)."""
    return crossing.target.startswith(RELATION_PREFIX)


@dataclass(frozen=True, order=True)
class ForeignUse:
    """One use of another service's code or data: ``path:line``, the expression, and its owner."""

    path: str
    line: int
    reference: str  # the expression as written, e.g. "available_quantity"
    target: str  # qualified name, e.g. "inventory.services.available_quantity"
    owner: str  # the service that owns the target

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reference} -> {self.target} (service {self.owner})"


@dataclass(frozen=True)
class Boundary:
    """What belongs to the service being extracted, as the closure walk needs it."""

    service: str
    foreign_models: Mapping[str, str]  # qualified name of a concrete model -> owning service
    unit_services: Mapping[str, str]  # qualified name of a unit -> its service
    shared_modules: frozenset[str]  # modules that are copied whatever they touch
    rewritten_relations: Mapping[str, str]  # field of an own model that became an ID -> owner
    auth_owner: str = "monolith"  # the service owning django.contrib.auth's tables
    data_access: Mapping[str, tuple[DataAccess, ...]] = field(  # path -> foreign data access there
        default_factory=lambda: MappingProxyType({}))
    sql_files: Mapping[str, tuple[DataAccess, ...]] = field(  # name code loads a .sql file by -> access
        default_factory=lambda: MappingProxyType({}))
    replica_models: Mapping[str, str] = field(  # own model over a monolith DB view -> source services
        default_factory=lambda: MappingProxyType({}))
    installed: frozenset[str] = frozenset()  # top-level packages of the monolith that are installed

    def is_installed(self, qualified: str) -> bool:
        """Whether ``qualified`` lives in a package of the monolith that the service imports installed."""
        return qualified.split(".")[0] in self.installed


class Closure:
    """Memoised walk over the SourceTree from definitions to what they reference."""

    def __init__(self, tree: SourceTree, boundary: Boundary,
                 overrides: Mapping[str, cst.BaseStatement] | None = None) -> None:
        self.tree = tree
        self.boundary = boundary
        self.overrides = dict(overrides or {})
        self._crossings: dict[str, frozenset[ForeignUse]] = {}
        self._lines: dict[str, Mapping[str, int]] = {}
        self._spans: dict[str, Mapping[int, tuple[int, int]]] = {}

    def node(self, definition: Definition) -> cst.BaseStatement:
        """The statement to carry: the codemodded one when there is an override."""
        return self.overrides.get(definition.key, definition.node)

    def targets(self, definition: Definition) -> Iterable[tuple[str, str, Definition | None]]:
        """Yield (reference, qualified target, definition or None) for each name it reads."""
        module = self.tree.module(definition.module)
        assert module is not None
        for ref in sorted(references(self.node(definition))):
            head, _, rest = ref.partition(".")
            if head in module.definitions and head != definition.name:
                yield ref, f"{module.name}.{head}", module.definitions[head]
            elif head in module.imports or self.tree.star_source(module, head):
                source = module.imports.get(head) or f"{self.tree.star_source(module, head)}.{head}"
                qualified = ".".join(p for p in (source, rest) if p)
                found = self.tree.definition(qualified)
                yield ref, found.key if found else qualified, found

    def crossings(self, definition: Definition) -> frozenset[ForeignUse]:
        """Every crossing reachable from ``definition`` (memoised; cycles end the walk)."""
        key = definition.key
        if key not in self._crossings:
            self._crossings[key] = frozenset()
            self._crossings[key] = frozenset(self._walk(definition))
        return self._crossings[key]

    def _walk(self, definition: Definition) -> Iterable[ForeignUse]:
        for ref, target, found in self.targets(definition):
            owner = self._foreign_owner(target, found)
            if owner is not None:
                yield self._crossing(definition, ref, target, owner)
            elif target in self.boundary.replica_models and not self._is_model(definition):
                yield self._crossing(definition, ref, f"{target}: a copied snapshot of a monolith database "
                                     "view over other services' tables", self.boundary.replica_models[target])
            elif found is not None:
                inner = self.crossings(found)
                unit_owner = self.boundary.unit_services.get(found.key, self.boundary.service)
                if inner and unit_owner != self.boundary.service and not self._shared(found):
                    yield self._crossing(definition, ref, found.key, unit_owner)
                    yield from (c for c in inner if c.reference.startswith(DATA_PREFIX))
                elif self._is_model(found):  # its code following a rewritten relation raises there
                    yield from (c for c in inner if not is_relation_crossing(c))
                else:
                    yield from inner
        yield from self._data_crossings(definition)
        if not self._is_model(definition):
            for word in sorted(words(self.node(definition))):
                relation = word.split("__")[0]
                owner = self.boundary.rewritten_relations.get(relation)
                if owner is not None:
                    target = f"{RELATION_PREFIX}{relation!r} (now an ID)"
                    yield self._crossing(definition, word, target, owner)

    def _data_crossings(self, definition: Definition) -> Iterable[ForeignUse]:
        """Raw SQL and ORM access to other services' tables that the Analysis found inside it."""
        module = self.tree.module(definition.module)
        assert module is not None
        first, last = self._span(module, definition)
        for access in self.boundary.data_access.get(self._relative(module), ()):
            if first <= access.line <= last:
                yield ForeignUse(access.path, access.line, f"{DATA_PREFIX}{access.kind}", access.subject,
                               access.owner)
        if self.boundary.sql_files and not self._is_model(definition):
            for word in sorted(_strings(self.node(definition))):
                for access in self.boundary.sql_files.get(word, ()):
                    yield ForeignUse(access.path, access.line, f"{DATA_PREFIX}{access.kind}",
                                   f"{access.subject} (loaded as {word!r} at {self._relative(module)}:"
                                   f"{self._line_of(module, definition, word)})", access.owner)

    def _span(self, module: ModuleIndex, definition: Definition) -> tuple[int, int]:
        if module.name not in self._spans:
            self._spans[module.name] = _spans(module.tree)
        return self._spans[module.name].get(id(definition.node), (0, -1))

    def _foreign_owner(self, target: str, found: Definition | None) -> str | None:
        if target in self.boundary.foreign_models:
            return self.boundary.foreign_models[target]
        if found is None and (target.startswith(AUTH_NAMES[0]) or target == AUTH_NAMES[1]):
            return None if self.boundary.auth_owner == self.boundary.service else self.boundary.auth_owner
        return None

    def _shared(self, definition: Definition) -> bool:
        return definition.module in self.boundary.shared_modules

    def _is_model(self, definition: Definition) -> bool:
        return definition.key in self.overrides

    def _crossing(self, definition: Definition, ref: str, target: str, owner: str) -> ForeignUse:
        module = self.tree.module(definition.module)
        assert module is not None
        line = self._line_of(module, definition, ref)
        return ForeignUse(self._relative(module), line, ref, target, owner)

    def _relative(self, module: ModuleIndex) -> str:
        try:
            return module.path.relative_to(self.tree.root).as_posix()
        except ValueError:
            return module.path.as_posix()

    def _line_of(self, module: ModuleIndex, definition: Definition, ref: str) -> int:
        if module.name not in self._lines:
            self._lines[module.name] = _first_lines(module.tree)
        lines = self._lines[module.name]
        start = lines.get(f"@{definition.name}", 0)
        return lines.get(f"{definition.name}:{ref}", start)

    def needed(self, roots: Iterable[Definition]) -> dict[str, Definition]:
        """Every in-tree definition the roots need, by qualified name (roots included)."""
        seen: dict[str, Definition] = {}
        stack = list(roots)
        while stack:
            definition = stack.pop()
            if definition.key in seen:
                continue
            seen[definition.key] = definition
            for _, target, found in self.targets(definition):
                if found is not None and target not in self.boundary.foreign_models:
                    stack.append(found)
        return seen


class _LineCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.top: str | None = None

    def _line(self, node: cst.CSTNode) -> int:
        return int(self.get_metadata(PositionProvider, node).start.line)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.ClassDef | cst.FunctionDef) and self.top is None:
            self.top = node.name.value
            self.lines.setdefault(f"@{self.top}", self._line(node))
        elif self.top is not None:
            text = _expression(node)
            if text is not None:
                self.lines.setdefault(f"{self.top}:{text}", self._line(node))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, cst.ClassDef | cst.FunctionDef) and (
            original_node.name.value == self.top
        ):
            depth_zero = self.lines.get(f"@{self.top}")
            if depth_zero == self._line(original_node):
                self.top = None


def _expression(node: cst.CSTNode) -> str | None:
    from extractor.pysource import dotted

    if isinstance(node, cst.Name | cst.Attribute):
        return dotted(node)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value.lstrip("-") if isinstance(value, str) else None
    if isinstance(node, cst.Arg) and node.keyword is not None:
        return node.keyword.value
    return None


def _first_lines(tree: cst.Module) -> Mapping[str, int]:
    """Map ``def:reference`` and ``@def`` to the first line they appear on in ``tree``."""
    collector = _LineCollector()
    MetadataWrapper(tree, unsafe_skip_copy=True).visit(collector)
    return collector.lines


def _spans(tree: cst.Module) -> Mapping[int, tuple[int, int]]:
    """id() of each top-level statement (and of each definition under a top-level ``if``) ->
    its (first, last) line."""
    positions = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    out: dict[int, tuple[int, int]] = {}
    for stmt in tree.body:
        nested = list(stmt.body.body) if isinstance(stmt, cst.If) and isinstance(
            stmt.body, cst.IndentedBlock) else []
        for node in (stmt, *nested):
            if node in positions:
                where = positions[node]
                out[id(node)] = (where.start.line, where.end.line)
    return out


def _strings(node: cst.CSTNode) -> frozenset[str]:
    """The simple string literals inside ``node`` (names a ``.sql`` file may be loaded by)."""
    found = m.findall(node, m.SimpleString())
    return frozenset(v for s in found if isinstance(s, cst.SimpleString)
                     and isinstance(v := s.evaluated_value, str))
