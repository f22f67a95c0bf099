"""The walk itself: node dispatch, the scope stack, local names and open ``atomic`` blocks.

:class:`Walker` knows nothing of Django: it visits a node with the handler registered for its
type, or its children; it keeps the enclosing module / class / function (each fact names the unit
that owns it), the names local to the function being read (they shadow imported names), and the
``transaction.atomic`` blocks still open. The handlers live in :mod:`analyzer.facts.calls` and
:mod:`analyzer.facts.collector`.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.facts.django_names import ATOMIC
from analyzer.facts.names import NameTable
from analyzer.facts.route_text import Env
from analyzer.facts.sql_sites import SqlText
from analyzer.facts.store import FactStore

# Fields that never hold names: expression contexts and operators.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_ignores", "type_comment", "kind"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
Handler = Callable[[ast.AST], None]


@dataclass
class Scope:
    """A module, class or function being read; ``hidden`` are the names local to it."""

    qualname: str
    kind: str  # module | class | function
    class_qualname: str | None
    members: frozenset[str] = frozenset()
    local_types: dict[str, str] = field(default_factory=dict)
    strings: dict[str, SqlText] = field(default_factory=dict)
    route_strings: dict[str, str] = field(default_factory=dict)  # see analyzer.facts.route_text
    hidden: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    parameters: tuple[str, ...] = ()  # a function's positional parameters, in order, then ``*args``
    arg_lists: dict[str, dict[int, ast.expr]] = field(default_factory=dict)  # copies of ``*args``
    forwards: bool = False  # a function taking ``*args``: its copies of them are followed
    popped: set[str] = field(default_factory=set)  # keys popped off its ``**kwargs`` (url_keywords)
    route_env: Env | None = None  # what a route expression here sees, made on first use
    sql_env: ChainMap[str, SqlText] | None = None  # the SQL strings seen here, made on first use


@dataclass
class OpenBlock:
    """A ``transaction.atomic`` block being read; the starts index the facts recorded inside."""

    kind: str
    scope: str
    line: int
    end_line: int
    orm_start: int
    sql_start: int
    calls_start: int


class Walker:
    """Dispatches nodes to handlers and keeps the scope stack; facts go to :attr:`store`."""

    def __init__(
        self, table: NameTable, path: str, is_package: bool, dialect: str | None = None
    ) -> None:
        self.table = table
        self.path = path
        self.is_package = is_package
        self.store = FactStore(table.module, path, dialect)
        self.scopes = [Scope(table.module, "module", None)]
        self.scope = self.scopes[0]  # the innermost scope
        self.blocks: list[OpenBlock] = []
        self.dispatch: dict[type, Handler] = {ast.Constant: _ignore}

    def visit(self, node: ast.AST) -> None:
        """Visit ``node`` with its handler, or its children."""
        handler = self.dispatch.get(type(node))
        if handler is not None:
            handler(node)
            return
        for name in _CHILD_FIELDS.get(type(node)) or _child_fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_all(self, nodes: list[ast.expr] | list[ast.stmt] | list[ast.keyword]) -> None:
        """Visit each node of a list."""
        for node in nodes:
            self.visit(node)

    def enter(self, scope: Scope) -> None:
        """Open ``scope``: its local names now shadow the module's."""
        self.scopes.append(scope)
        self.scope = scope
        self.table.hidden = scope.hidden

    def leave(self) -> None:
        """Close the innermost scope."""
        self.scopes.pop()
        self.scope = self.scopes[-1]
        self.table.hidden = self.scope.hidden

    def sql_strings(self) -> ChainMap[str, SqlText]:
        """The SQL strings visible here: the scope's, then the module's (a live view)."""
        scope = self.scope
        strings = scope.sql_env
        if strings is None:
            strings = scope.sql_env = ChainMap(scope.strings, self.scopes[0].strings)
        return strings

    def bind_local(self, name: str) -> None:
        """``name`` is assigned in the function being read: from here on it is a local variable."""
        scope = self.scope
        if scope.kind == "function" and name not in scope.declared_global:
            scope.hidden.add(name)

    def visit_global(self, node: ast.Global | ast.Nonlocal) -> None:
        """``global x``: assignments to ``x`` here bind the module's name, not a local one."""
        if isinstance(node, ast.Global):
            self.scope.declared_global.update(node.names)
            self.scope.hidden.difference_update(node.names)

    # -- transactions ----------------------------------------------------------------------------

    def visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        """``with transaction.atomic():`` opens an atomic block around the body."""
        atomic = any(self.is_atomic(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        if atomic:
            self.open_block("with", node)
        self.visit_all(node.body)
        if atomic:
            self.close_block()

    def is_atomic(self, node: ast.expr) -> bool:
        """Whether ``node`` (or the callee of it) is ``transaction.atomic``."""
        target = node.func if isinstance(node, ast.Call) else node
        return self.table.qualify(target) in ATOMIC

    def open_block(self, kind: str, node: ast.stmt) -> None:
        """Start an atomic block at ``node``."""
        store = self.store
        self.blocks.append(
            OpenBlock(kind, self.scope.qualname, node.lineno, node.end_lineno or node.lineno,
                      len(store.orm), len(store.sql), len(store.calls))
        )

    def close_block(self) -> None:
        """End the innermost atomic block: what was recorded since it opened is inside it."""
        block = self.blocks.pop()
        self.store.atomic_block(block.kind, block.scope, block.line, block.end_line,
                                block.orm_start, block.sql_start, block.calls_start)


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = tuple(name for name in getattr(kind, "_fields", ()) if name not in _SKIPPED_FIELDS)
    _CHILD_FIELDS[kind] = fields
    return fields


def _ignore(node: ast.AST) -> None:
    """Constants hold no names."""


def member_names(body: list[ast.stmt]) -> set[str]:
    """The names a class body defines: its functions, classes and assigned names."""
    names: set[str] = set()
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    return names


def parameter_names(arguments: ast.arguments) -> set[str]:
    """Every parameter name of a function (positional, keyword-only, ``*args``, ``**kwargs``)."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return {argument.arg for argument in every}
