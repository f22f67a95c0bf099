"""One pass over a module's syntax tree that gathers every fact kind.

The walk keeps a scope stack (module, class, function) so each fact names the unit that owns
it; the per-kind modules (:mod:`models`, :mod:`orm`, :mod:`urls`, :mod:`sql_sites`,
:mod:`behaviours`) turn the nodes it meets into facts. One pass keeps the cost near ``ast.parse``.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.facts import behaviours, models, orm, urls
from analyzer.facts.django_names import ATOMIC, SIGNAL_CLASSES, URL_FUNCTIONS
from analyzer.facts.names import BUILTINS, NameTable, dotted, import_bindings
from analyzer.facts.sql_sites import SqlText, extra_text, run_sql_texts, sql_text
from analyzer.facts.store import FactStore


@dataclass
class _Scope:
    qualname: str
    kind: str  # module | class | function
    class_qualname: str | None
    members: frozenset[str] = frozenset()
    local_types: dict[str, str] = field(default_factory=dict)
    strings: dict[str, SqlText] = field(default_factory=dict)


@dataclass
class _OpenBlock:
    kind: str
    scope: str
    line: int
    end_line: int
    orm_start: int
    sql_start: int
    calls_start: int


class Collector:
    """Walks one module; the facts accumulate in :attr:`store`."""

    def __init__(
        self, table: NameTable, path: str, is_package: bool, dialect: str | None = None
    ) -> None:
        self.table = table
        self.path = path
        self.is_package = is_package
        self.store = FactStore(table.module, path, dialect)
        self.scopes = [_Scope(table.module, "module", None)]
        self.container: str | None = None
        self.inline: str | None = None  # container of an include([...]) list being visited
        self.routers: set[str] = set()
        self.blocks: list[_OpenBlock] = []
        self.dispatch: dict[type, Callable[[ast.AST], None]] = {
            ast.Call: self.visit_call,  # type: ignore[dict-item]
            ast.Name: self.visit_name,  # type: ignore[dict-item]
            ast.Attribute: self.visit_attribute,  # type: ignore[dict-item]
            ast.ClassDef: self.visit_class,  # type: ignore[dict-item]
            ast.FunctionDef: self.visit_function,  # type: ignore[dict-item]
            ast.AsyncFunctionDef: self.visit_function,  # type: ignore[dict-item]
            ast.Import: self.visit_import,  # type: ignore[dict-item]
            ast.ImportFrom: self.visit_import,  # type: ignore[dict-item]
            ast.Assign: self.visit_assign,  # type: ignore[dict-item]
            ast.AugAssign: self.visit_aug_assign,  # type: ignore[dict-item]
            ast.With: self.visit_with,  # type: ignore[dict-item]
            ast.AsyncWith: self.visit_with,  # type: ignore[dict-item]
            ast.For: self.visit_for,  # type: ignore[dict-item]
            ast.Constant: _ignore,
        }

    # -- walking -------------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        """Visit ``node`` with its handler, or its children."""
        handler = self.dispatch.get(type(node))
        if handler is not None:
            handler(node)
        else:
            for child in ast.iter_child_nodes(node):
                self.visit(child)

    def visit_all(self, nodes: list[ast.expr] | list[ast.stmt] | list[ast.keyword]) -> None:
        """Visit each node of a list."""
        for node in nodes:
            self.visit(node)

    @property
    def scope(self) -> _Scope:
        """The innermost scope."""
        return self.scopes[-1]

    # -- names and references ------------------------------------------------------------------

    def visit_name(self, node: ast.Name) -> None:
        """A name read: a reference when it resolves."""
        target = self.table.names.get(node.id)
        if target is not None and isinstance(node.ctx, ast.Load):
            self.store.reference(self.scope.qualname, target, "ref", True, node.lineno)

    def visit_attribute(self, node: ast.Attribute) -> None:
        """``a.b.c`` read: one reference to the full chain when its root resolves."""
        text = dotted(node)
        if text is None:
            self.visit(node.value)
            return
        target, resolved = self.table.resolve_dotted(text)
        if resolved:
            self.store.reference(self.scope.qualname, target, "ref", True, node.lineno)

    def visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the import and bind its names (function-level imports too)."""
        for local, target, _ in import_bindings(node, self.table.module, self.is_package):
            if local != "*":
                self.table.bind(local, target)
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self.store.import_(self.scope.qualname, local, alias.name, 0, node.lineno)
            return
        for local, target, level in import_bindings(node, self.table.module, self.is_package):
            self.store.import_(self.scope.qualname, local, target, level, node.lineno)

    # -- definitions -----------------------------------------------------------------------------

    def visit_class(self, node: ast.ClassDef) -> None:
        """A class: definition, model candidate, management command, then its body."""
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        self.visit_all(node.keywords)
        qualname = f"{self.scope.qualname}.{node.name}"
        bases = tuple(b for b in (self.table.qualify(base) for base in node.bases) if b)
        decorators = self._decorator_names(node.decorator_list)
        self.store.definition(qualname, "class", bases, decorators, node)
        candidate = models.model_candidate(node, qualname, bases, self.table, self.path)
        if candidate is not None:
            self.store.model_candidates.append(candidate)
        command = behaviours.command_fact(node, bases, self.table.module, self.path)
        if command is not None:
            self.store.commands.append(command)
        members = frozenset(_member_names(node.body))
        self.scopes.append(_Scope(qualname, "class", qualname, members))
        self.visit_all(node.body)
        self.scopes.pop()

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A function or method: definition, decorators (atomic, receiver, task), then its body."""
        self.visit_all(node.decorator_list)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        outer = self.scope
        qualname = f"{outer.qualname}.{node.name}"
        kind = "method" if outer.kind == "class" else "function"
        decorators = self._decorator_names(node.decorator_list)
        self.store.definition(qualname, kind, (), decorators, node)
        self._function_decorators(node, qualname)
        self.scopes.append(_Scope(qualname, "function", outer.class_qualname, outer.members))
        atomic = any(self._is_atomic(d) for d in node.decorator_list)
        if atomic:
            self._open_block("decorator", node)
        self.visit_all(node.body)
        if atomic:
            self._close_block()
        self.scopes.pop()

    def _function_decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str) -> None:
        for decorator in node.decorator_list:
            self.store.signal_receivers.extend(
                behaviours.decorator_receivers(
                    decorator, qualname, self.table, self.scope.qualname, self.path
                )
            )
        task = behaviours.task_fact(node, qualname, self.table, self.path)
        if task is not None:
            self.store.tasks.append(task)

    def _decorator_names(self, decorators: list[ast.expr]) -> tuple[str, ...]:
        names = (self.table.qualify(d.func if isinstance(d, ast.Call) else d) for d in decorators)
        return tuple(name for name in names if name)

    # -- assignments -----------------------------------------------------------------------------

    def visit_assign(self, node: ast.Assign) -> None:
        """Assignments: URL containers, custom signals, routers, local types and SQL strings."""
        name = node.targets[0].id if isinstance(node.targets[0], ast.Name) else None
        self._remember_value(name, node.value, node.targets[0])
        self._visit_value(name, node.value)
        self.visit_all(node.targets)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        """``urlpatterns += [...]`` and ``sql += "..."``."""
        name = node.target.id if isinstance(node.target, ast.Name) else None
        if name is not None and isinstance(node.op, ast.Add):
            previous = self.scope.strings.get(name)
            added = sql_text(node.value, ChainMap(self.scope.strings, self.scopes[0].strings))
            if previous is not None and added is not None:
                self.scope.strings[name] = (previous[0] + added[0], previous[1] or added[1])
        self._visit_value(name, node.value)

    def _visit_value(self, name: str | None, value: ast.expr) -> None:
        at_module = self.scope.kind == "module"
        previous = self.container
        if at_module and name is not None:
            self.container = name
            self._router_includes(name, value)
        self.visit(value)
        self.container = previous

    def _remember_value(self, name: str | None, value: ast.expr, target: ast.expr) -> None:
        scope = self.scope
        if name is not None and isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp | ast.Call):
            text = sql_text(value, ChainMap(scope.strings, self.scopes[0].strings))
            if text is not None:
                scope.strings[name] = text
        if name == "app_name" and scope.kind == "module" and isinstance(value, ast.Constant):
            self.store.url_namespace = value.value if isinstance(value.value, str) else None
        if isinstance(value, ast.Call) and scope.kind == "module" and name is not None:
            self._module_level_call(name, value)
        if scope.kind != "function":
            return
        if isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
            name = target.elts[0].id
        if name is not None:
            model = orm.type_of_value(value, self.table)
            if model is not None:
                scope.local_types[name] = model

    def _module_level_call(self, name: str, value: ast.Call) -> None:
        qualified = self.table.qualify(value.func) or ""
        qualname = f"{self.table.module}.{name}"
        if qualified in SIGNAL_CLASSES:
            self.store.signal_definition(qualname, value.lineno)
        elif qualified.endswith(("Router", "router")):
            self.routers.add(qualname)

    def _router_includes(self, name: str, value: ast.expr) -> None:
        parts = [value]
        while parts:
            node = parts.pop()
            if isinstance(node, ast.BinOp):
                parts += [node.left, node.right]
            elif isinstance(node, ast.Attribute) and node.attr == "urls":
                target = self.table.qualify(node)
                if target is not None:
                    self.store.router_include(name, target, node.lineno)

    def visit_for(self, node: ast.For) -> None:
        """``for order in Order.objects.filter(...)`` types ``order`` as an Order."""
        if isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call):
            chain = orm.queryset_chain(node.iter, self.table)
            if chain is not None and self.scope.kind == "function":
                self.scope.local_types[node.target.id] = chain[0]
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    # -- transactions ----------------------------------------------------------------------------

    def visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        """``with transaction.atomic():`` opens an atomic block around the body."""
        atomic = any(self._is_atomic(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        if atomic:
            self._open_block("with", node)
        self.visit_all(node.body)
        if atomic:
            self._close_block()

    def _is_atomic(self, node: ast.expr) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        return self.table.qualify(target) in ATOMIC

    def _open_block(self, kind: str, node: ast.stmt) -> None:
        store = self.store
        self.blocks.append(
            _OpenBlock(kind, self.scope.qualname, node.lineno, node.end_lineno or node.lineno,
                       len(store.orm), len(store.sql), len(store.calls))
        )

    def _close_block(self) -> None:
        block = self.blocks.pop()
        self.store.atomic_block(block.kind, block.scope, block.line, block.end_line,
                                block.orm_start, block.sql_start, block.calls_start)

    # -- calls -----------------------------------------------------------------------------------

    def visit_call(self, node: ast.Call) -> None:
        """A call: reference, then ORM, SQL, URL, signal facts; then its arguments."""
        resolved = self._record_call(node.func)
        chain = orm.queryset_chain(node, self.table)
        if chain is not None:
            self._queryset(node, chain)
        else:
            self._instance_write(node)
        self._sql_site(node, resolved)
        inline = self._special_call(node, resolved)
        if chain is not None:
            for _, call in chain[2]:
                self.visit_all(call.args)
                self.visit_all(call.keywords)
            return
        if dotted(node.func) is None:
            self.visit(node.func)
        previous = self.inline
        self.inline = inline or previous
        self.visit_all(node.args)
        self.visit_all(node.keywords)
        self.inline = previous

    def _record_call(self, func: ast.expr) -> str | None:
        text = dotted(func)
        if text is None:
            return None
        target, resolved = self.table.resolve_dotted(text)
        if not resolved:
            head, _, rest = text.partition(".")
            if head in BUILTINS and not rest:
                return None
            if head == "self" and self.scope.class_qualname and rest:
                member = rest.split(".", 1)[0]
                target = f"{self.scope.class_qualname}.{rest}"
                resolved = member in self.scope.members
        self.store.reference(self.scope.qualname, target, "call", resolved, func.lineno)
        self.store.calls.append(target)
        return target if resolved else None

    def _queryset(self, node: ast.Call, chain: tuple[str, str, list[tuple[str, ast.Call]]]) -> None:
        model, manager, calls = chain
        self.store.reference(self.scope.qualname, model, "ref", True, node.lineno)
        methods = tuple(name for name, _ in reversed(calls))
        lookups = orm.lookups_of(calls, self.table)
        self.store.orm_query(self.scope.qualname, model, manager, methods, lookups, node.lineno)

    def _instance_write(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in orm.INSTANCE_WRITES:
            return
        scope = self.scope
        model = orm.instance_model(func.value, scope.local_types, scope.class_qualname, self.table)
        if model is not None:
            self.store.orm_query(scope.qualname, model, "instance", (func.attr,), (), node.lineno)

    def _sql_site(self, node: ast.Call, resolved: str | None) -> None:
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        strings = ChainMap(self.scope.strings, self.scopes[0].strings)
        texts: list[SqlText] = []
        origin = attr or ""
        if attr in ("execute", "executemany", "raw"):
            found = sql_text(node.args[0] if node.args else None, strings)
            texts = [found] if found is not None else []
        elif attr == "extra":
            found = extra_text(node, strings)
            texts = [found] if found is not None else []
        elif resolved is not None and resolved.endswith((".RawSQL", ".RunSQL")):
            origin = resolved.rsplit(".", 1)[-1]
            first = node.args[0] if node.args else _keyword(node, "sql")
            texts = run_sql_texts(first, strings)
        for text, partial in texts:
            self.store.sql_site(self.scope.qualname, origin, text, partial, node.lineno)

    def _special_call(self, node: ast.Call, resolved: str | None) -> str | None:
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        if resolved is not None and resolved in URL_FUNCTIONS:
            return self._url_call(node, URL_FUNCTIONS[resolved])
        if attr == "register" and isinstance(func, ast.Attribute):
            router = self.table.qualify(func.value)
            if router in self.routers:
                pattern = urls.router_pattern(node, router, self.table, self.path)
                if pattern is not None:
                    self.store.url_patterns.append(pattern)
        elif attr in ("connect", "send", "send_robust") and isinstance(func, ast.Attribute):
            self._signal_call(node, func, attr)
        return None

    def _signal_call(self, node: ast.Call, func: ast.Attribute, attr: str) -> None:
        signal = self.table.resolve(func.value)
        if signal is None or not signal[1]:
            return
        scope = self.scope.qualname
        if attr == "connect":
            receiver = behaviours.connect_receiver(node, signal[0], self.table, scope, self.path)
            if receiver is not None:
                self.store.signal_receivers.append(receiver)
        else:
            sender = behaviours.sender_of(node, self.table)
            self.store.signal_send(signal[0], sender, scope, node.lineno)

    def _url_call(self, node: ast.Call, kind: str) -> str | None:
        container = self.inline or (
            self.container if self.scope.kind == "module" else self.scope.qualname
        )
        pattern, inline = urls.url_pattern(node, kind, self.table, container or "?", self.path)
        self.store.url_patterns.append(pattern)
        return inline


def _member_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    return names


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _ignore(node: ast.AST) -> None:
    """Constants hold no names."""
