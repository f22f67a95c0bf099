"""One pass over a module's syntax tree that gathers every fact kind.

The walk (:mod:`analyzer.facts.walker`) keeps the scope stack so each fact names the unit that
owns it; calls are read by :mod:`analyzer.facts.calls`; this module adds names, imports,
definitions and assignments. The per-kind modules (:mod:`models`, :mod:`orm`, :mod:`urls`,
:mod:`sql_sites`, :mod:`behaviours`) turn the nodes met into facts. One pass keeps the cost
near ``ast.parse``.
"""

from __future__ import annotations

import ast

from analyzer.facts import (
    access,
    admin_urls,
    app_settings,
    behaviours,
    class_values,
    config_mounts,
    literals,
    models,
    orm,
    registries,
    route_text,
    sql_calls,
    url_collectors,
    url_forwarding,
    url_helpers,
    url_hooks,
    url_keywords,
    url_lists,
    url_objects,
)
from analyzer.facts.calls import CallVisitor
from analyzer.facts.django_names import SIGNAL_CLASSES
from analyzer.facts.names import BUILTINS, NameTable, dotted, import_bindings
from analyzer.facts.sql_sites import returned_sql, sql_text
from analyzer.facts.url_lists import URL_LIST_NAMES
from analyzer.facts.walker import Scope, member_names, parameter_names

_LITERAL_VALUES = (ast.Constant, ast.Call)  # module-level values that may be literals or declared defaults


class Collector(CallVisitor):
    """Walks one module; the facts accumulate in :attr:`store`."""

    def __init__(
        self, table: NameTable, path: str, is_package: bool, dialect: str | None = None
    ) -> None:
        super().__init__(table, path, is_package, dialect)
        handlers: dict[type, object] = {
            ast.Name: self.visit_name,
            ast.Attribute: self.visit_attribute,
            ast.ClassDef: self.visit_class,
            ast.If: self.visit_if,
            ast.FunctionDef: self.visit_function,
            ast.AsyncFunctionDef: self.visit_function,
            ast.Import: self.visit_import,
            ast.ImportFrom: self.visit_import,
            ast.Assign: self.visit_assign,
            ast.AugAssign: self.visit_aug_assign,
            ast.With: self.visit_with,
            ast.AsyncWith: self.visit_with,
            ast.For: self.visit_for,
            ast.Global: self.visit_global,
            ast.Nonlocal: self.visit_global,
            ast.Constant: self.visit_constant,
        }
        self.dispatch.update(handlers)  # type: ignore[arg-type]
        self.foreign_extensions: set[str] = set()  # functions adding to another module's URL list

    # -- names and references ------------------------------------------------------------------

    def visit_name(self, node: ast.Name) -> None:
        """A name read: a reference when it resolves; a name assigned in a function: a local."""
        if not isinstance(node.ctx, ast.Load):
            self.bind_local(node.id)
            return
        target = self.table.lookup(node.id)
        if target is not None:
            self.store.reference(self.scope.qualname, target, "ref", True, node.lineno)
        elif self.table.stars and self._maybe_starred(node.id):
            self.store.reference(self.scope.qualname, node.id, "ref", False, node.lineno)

    def visit_attribute(self, node: ast.Attribute) -> None:
        """``a.b.c`` read: one reference to the full chain when its root resolves."""
        text = dotted(node)
        if text is None:
            self.visit(node.value)
            return
        target, resolved = self.table.resolve_dotted(text)
        if resolved or (self.table.stars and self._maybe_starred(text.partition(".")[0])):
            self.store.reference(self.scope.qualname, target, "ref", resolved, node.lineno)

    def visit_constant(self, node: ast.Constant) -> None:
        """A string naming a ``.sql`` file: the code here loads it."""
        value = node.value
        if type(value) is str and value[-1:] in sql_calls.SQL_FILE_ENDS:
            name = sql_calls.sql_file_literal(node)
            if name is not None:
                self.store.sql_file_load(self.scope.qualname, name, node.lineno)

    def _maybe_starred(self, name: str) -> bool:
        """Whether ``name`` may come from a ``from x import *`` (the project pass decides)."""
        return name not in BUILTINS and name not in self.table.hidden and name != "self"

    def visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the import and bind its names (function-level imports too)."""
        for local, target, _ in import_bindings(node, self.table.module, self.is_package):
            if local != "*":
                self.table.bind(local, target)
                self.scope.hidden.discard(local)
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
        self.store.definition(qualname, "class", bases, decorators, node,
                              access.method_decorations(node.decorator_list, self.table.qualify))
        self.store.url_patterns += admin_urls.decorated_registrations(
            node, qualname, self.table.qualify, self.table.module, self.path)
        candidate = models.model_candidate(node, qualname, bases, self.table, self.path)
        if candidate is not None:
            self.store.model_candidates.append(candidate)
        self.store.constants.update(app_settings.appconf_defaults(node, bases, self.route_env()))
        inside = node.name if self.scope.kind == "module" else qualname[len(self.table.module) + 1:]
        self.store.constants.update(class_values.class_values(node, inside, self.table.qualify,
                                                                     self.table.module))
        if (found := literals.class_literals(node, inside)):
            self.store.literals.update(found)
        self.store.registry_entries += registries.class_registries(node, qualname, self.table.module,
                                                                   self.path)
        if (collector := url_collectors.collector_class(node, qualname, self.table.qualify, self.path)):
            self.store.url_collectors.append(collector)
        self.store.object_mounts += url_objects.object_mounts(node, qualname, self.table.qualify, self.path)
        command = behaviours.command_fact(node, bases, self.table.module, self.path)
        if command is not None:
            self.store.commands.append(command)
        members = frozenset(member_names(node.body))
        self.enter(Scope(qualname, "class", qualname, members, hidden=self.scope.hidden))
        mounts = len(self.store.config_mounts)
        self.visit_all(node.body)
        self.leave()
        if "ready" in members:  # what ``ready()`` runs: its ``super()``'s, the class's mounts
            self.store.ready_supers += config_mounts.ready_entries(node, qualname, self.store.config_mounts,
                                                                   mounts)

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
        self.store.definition(qualname, kind, (), decorators, node,
                              access.method_decorations(node.decorator_list, self.table.qualify))
        self._function_decorators(node, qualname)
        hidden = outer.hidden | parameter_names(node.args)
        parameters = sql_calls.positional_parameters(node.args, kind == "method")
        if node.args.vararg is not None or node.args.kwarg is not None:
            parameters += url_forwarding.variadic(node.args)
        self.enter(Scope(qualname, "function", outer.class_qualname, outer.members, hidden=hidden,
                         parameters=parameters, forwards=node.args.vararg is not None))
        atomic = any(self.is_atomic(d) for d in node.decorator_list)
        if atomic:
            self.open_block("decorator", node)
        patterns = len(self.store.url_patterns)
        self.visit_all(node.body)
        self.store.collector_calls += url_collectors.collector_calls(node, qualname, self.route_env,
                                                                     self.path)
        if qualname in self.foreign_extensions and kind == "method" and outer.class_qualname:
            env = route_text.Env(self.scopes[0].route_strings, self.table, (), {}, outer.class_qualname)
            self.store.config_mounts += config_mounts.config_mounts(
                node, env, self.table.qualify, self.is_package, self.path)
        if atomic:
            self.close_block()
        if self.held_calls:
            self.forget_held_calls()
        returned = returned_sql(node, self.scope.strings, self.sql_strings) if outer.kind == "module" \
            else None
        self.leave()
        if returned is not None:  # ``_cte() + "SELECT ..."``: the text it returns
            outer.strings[f"{node.name}()"] = returned
        if len(self.store.url_patterns) > patterns:
            self.helpers.learn(qualname, parameters, patterns)
        hook = url_hooks.registered_hook(node.decorator_list)
        if hook is not None:  # what it returns may be a registry's object, or its patterns
            self.store.objects += url_objects.returned_objects(node, hook, self.route_env(), self.path)
            for method in url_objects.returned_methods(node, self.table.qualify):
                self.store.router_include(url_hooks.HOOK_PREFIX + hook, method, node.lineno)
        if hook is not None and len(self.store.url_patterns) > patterns:
            self.store.router_include(url_hooks.HOOK_PREFIX + hook, qualname, node.lineno)

    def _function_decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str) -> None:
        if access.guards_access(node):
            self.store.access_guards.append(qualname)
        last = node.body[-1]  # ``return urllist``: asked further only then
        if last.__class__ is ast.Return and last.value.__class__ is ast.Name and \
                registries.returns_first_parameter(node):
            self.store.passthrough.append(qualname)
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
        scope = self.scope
        if scope.kind == "module" or (name or "").endswith(URL_LIST_NAMES):
            self.mark_url_positions(node.value)
        elif name is not None and (self.held_calls or type(node.value) is ast.Call):
            self.assigned_call(name, node.value)
        if scope.arg_lists or scope.forwards:
            self._remember_arg_list(name, node.value, node.targets[0])
        self._remember_value(name, node.value, node.targets[0])
        self._visit_value(name, node.value)
        self.visit_all(node.targets)

    def visit_aug_assign(self, node: ast.AugAssign) -> None:
        """``urlpatterns += [...]`` and ``sql += "..."``."""
        self.mark_url_positions(node.value)
        name = node.target.id if isinstance(node.target, ast.Name) else None
        if self.scope.kind == "function" and config_mounts.extends_foreign_list(
                node.target, self.table.qualify, self.table.module):
            self.foreign_extensions.add(self.scope.qualname)
        if name is not None:
            self.bind_local(name)
            self.extended_by_call(name, node.value)
        if name is not None and isinstance(node.op, ast.Add):
            previous = self.scope.strings.get(name)
            added = sql_text(node.value, self.sql_strings())
            if previous is not None and added is not None:
                self.scope.strings[name] = (previous[0] + added[0], previous[1] or added[1])
        self._visit_value(name, node.value)

    def visit_if(self, node: ast.If) -> None:
        """``if x[0] == "^": x = x[1:]`` is read as ``x = x.removeprefix("^")``."""
        stripped = url_forwarding.guarded_strip(node)
        self.visit(node.test)
        if stripped is not None:
            self.visit(stripped)
            return
        self.visit_all(node.body)
        self.visit_all(node.orelse)

    def _remember_arg_list(self, name: str | None, value: ast.expr, target: ast.expr) -> None:
        """``new_args = list(args)`` and ``new_args[0] = pattern`` in a function with ``*args``."""
        scope = self.scope
        replaced = url_forwarding.replaced_item(target, scope.arg_lists)
        if replaced is not None:
            scope.arg_lists[replaced[0]][replaced[1]] = value
        elif name is not None and url_forwarding.is_copy(value, scope.parameters):
            scope.arg_lists[name] = {}
        elif name is not None:
            scope.arg_lists.pop(name, None)

    def _visit_value(self, name: str | None, value: ast.expr) -> None:
        at_module = self.scope.kind == "module"
        previous = self.container
        if at_module and name is not None:
            self.container = name
            url_lists.router_includes(self.store, self.table, name, value)
        self.visit(value)
        self.container = previous

    def _remember_value(self, name: str | None, value: ast.expr, target: ast.expr) -> None:
        scope = self.scope
        if name is not None:
            self._remember_route_text(name, value)
        if name is not None and isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp | ast.Call):
            text = sql_text(value, self.sql_strings())
            if text is not None:
                scope.strings[name] = text
        if name == "app_name" and scope.kind == "module" and isinstance(value, ast.Constant):
            self.store.url_namespace = value.value if isinstance(value.value, str) else None
        if isinstance(value, ast.Call) and scope.kind == "module" and name is not None:
            self._module_level_call(name, value)
        if scope.kind == "module" and name is not None and value.__class__ in _LITERAL_VALUES:
            texts, found = literals.module_literals(name, value, self.route_env)
            if texts or found:
                self.store.constants.update(texts)
                self.store.literals.update(found)
        if scope.kind != "function":
            return
        if isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
            name = target.elts[0].id
        if name is not None:
            model = orm.type_of_value(value, self.table)
            if model is not None:
                scope.local_types[name] = model

    def _remember_route_text(self, name: str, value: ast.expr) -> None:
        """A string a route may be built from; at module level also a constant for other modules."""
        scope = self.scope
        takes_kwargs = scope.parameters and scope.parameters[-1][:2] == "**"  # always last
        read = url_keywords.keyword_read(value, scope.parameters) if takes_kwargs else None
        if read is not None:  # ``post_view = views.pop("post", None)``: the caller's keyword
            scope.route_strings[name] = url_keywords.keyword_marker(read[0])
            if read[1] == "pop":
                scope.popped.add(read[0])
            return
        item = None  # ``pattern = args[0]`` of ``*args``
        if isinstance(value, ast.Subscript):
            item = url_forwarding.item_position(value, scope.parameters)
        foldable = route_text.foldable(value) or item is not None
        text = route_text.fold(value, self.route_env()) if foldable else None
        if text is None or route_text.is_opaque(text):
            named = scope.kind == "function" and isinstance(value, ast.Name | ast.Attribute)
            if text is not None and named:  # ``conv = self.converter``: say which, later
                scope.route_strings[name] = text
                return
            scope.route_strings.pop(name, None)
            if scope.kind == "module":
                self.store.constants.pop(name, None)
            return
        scope.route_strings[name] = text
        if scope.kind == "module" and not name.startswith("__") and len(text) <= 500:
            self.store.constants[name] = text

    def _module_level_call(self, name: str, value: ast.Call) -> None:
        qualified = self.table.qualify(value.func) or ""
        qualname = f"{self.table.module}.{name}"
        instance = class_values.instance_of(value, self.table.qualify)
        if instance is not None:  # ``settings = AppSettings()``: its attributes are the class's
            self.store.constants[name] = instance
        if (built := url_objects.module_object(name, value, self.route_env, self.path)) is not None:
            self.store.objects.append(built)
        if qualified in SIGNAL_CLASSES:
            self.store.signal_definition(qualname, value.lineno)
        elif qualified.endswith(("Router", "router")):
            self.routers.add(qualname)

    def include_list(self, name: str, other: ast.Name) -> None:
        """``urlpatterns = common + more`` / ``+= more`` / ``.extend(more)``: ``more``'s patterns."""
        url_lists.include_list(self.store, self.table, name, other)

    def visit_for(self, node: ast.For) -> None:
        """``for order in Order.objects.filter(...)`` types ``order`` as an Order."""
        if isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call):
            chain = orm.queryset_chain(node.iter, self.table)
            if chain is not None and self.scope.kind == "function":
                self.scope.local_types[node.target.id] = chain[0]
        if self.scope.kind == "function" and self.scope.parameters:
            item = url_helpers.loop_item(node, self.scope.parameters)
            if item is not None:  # ``for pattern in patterns``: one pattern per item, per call
                self.scope.route_strings[item[0]] = item[1]
            items = url_keywords.items_loop(node, self.scope.parameters, self.scope.popped) \
                if self.scope.parameters[-1][:2] == "**" else None
            if items is not None:  # ``for name, view in views.items()``: one per keyword, per call
                self.scope.route_strings.update(items)
        url_lists.loop_includes(self.store, self.table, self.scope, node, self.path)
        for child in ast.iter_child_nodes(node):
            self.visit(child)


    def extended_by_call(self, name: str, value: ast.expr) -> None:
        """``urls += get_module_urls()`` / ``urls.extend(...)`` in a function: an include."""
        url_lists.extended_by_call(self.store, self.table, self.scope, name, value)
