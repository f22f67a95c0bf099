"""The model codemod: one model class of the monolith -> the same class for the extracted service.

Formatting, comments and docstrings survive (libcst). Relations to models of other services become
plain ID columns (``customer = ForeignKey(Customer)`` -> ``customer_id = models.BigIntegerField(
db_index=True)``) with a comment naming the owning service; many-to-many relations to them are
removed with a comment; ``Meta.db_table`` is set to the monolith's table so the data copy is
one-to-one, and Meta strings naming a rewritten relation follow the rename.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from extractor.pysource import dotted

KEPT_KEYWORDS = ("null", "blank", "db_column", "help_text", "verbose_name", "default")


@dataclass(frozen=True)
class ForeignRelation:
    """A relation field of an own model whose target belongs to another service."""

    field: str  # field name, e.g. "customer"
    relation: str  # "fk" | "o2o" | "m2m"
    target: str  # "customers.Customer"
    owner: str  # the owning service


def _comment(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(comment=cst.Comment(f"# {text}"))


def _id_field(line: cst.SimpleStatementLine, assign: cst.Assign, rel: ForeignRelation,
              models_alias: str) -> cst.SimpleStatementLine:
    """``name = ForeignKey(...)`` -> ``name_id = models.BigIntegerField(...)`` with a comment."""
    kept: list[cst.Arg] = []
    if isinstance(assign.value, cst.Call):
        kept = [a for a in assign.value.args if a.keyword and a.keyword.value in KEPT_KEYWORDS[:5]]
    flag = "unique" if rel.relation == "o2o" else "db_index"
    empty = cst.Module([])
    args = [empty.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in kept]
    call = cst.parse_expression(f"{models_alias}.BigIntegerField({', '.join([*args, f'{flag}=True'])})")
    target = cst.AssignTarget(cst.Name(f"{rel.field}_id"))
    note = _comment(f"ID of a {rel.target} (service {rel.owner!r}); was a {rel.relation.upper()}, "
                    "read it via that service's API.")
    return line.with_changes(
        body=[assign.with_changes(targets=[target], value=call)],
        leading_lines=[*line.leading_lines, note],
    )


def _assigned_name(stmt: cst.CSTNode) -> tuple[str, cst.Assign] | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            name = dotted(small.targets[0].target)
            if name is not None:
                return name, small
    return None


class _MetaStrings(cst.CSTTransformer):
    """Rename strings naming a rewritten relation inside Meta ("customer", "-customer__name")."""

    def __init__(self, renamed: Mapping[str, str]) -> None:
        self.renamed = renamed

    def leave_SimpleString(self, original_node: cst.SimpleString,
                           updated_node: cst.SimpleString) -> cst.BaseExpression:
        value = original_node.evaluated_value
        if not isinstance(value, str):
            return updated_node
        sign = "-" if value.startswith("-") else ""
        head = value.lstrip("-").split("__")[0]
        if head in self.renamed:
            return cst.SimpleString(repr(f"{sign}{self.renamed[head]}").replace("'", '"'))
        return updated_node


def _with_db_table(meta: cst.ClassDef, db_table: str, renamed: Mapping[str, str]) -> cst.ClassDef:
    body = list(meta.body.body)
    line = cst.parse_statement(f"db_table = {_quote(db_table)}")
    for index, stmt in enumerate(body):
        found = _assigned_name(stmt)
        if found and found[0] == "db_table":
            body[index] = line.with_changes(leading_lines=getattr(stmt, "leading_lines", ()))
            break
    else:
        body = [s for s in body if not _is_pass(s)] + [line]
    updated = meta.with_changes(body=meta.body.with_changes(body=body))
    return updated.visit(_MetaStrings(renamed))  # type: ignore[return-value]


def _is_pass(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Pass) for s in stmt.body
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _new_meta(db_table: str, meta_base: str | None) -> cst.BaseStatement:
    base = f"({meta_base}.Meta)" if meta_base else ""
    return cst.parse_statement(f"class Meta{base}:\n    db_table = {_quote(db_table)}\n").with_changes(
        leading_lines=[cst.EmptyLine(indent=False)]
    )


def rewrite_model(node: cst.ClassDef, db_table: str, relations: Sequence[ForeignRelation],
                  models_alias: str = "models", meta_base: str | None = None) -> cst.ClassDef:
    """Return the model class with foreign relations rewritten and ``Meta.db_table`` set."""
    by_field = {rel.field: rel for rel in relations}
    renamed = {rel.field: f"{rel.field}_id" for rel in relations if rel.relation != "m2m"}
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    has_meta = False
    for stmt in node.body.body:
        if not isinstance(stmt, cst.BaseStatement):  # one-line class body: nothing to rewrite
            return node
        found = _assigned_name(stmt)
        rel = by_field.get(found[0]) if found else None
        if rel is not None and found is not None and rel.relation == "m2m":
            pending += [*getattr(stmt, "leading_lines", ()), _comment(
                f"{rel.field}: many-to-many to {rel.target} (service {rel.owner!r}) removed; "
                "keep the links there.")]
            continue
        if rel is not None and found is not None:
            assert isinstance(stmt, cst.SimpleStatementLine)
            stmt = _id_field(stmt, found[1], rel, models_alias)
        elif isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta":
            stmt = _with_db_table(stmt, db_table, renamed)
            has_meta = True
        if pending:
            stmt = stmt.with_changes(leading_lines=[*pending, *getattr(stmt, "leading_lines", ())])
            pending = []
        body.append(stmt)
    if not has_meta:
        body.append(_new_meta(db_table, meta_base))
    block = node.body.with_changes(body=body)
    if pending and isinstance(block, cst.IndentedBlock):
        block = block.with_changes(footer=[*block.footer, *pending])
    return node.with_changes(body=block)
