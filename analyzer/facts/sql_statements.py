"""One parsed SQL statement -> the real tables it reads, writes and drops, by statement kind.

sqlglot names many things with a ``Table`` node that are not tables: the index of ``DROP INDEX``,
the sequence of ``CREATE SEQUENCE``, the constraint of ``ALTER TABLE ... DROP CONSTRAINT``, the
trigger of ``DROP TRIGGER``, the operator class of ``CREATE INDEX ... (name varchar_pattern_ops)``.
So DDL is read by kind:

- ``CREATE TABLE`` / ``CREATE [MATERIALIZED] VIEW``: the created name is written, its query and
  ``REFERENCES`` read; ``CREATE INDEX ... ON t`` and ``CREATE TRIGGER ... ON t`` write ``t``;
  any other ``CREATE`` (sequence, function, type, schema, extension) touches no table.
- ``DROP TABLE`` / ``DROP [MATERIALIZED] VIEW``: the names are written and dropped;
  ``DROP TRIGGER ... ON t`` writes ``t``; any other ``DROP`` (index, sequence, function...) none.
- ``ALTER TABLE`` / ``ALTER VIEW``: the altered table is written, a ``RENAME TO`` name is
  written and the old name dropped (pretalx renamed an auto-created join table to its new
  ``through`` model's), ``REFERENCES`` tables are read, constraint and index names are skipped;
  any other ``ALTER`` (index, sequence) touches no table.
- ``TRUNCATE``: written. ``INSERT`` / ``UPDATE`` / ``DELETE`` / ``MERGE``: the target written, the
  rest read. Anything else (``SELECT``, ``WITH``): read. Statements sqlglot keeps as raw text
  (``Command``: function bodies, ``ALTER SEQUENCE``, ``REFRESH MATERIALIZED VIEW``) touch no
  table. (A refresh does rewrite its view, but counted as a write it ties oscar's receivers, and
  with them its test factories, to the view: a cluster with a table and no model, which the
  boundaries then keep as a service. Left for the boundaries to decide first.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp

_RELATION_KINDS = frozenset({"TABLE", "VIEW"})


@dataclass
class StatementTables:
    """Table nodes of one statement by use; names are taken by the caller (it knows the CTEs)."""

    read: list[exp.Table] = field(default_factory=list)
    written: list[exp.Table] = field(default_factory=list)
    dropped: list[exp.Table] = field(default_factory=list)


def classify(statement: exp.Expression) -> StatementTables:
    """The tables ``statement`` reads, writes and drops (see the module docstring)."""
    from sqlglot import exp

    if isinstance(statement, exp.Create):
        return _create(statement)
    if isinstance(statement, exp.Drop):
        return _drop(statement)
    if isinstance(statement, exp.Alter):
        return _alter(statement)
    if isinstance(statement, exp.Command):
        return StatementTables()
    if isinstance(statement, exp.TruncateTable):
        return StatementTables(written=list(statement.find_all(exp.Table)))
    if isinstance(statement, exp.Comment | exp.Pragma):
        return StatementTables()
    target = _dml_target(statement)
    tables = list(statement.find_all(exp.Table))
    return StatementTables(read=[t for t in tables if t is not target],
                           written=[t for t in tables if t is target])


def _kind(statement: exp.Expression) -> str:
    return str(statement.args.get("kind") or "").upper()


def _create(statement: exp.Create) -> StatementTables:
    from sqlglot import exp

    kind, target = _kind(statement), statement.this
    if kind in _RELATION_KINDS:
        created = target.this if isinstance(target, exp.Schema) else target
        tables = [t for t in statement.find_all(exp.Table) if t is not created]
        return StatementTables(read=tables, written=[created] if isinstance(created, exp.Table) else [])
    if kind == "INDEX" and isinstance(target, exp.Index):
        indexed = target.args.get("table")
        return StatementTables(written=[indexed] if isinstance(indexed, exp.Table) else [])
    if kind == "TRIGGER":
        return StatementTables(written=[t for p in statement.find_all(exp.TriggerProperties)
                                        if isinstance(t := p.args.get("table"), exp.Table)])
    return StatementTables()


def _drop(statement: exp.Drop) -> StatementTables:
    from sqlglot import exp

    kind = _kind(statement)
    if kind in _RELATION_KINDS:
        names = [t for t in statement.args.get("tables") or [statement.this] if isinstance(t, exp.Table)]
        return StatementTables(written=names, dropped=names)
    if kind == "TRIGGER":
        cluster = statement.args.get("cluster")
        on = cluster.this if isinstance(cluster, exp.OnProperty) else None
        return StatementTables(written=[on] if isinstance(on, exp.Table) else [])
    return StatementTables()


def _alter(statement: exp.Alter) -> StatementTables:
    from sqlglot import exp

    if _kind(statement) not in _RELATION_KINDS:
        return StatementTables()
    found = StatementTables(written=[statement.this] if isinstance(statement.this, exp.Table) else [])
    for action in statement.args.get("actions") or ():
        if isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
            found.written.append(action.this)
            if isinstance(statement.this, exp.Table):  # the old name is gone
                found.dropped.append(statement.this)
        for reference in action.find_all(exp.Reference):
            found.read += [t for t in reference.find_all(exp.Table)]
    return found


def _dml_target(statement: exp.Expression) -> exp.Table | None:
    from sqlglot import exp

    if not isinstance(statement, exp.Insert | exp.Update | exp.Delete | exp.Merge):
        return None
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    return target if isinstance(target, exp.Table) else None
