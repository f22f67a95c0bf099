"""Uses of the relations the extraction rewrote, in the code that moves: each becomes an honest stub.

A relation of an own model whose target another service owns is an ID column in the service
(``order`` -> ``order_id``). Code that still follows it -- ``self.order.code`` in a method,
``filter(order__customer__active=True)`` in a manager, ``order_by("order__code")`` in a queryset,
the same in a method inherited from an abstract base or a mixin -- cannot be rewritten safely: the
function (the outermost one of its class) keeps its signature and raises ``NotImplementedError``
naming the expression, ``path:line`` and the owning service. Each stub is listed in the README.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from extractor.pysource import dotted
from extractor.rewrite_model import ForeignRelation

KEPT_DECORATORS = frozenset({"property", "staticmethod", "classmethod"})


@dataclass(frozen=True, order=True)
class RelationStub:
    """One function that follows a rewritten relation: where, what, and whose data it needs."""

    path: str
    line: int
    function: str  # "Order.total", or "ActiveManager.get_queryset"
    expression: str  # as written: "self.order.code", "order__customer__active=...", "'order__code'"
    relation: str
    target: str
    owner: str
    kind: str = "fk"  # the relation: "fk" | "o2o" | "m2m"

    def message(self) -> str:
        """The text the stub raises with."""
        now = (f"a many-to-many to {self.target} removed here" if self.kind == "m2m"
               else f"now the ID {self.relation}_id of a {self.target}")
        return (f"demonolith extract: {self.expression} at {self.path}:{self.line} follows "
                f"{self.relation!r}, {now} (service {self.owner!r}); read it through that service's API")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.function} raises: {self.expression} needs {self.target} " \
               f"(service {self.owner!r})"


class _Finder(cst.CSTVisitor):
    """The first use of a relation inside each function (keyed by class path + outermost function)."""

    def __init__(self, relations: Mapping[str, ForeignRelation],
                 positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.relations = relations
        self.positions = positions
        self.scope: list[str] = []
        self.function: str | None = None
        self.found: dict[str, tuple[int, str, str]] = {}  # function path -> (line, expression, relation)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if self.function is None:
            self.scope.append(node.name.value)
        return node.name.value != "Meta"

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if self.function is None and self.scope:
            self.scope.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self.function is None:
            self.function = ".".join([*self.scope, node.name.value])
            self._top = node
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self.function is not None and original_node is self._top:
            self.function = None

    def _record(self, node: cst.CSTNode, expression: str, relation: str) -> None:
        if self.function is not None and self.function not in self.found:
            where = self.positions.get(node)
            line = where.start.line if where is not None else 0
            self.found[self.function] = (line, expression, relation)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        text = dotted(node)
        if text is None:
            return True
        parts = text.split(".")
        # through the relation (``self.order.code``); the relation alone (``if self.order``) is its
        # accessor's job (service_project/relations.py): it answers the ID and raises on the rest
        hits = [part for part in parts[1:-1] if part in self.relations]
        if hits:
            self._record(node, text, hits[0])
        return False

    def visit_Arg(self, node: cst.Arg) -> None:
        value = node.value.evaluated_value if isinstance(node.value, cst.SimpleString) else None
        if isinstance(value, str) and value.lstrip("-") in self.relations:  # select_related("order")
            self._record(node, repr(value), value.lstrip("-"))
        if node.keyword is not None:
            head, _, rest = node.keyword.value.partition("__")
            if head in self.relations and rest not in ("id", "pk"):
                self._record(node, f"{node.keyword.value}=...", head)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            head, _, rest = value.lstrip("-").partition("__")  # a lookup path (a bare name: visit_Arg)
            if head in self.relations and rest and rest not in ("id", "pk"):
                self._record(node, repr(value), head)


def positions_of(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Where each node of ``module`` is (for ``find_stubs``)."""
    return cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def find_stubs(positions: Mapping[cst.CSTNode, CodeRange], node: cst.CSTNode,
               relations: Sequence[ForeignRelation], path: str) -> list[RelationStub]:
    """The functions of ``node`` (a statement of the module of ``positions``) that follow one of
    ``relations``."""
    by_field = {r.field: r for r in relations}
    if not by_field:
        return []
    finder = _Finder(by_field, positions)
    node.visit(finder)
    return [RelationStub(path, line, function, expression, relation, by_field[relation].target,
                         by_field[relation].owner, by_field[relation].relation)
            for function, (line, expression, relation) in sorted(finder.found.items())]


def _raise(stub: RelationStub, node: cst.FunctionDef) -> cst.FunctionDef:
    lines = textwrap.wrap(stub.message(), 76, drop_whitespace=False)
    text = "\n".join(f"    {json.dumps(line)}" for line in lines)
    statement = cst.parse_statement(f"raise NotImplementedError(\n{text}\n)")
    return node.with_changes(body=cst.IndentedBlock(body=[statement]))


class _Stubber(cst.CSTTransformer):
    def __init__(self, stubs: Mapping[str, RelationStub]) -> None:
        self.stubs = stubs
        self.scope: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scope.append(node.name.value)
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.scope.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # the outermost function is the unit; nested ones go with it

    def leave_FunctionDef(self, original_node: cst.FunctionDef,
                          updated_node: cst.FunctionDef) -> cst.FunctionDef:
        stub = self.stubs.get(".".join([*self.scope, original_node.name.value]))
        return _raise(stub, updated_node) if stub else updated_node


def apply_stubs(node: cst.BaseStatement, stubs: Sequence[RelationStub]) -> cst.BaseStatement:
    """``node`` with the functions of ``stubs`` raising."""
    if not stubs:
        return node
    result = node.visit(_Stubber({stub.function: stub for stub in stubs}))
    assert isinstance(result, cst.BaseStatement)
    return result


def inherited_stubs(node: cst.ClassDef, stubs: Sequence[RelationStub],
                    bases: Mapping[str, cst.ClassDef]) -> cst.ClassDef:
    """``node`` (a concrete model) with an override raising for each method of an abstract base or
    mixin (``bases``: name -> class) that follows a rewritten relation and that it does not define."""
    own = {s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef)}
    added: list[cst.BaseStatement] = []
    for stub in stubs:
        base, _, method = stub.function.partition(".")
        found = next((s for s in bases[base].body.body if isinstance(s, cst.FunctionDef)
                      and s.name.value == method), None) if base in bases and "." not in method else None
        if found is None or method in own:
            continue
        own.add(method)
        kept = [d for d in found.decorators if dotted(d.decorator) in KEPT_DECORATORS]
        note = cst.EmptyLine(comment=cst.Comment(f"# {method}: inherited from {base}, which follows "
                                                 f"{stub.relation!r}; it raises here."))
        lines = [cst.EmptyLine(indent=False), note]
        added.append(_raise(stub, found.with_changes(decorators=kept, leading_lines=lines)))
    if not added:
        return node
    body = list(node.body.body)
    metas = [i for i, s in enumerate(body) if isinstance(s, cst.ClassDef) and s.name.value == "Meta"]
    cut = metas[0] if metas else len(body)
    return node.with_changes(body=node.body.with_changes(body=[*body[:cut], *added, *body[cut:]]))
