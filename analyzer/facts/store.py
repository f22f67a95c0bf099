"""Accumulates the facts of one module during the walk and freezes them into ``ModuleFacts``."""

from __future__ import annotations

import ast
import re
from typing import TypeVar

from analyzer.facts.orm import access_of
from analyzer.facts.sql import SqlTables, tables_in_partial_sql, tables_in_sql
from analyzer.facts.sql_known import NOTHING_KNOWN, KnownSql
from analyzer.model.facts import (
    AtomicBlock,
    CollectorCall,
    CommandFact,
    ConfigMount,
    Definition,
    ImportFact,
    ModelCandidate,
    ModuleFacts,
    ObjectFact,
    ObjectMount,
    OrmQuery,
    Reference,
    RegistryEntry,
    SignalDefinition,
    SignalReceiver,
    SignalSend,
    SourceWarning,
    SqlFileLoad,
    SqlHelperCall,
    SqlSink,
    SqlSite,
    TaskFact,
    UrlCall,
    UrlCollector,
    UrlHelper,
    UrlPattern,
)

SqlArgument = tuple[int | str, tuple[str, bool]]  # (position or keyword, (sql text, partial))
# text that reads as a SQL statement: worth recording when passed to another module's function
SQL_STATEMENT = re.compile(r"^[\s(]*(SELECT|WITH|INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE)

T = TypeVar("T")


class FactStore:
    """Mutable lists of facts for one module; :meth:`freeze` returns the sorted ``ModuleFacts``."""

    def __init__(self, module: str, path: str, dialect: str | None = None) -> None:
        self.module = module
        self.path = path
        self.dialect = dialect
        self.known_sql: KnownSql = NOTHING_KNOWN  # texts parsed before (:mod:`analyzer.facts.sql_known`)
        self.known_used: dict[tuple[str, bool], int] = {}  # how many of each were used
        self.imports: list[ImportFact] = []
        self.definitions: list[Definition] = []
        self.references: dict[tuple[str, str, str], list[int]] = {}
        self.resolved: dict[tuple[str, str, str], bool] = {}
        self.model_candidates: list[ModelCandidate] = []
        self.orm: list[OrmQuery] = []
        self.url_patterns: list[UrlPattern] = []
        self.signal_receivers: list[SignalReceiver] = []
        self.signal_definitions: list[SignalDefinition] = []
        self.signal_sends: list[SignalSend] = []
        self.atomic_blocks: list[AtomicBlock] = []
        self.tasks: list[TaskFact] = []
        self.commands: list[CommandFact] = []
        self.sql: list[SqlSite] = []
        self.warnings: list[SourceWarning] = []
        self.calls: list[str] = []
        self.url_namespace: str | None = None
        self.constants: dict[str, str] = {}  # module-level string constants, as route text
        self.sql_file_loads: list[SqlFileLoad] = []
        self.access_guards: list[str] = []
        self.sql_sinks: dict[str, tuple[int, str, str]] = {}  # helper -> (position, name, origin)
        self.deleted_models: set[str] = set()  # migrations.DeleteModel(name) in this module
        self.helper_calls: list[tuple[str, list[SqlArgument], str, int]] = []
        self.foreign_calls: list[SqlHelperCall] = []
        self.url_helpers: dict[str, UrlHelper] = {}  # function -> its patterns built from parameters
        self.url_calls: list[UrlCall] = []
        self.url_collectors: list[UrlCollector] = []
        self.collector_calls: list[CollectorCall] = []
        self.object_mounts: list[ObjectMount] = []
        self.objects: list[ObjectFact] = []
        self.registry_entries: list[RegistryEntry] = []
        self.config_mounts: list[ConfigMount] = []
        self.literals: dict[str, str] = {}  # names bound to None / True / False
        self.ready_supers: list[str] = []
        self.passthrough: list[str] = []

    def reference(self, scope: str, target: str, kind: str, resolved: bool, line: int) -> None:
        """Count one use of ``target`` in ``scope``; the first line is kept."""
        key = (scope, target, kind)
        entry = self.references.get(key)
        if entry is None:
            self.references[key] = [1, line]
            self.resolved[key] = resolved
        else:
            entry[0] += 1

    def import_(self, scope: str, local: str, target: str, level: int, line: int) -> None:
        """Record an import binding."""
        self.imports.append(ImportFact(scope, local, target, level, self.path, line))

    def definition(
        self, qualname: str, kind: str, bases: tuple[str, ...], decorators: tuple[str, ...],
        node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
        method_decorators: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Record a class, function or method."""
        end = node.end_lineno or node.lineno
        self.definitions.append(
            Definition(qualname, kind, bases, decorators, self.path, node.lineno, end, method_decorators)
        )

    def orm_query(
        self, scope: str, model: str, manager: str, methods: tuple[str, ...],
        lookups: tuple[str, ...], line: int,
    ) -> None:
        """Record an ORM use; reads and writes are told apart by the methods."""
        access = access_of(methods)
        self.orm.append(OrmQuery(scope, model, manager, methods, access, lookups, self.path, line))

    def signal_definition(self, qualname: str, line: int) -> None:
        """Record ``name = Signal()``."""
        self.signal_definitions.append(SignalDefinition(qualname, self.path, line))

    def signal_send(self, signal: str, sender: str | None, scope: str, line: int) -> None:
        """Record ``signal.send(sender=...)``."""
        self.signal_sends.append(SignalSend(signal, sender, scope, self.path, line))

    def router_include(self, container: str, router: str, line: int) -> None:
        """``urlpatterns += router.urls``: an include of the router's registrations."""
        self.url_patterns.append(
            UrlPattern(self.module, container, "include", "", None, "include", router, None, None,
                       self.path, line)
        )

    def sql_site(self, scope: str, origin: str, text: str, partial: bool, line: int) -> None:
        """Parse one SQL text and record the tables; unparseable SQL also becomes a warning."""
        tables = self._tables(text, partial)
        site = SqlSite(scope, origin, text, partial, tables.error is None, tables.tables_read,
                       tables.tables_written, tables.joins, self.path, line,
                       tables_dropped=tables.tables_dropped)
        self.sql.append(site)
        if tables.error is not None and not partial:
            sql_line = line + tables.error_line - 1
            self.warnings.append(
                SourceWarning(self.path, sql_line, "sql", f"SQL not parsed: {tables.error}")
            )

    def _tables(self, text: str, partial: bool) -> SqlTables:
        """The tables of ``text``: an earlier site's not used yet (each serves one), else parsed."""
        key = (text, partial)
        used = self.known_used.get(key, 0)
        known = self.known_sql.get(key, ())
        if used < len(known):
            self.known_used[key] = used + 1
            return known[used]
        return (tables_in_partial_sql if partial else tables_in_sql)(text, self.dialect)

    def sql_file_load(self, scope: str, name: str, line: int) -> None:
        """Record code naming a ``.sql`` file it loads."""
        self.sql_file_loads.append(SqlFileLoad(scope, name, self.path, line))

    def helper_sql_sites(self) -> None:
        """Calls of this module's SQL helpers with SQL text become SQL sites at the call."""
        for target, arguments, scope, line in self.helper_calls:
            sink = self.sql_sinks.get(target)
            if sink is None:
                continue
            position, name, origin = sink
            given = dict(arguments)
            text = given.get(position) or given.get(name)
            if text is not None:
                self.sql_site(scope, origin, text[0], text[1], line)
        self.helper_calls.clear()

    def foreign_helper_call(self, target: str, arguments: list[SqlArgument], scope: str, line: int) -> None:
        """SQL statements passed to ``target`` of another module: parsed now, kept if it is a sink."""
        for key, (text, partial) in arguments:
            if not SQL_STATEMENT.match(text):
                continue
            tables = self._tables(text, partial)
            site = SqlSite(scope, "helper", text, partial, tables.error is None, tables.tables_read,
                           tables.tables_written, tables.joins, self.path, line,
                           tables_dropped=tables.tables_dropped)
            position, keyword = (key, "") if isinstance(key, int) else (-1, key)
            self.foreign_calls.append(SqlHelperCall(target, position, keyword, site))

    def atomic_block(
        self, kind: str, scope: str, line: int, end_line: int, orm_start: int, sql_start: int,
        calls_start: int,
    ) -> None:
        """Close an atomic block: the writes, SQL writes and calls recorded since it opened."""
        written = sorted({q.model for q in self.orm[orm_start:] if q.access == "write"})
        tables = sorted({t for s in self.sql[sql_start:] for t in s.tables_written})
        calls = sorted(set(self.calls[calls_start:]))
        self.atomic_blocks.append(
            AtomicBlock(scope, kind, tuple(written), tuple(calls), tuple(tables), self.path,
                        line, end_line)
        )

    def freeze(self, is_package: bool, lines: int, extra: tuple[SourceWarning, ...] = ()) -> ModuleFacts:
        """The sorted, immutable facts of the module."""
        self.helper_sql_sites()
        references = [
            Reference(scope, target, kind, self.resolved[(scope, target, kind)], count, self.path,
                      line)
            for (scope, target, kind), (count, line) in self.references.items()
        ]
        return ModuleFacts(
            path=self.path,
            module=self.module,
            is_package=is_package,
            lines=lines,
            imports=_sorted(self.imports),
            definitions=_sorted(self.definitions),
            references=tuple(sorted(references, key=lambda r: (r.line, r.scope, r.target, r.kind))),
            model_candidates=_sorted(self.model_candidates),
            orm=_sorted(self.orm),
            url_patterns=tuple(self.url_patterns),
            url_namespace=self.url_namespace,
            signal_receivers=_sorted(self.signal_receivers),
            signal_definitions=_sorted(self.signal_definitions),
            signal_sends=_sorted(self.signal_sends),
            atomic_blocks=_sorted(self.atomic_blocks),
            tasks=_sorted(self.tasks),
            commands=_sorted(self.commands),
            sql=_sorted(self.sql),
            warnings=tuple(sorted((*extra, *self.warnings), key=lambda w: (w.line, w.code))),
            sql_file_loads=_sorted(self.sql_file_loads),
            access_guards=tuple(sorted(set(self.access_guards))),
            sql_sinks=tuple(SqlSink(function, *sink) for function, sink in sorted(self.sql_sinks.items())),
            sql_helper_calls=tuple(sorted(self.foreign_calls, key=lambda c: (c.site.line, c.target,
                                                                         c.position, c.keyword))),
            constants=tuple(sorted(self.constants.items())),
            deleted_models=tuple(sorted(self.deleted_models)),
            url_helpers=tuple(self.url_helpers[name] for name in sorted(self.url_helpers)),
            url_calls=_sorted(self.url_calls),
            url_collectors=_sorted(self.url_collectors) if self.url_collectors else (),
            collector_calls=_sorted(self.collector_calls) if self.collector_calls else (),
            object_mounts=_sorted(self.object_mounts) if self.object_mounts else (),
            objects=_sorted(self.objects) if self.objects else (),
            registry_entries=_sorted(self.registry_entries),
            config_mounts=_sorted(self.config_mounts) if self.config_mounts else (),
            literals=tuple(sorted(self.literals.items())) if self.literals else (),
            ready_supers=tuple(sorted(self.ready_supers)) if self.ready_supers else (),
            passthrough=tuple(sorted(self.passthrough)) if self.passthrough else (),
        )


def _sorted(items: list[T]) -> tuple[T, ...]:
    """Stable sort by line: ties keep the walk order, which is deterministic."""
    return tuple(sorted(items, key=_line_key))


def _line_key(item: object) -> int:
    line = getattr(item, "line", 0)
    return line if isinstance(line, int) else 0
