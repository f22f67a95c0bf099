"""Calls: the reference each call makes, and what a call can mean to Django.

A call is an ORM chain (``Model.objects.filter(...)``) or an instance write (``order.save()``),
raw SQL (``cursor.execute``, ``.raw``, ``RawSQL``, ``.extra``, ``RunSQL``), a URL pattern
(``path``/``re_path``/``url``/``include``, router registrations), or a signal ``connect`` /
``send``. :class:`CallVisitor` records these facts as the walk meets the calls.
"""

from __future__ import annotations

import ast
from collections import ChainMap

from analyzer.facts import (
    admin_urls,
    app_urls,
    behaviours,
    orm,
    route_text,
    sql_calls,
    url_forwarding,
    url_helpers,
    urls,
)
from analyzer.facts.django_names import URL_FUNCTIONS
from analyzer.facts.names import BUILTINS, NameTable, dotted
from analyzer.facts.sql_sites import SqlText, extra_text, run_sql_texts, sql_text
from analyzer.facts.walker import Walker

_URL_METHODS = ("urls", "patterns")  # super().get_urls() / super().get_urlpatterns()


class CallVisitor(Walker):
    """Adds the call handler to the walk; :attr:`container` names the URL list being built."""

    def __init__(
        self, table: NameTable, path: str, is_package: bool, dialect: str | None = None
    ) -> None:
        super().__init__(table, path, is_package, dialect)
        self.container: str | None = None
        self.inline: str | None = None  # container of an include([...]) list being visited
        self.routers: set[str] = set()
        self.helpers = url_helpers.Helpers(self.store.url_patterns, self.store.url_helpers)
        self.dispatch[ast.Call] = self.visit_call  # type: ignore[assignment]
        self.dispatch[ast.ListComp] = self.visit_list_comp  # type: ignore[assignment]
        self.url_positions: set[int] = set()  # ids of calls whose value may be URL patterns
        self.holding: tuple[int, str, int] | None = None  # (scope, name, call) being assigned
        self.held_calls: dict[tuple[int, str], tuple[ast.Call, str, route_text.Env, str]] = {}
        self.dispatch[ast.List] = self.visit_sequence  # type: ignore[assignment]
        self.dispatch[ast.Tuple] = self.visit_sequence  # type: ignore[assignment]
        self.dispatch[ast.Return] = self.visit_return  # type: ignore[assignment]
        self.dispatch[ast.BinOp] = self.visit_bin_op  # type: ignore[assignment]

    def mark_url_positions(self, *nodes: ast.expr | None) -> None:
        """These calls' values may be URL patterns (a list's items, a value returned, added,
        appended, included or assigned to a URL list): calls of other modules there are kept;
        so is the call a local name holds (``delete = admin_url(...)``, later ``[delete]``)."""
        for node in nodes:
            kind = type(node)
            if kind is ast.Call:
                self.url_positions.add(id(node))
            elif kind is ast.Starred and isinstance(node, ast.Starred):
                self.mark_url_positions(node.value)
            elif kind is ast.IfExp and isinstance(node, ast.IfExp):  # ``helper(...) if flag else []``
                self.mark_url_positions(node.body, node.orelse)
            elif self.held_calls and isinstance(node, ast.Name):
                held = self.held_calls.pop((id(self.scope), node.id), None)
                found = url_helpers.url_call(*held, self.path) if held is not None else None
                if found is not None:
                    self.store.url_calls.append(found)

    def assigned_call(self, name: str, value: ast.expr) -> None:
        """``name = value`` in a function: the call it may hold waits for a URL position."""
        if self.held_calls:
            self.held_calls.pop((id(self.scope), name), None)
        if type(value) is ast.Call:
            self.holding = (id(self.scope), name, id(value))

    def forget_held_calls(self) -> None:
        """The function being left: the calls its names held are no URL patterns."""
        scope = id(self.scope)
        for key in [k for k in self.held_calls if k[0] == scope]:
            del self.held_calls[key]

    def visit_sequence(self, node: ast.List | ast.Tuple) -> None:
        """A list or tuple: its items are URL positions."""
        positions = self.url_positions
        for item in node.elts:
            if type(item) is ast.Call:
                positions.add(id(item))
            elif self.held_calls or type(item) in _WRAPPED:
                self.mark_url_positions(item)
        self.visit_all(node.elts)

    def visit_return(self, node: ast.Return) -> None:
        """``return helper(...)``: a URL position."""
        if node.value is not None:
            self.mark_url_positions(node.value)
            self.visit(node.value)

    def visit_bin_op(self, node: ast.BinOp) -> None:
        """``[...] + helper(...)``: both sides are URL positions."""
        if isinstance(node.op, ast.Add):
            self.mark_url_positions(node.left, node.right)
        self.visit(node.left)
        self.visit(node.right)

    def visit_list_comp(self, node: ast.ListComp) -> None:
        """A comprehension building URL patterns from a literal list: one pattern per item."""
        calls = url_helpers.unrolled(node, self._is_url_call)
        self.mark_url_positions(*(calls or ()), node.elt)
        for child in calls if calls is not None else (node.elt, *node.generators):
            self.visit(child)

    def _is_url_call(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self.table.qualify(node.func) in URL_FUNCTIONS

    def include_list(self, name: str, other: ast.Name) -> None:
        """Patterns of the list ``other`` join the list ``name`` (the collector records it)."""

    def extended_by_call(self, name: str, value: ast.expr) -> None:
        """``name.extend(call())`` in a function (the collector records it)."""

    def route_env(self) -> route_text.Env:
        """The strings and parameters a route expression here can see (a live view of the
        scopes' strings, made once per scope: the enclosing scopes of a scope never change)."""
        scope = self.scope
        env = scope.route_env
        if env is None:
            scopes = [s for s in reversed(self.scopes) if s.kind != "class" or s is scope]
            strings = ChainMap(*(s.route_strings for s in scopes))
            klass = scope.class_qualname if scope.kind == "function" else None
            env = route_text.Env(strings, self.table, scope.parameters, scope.route_strings, klass)
            env.members = scope.members if klass is not None else frozenset()
            scope.route_env = env
        return env

    def visit_call(self, node: ast.Call) -> None:
        """A call: reference, then ORM, SQL, URL, signal facts; then its arguments."""
        text = dotted(node.func)
        resolved = None if text is None else self._record_call(node.func, text)
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        chain = orm.queryset_chain(node, self.table) if attr is not None else None
        if chain is not None:
            self._queryset(node, chain)
        elif attr in orm.INSTANCE_WRITES:
            self._instance_write(node)
        if attr in _SQL_METHODS or (resolved is not None and resolved.endswith(_SQL_CALLEES)):
            self._sql_site(node, resolved)
        if resolved is not None:
            if resolved.endswith(".DeleteModel"):
                self._deleted_model(node, resolved)
            if node.args or node.keywords:
                self._sql_helper_call(node, resolved)
        if attr in url_helpers.LIST_METHODS or resolved in URL_FUNCTIONS:
            self.mark_url_positions(*node.args)
        inline = self._special_call(node, resolved)
        if chain is not None:
            for _, call in chain[2]:
                self.visit_all(call.args)
                self.visit_all(call.keywords)
            return
        if text is None:
            self.visit(node.func)
        previous, container = self.inline, self.container
        self.inline = inline or previous
        if attr in url_helpers.LIST_METHODS:
            self.container = self._extended(node) or container
        self.visit_all(node.args)
        self.visit_all(node.keywords)
        self.inline, self.container = previous, container

    def _super_urls(self, node: ast.Call) -> None:
        """``super().get_urls()`` in ``get_urls``: the overridden method's patterns join these."""
        method = app_urls.super_method(node, self.scope.qualname)
        if method is not None:
            self.store.router_include(self.scope.qualname, app_urls.SUPER_PREFIX + method, node.lineno)

    def _extended(self, node: ast.Call) -> str | None:
        """The module-level list ``X`` of ``X.extend(...)`` / ``X.append(...)``, recording an
        extension by another list; in a function, ``urls.extend(get_more_urls())``."""
        extended = url_helpers.extended_list(node, self.scope.kind)
        if extended is not None and node.args and isinstance(node.args[-1], ast.Name):
            self.include_list(extended, node.args[-1])
        elif (isinstance(node.func, ast.Attribute) and node.func.attr == "extend"
              and isinstance(node.func.value, ast.Name) and len(node.args) == 1):
            self.extended_by_call(node.func.value.id, node.args[0])
        return extended

    def _record_call(self, func: ast.expr, text: str) -> str | None:
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
        if attr not in _SQL_METHODS and not (resolved is not None and resolved.endswith(_SQL_CALLEES)):
            return
        strings = self.sql_strings()
        texts: list[SqlText] = []
        origin = attr or ""
        if attr in ("execute", "executemany", "raw"):
            found = sql_text(node.args[0] if node.args else None, strings)
            texts = [found] if found is not None else []
        elif attr == "extra":
            found = extra_text(node, strings)
            texts = [found] if found is not None else []
        elif resolved is not None:
            origin = resolved.rsplit(".", 1)[-1]
            first = node.args[0] if node.args else _keyword(node, "sql")
            texts = run_sql_texts(first, strings)
        for text, partial in texts:
            self.store.sql_site(self.scope.qualname, origin, text, partial, node.lineno)
        sink = sql_calls.sink_parameter(node, self.scope.parameters) if origin != "extra" else None
        if not texts and sink is not None:
            self.store.sql_sinks[self.scope.qualname] = (*sink, origin)

    def _deleted_model(self, node: ast.Call, resolved: str | None) -> None:
        """``migrations.DeleteModel("Name")``: the migration drops the model's table."""
        if resolved is None or not resolved.startswith("django.db.migrations") or \
                not resolved.endswith(".DeleteModel"):
            return
        name = node.args[0] if node.args else _keyword(node, "name")
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            self.store.deleted_models.add(name.value)

    def _sql_helper_call(self, node: ast.Call, resolved: str | None) -> None:
        """A call of a function of this module, with string arguments, or naming a .sql file."""
        scope = self.scope.qualname
        for name in sql_calls.sql_file_names(node, resolved):
            self.store.sql_file_load(scope, name, node.lineno)
        if resolved is None:
            return
        strings = self.sql_strings()
        arguments = sql_calls.sql_arguments(node, strings)
        if arguments and resolved.startswith(self.table.module + "."):
            self.store.helper_calls.append((resolved, arguments, scope, node.lineno))
        elif arguments:
            self.store.foreign_helper_call(resolved, arguments, scope, node.lineno)

    def _special_call(self, node: ast.Call, resolved: str | None) -> str | None:
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        if isinstance(func, ast.Attribute) and type(func.value) is ast.Call \
                and func.attr.endswith(_URL_METHODS):
            self._super_urls(node)  # super().get_urls()
        if resolved is not None and resolved in URL_FUNCTIONS:
            return self._url_call(node, URL_FUNCTIONS[resolved])
        if not (self.helpers.known and self._helper_call(node)) and resolved is not None:
            key = id(node)
            holding = self.holding
            if key in self.url_positions or (holding is not None and holding[2] == key):
                self._url_call_site(node, resolved)
        if attr == "register" and isinstance(func, ast.Attribute):
            router = self.table.qualify(func.value)
            self.store.url_patterns += admin_urls.site_registrations(
                node, self.table.qualify, self.table.module, self.path)
            if router in self.routers:
                pattern = urls.router_pattern(node, router, self.route_env(), self.path)
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

    def _url_container(self) -> str:
        container = self.inline or (
            self.container if self.scope.kind == "module" else self.scope.qualname
        )
        return container or "?"

    def _url_call(self, node: ast.Call, kind: str) -> str | None:
        env = self.route_env()
        node = url_forwarding.forwarded(node, self.scope.parameters, self.scope.arg_lists)
        pattern, inline = urls.url_pattern(node, kind, env, self._url_container(), self.path)
        self.store.url_patterns.append(pattern)
        if inline is not None and pattern.kind == "include":  # include(a + [...]): a's patterns too
            for added in urls.summed_lists(node):
                target = self.table.qualify(added)
                if target is not None:
                    self.store.router_include(inline, target, added.lineno)
        return inline

    def _helper_call(self, node: ast.Call) -> bool:
        """``pat(r"^x/$", view)`` of a helper of this module: its patterns, here."""
        names = [s.qualname for s in self.scopes if s.kind != "class"]
        found = self.helpers.expand(node, names, self.route_env(), self._url_container(), self.path)
        self.store.url_patterns.extend(found)
        return bool(found)

    def _url_call_site(self, node: ast.Call, resolved: str) -> None:
        """A call the project pass may find to build URL patterns (another module's helper)."""
        key = id(node)
        positioned = key in self.url_positions
        holding = self.holding
        held = not positioned and holding is not None and holding[2] == key
        if not (positioned or held) or not url_helpers.may_be_helper(node, resolved):
            return
        if held and holding is not None:
            self.held_calls[holding[:2]] = (node, resolved, self.route_env(), self._url_container())
            return
        found = url_helpers.url_call(node, resolved, self.route_env(), self._url_container(), self.path)
        if found is not None:
            self.store.url_calls.append(found)


_WRAPPED = (ast.Starred, ast.IfExp)  # items whose inner call is the URL position
_SQL_METHODS = frozenset({"execute", "executemany", "raw", "extra"})  # methods that run SQL text
_SQL_CALLEES = (".RawSQL", ".RunSQL")  # endings of the qualified callees that take SQL text


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None
