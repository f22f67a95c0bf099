"""The model codemod: one model class of the monolith -> the same class for the extracted service.

Formatting, comments and docstrings survive (libcst). Relations to models of other services become
plain ID columns (``customer = ForeignKey(Customer)`` -> ``customer_id = models.BigIntegerField(
db_index=True)``) with a comment naming the owning service; many-to-many relations to them are
removed with a comment, unless kept (``kept``: the service registers the monolith's apps): then
they stay many-to-many fields with ``db_constraint=False`` (the targets' table is not in the
service's database; the join table is); ``Meta.db_table`` is set to the monolith's table so the
data copy is one-to-one, and Meta strings naming a rewritten relation follow the rename.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from extractor.pysource import dotted

ID_KEYWORDS = ("null", "blank", "db_column", "help_text", "verbose_name", "primary_key")
RELATION_NAMES = {"fk": "ForeignKey", "o2o": "OneToOneField", "m2m": "ManyToManyField"}
REPLICA_NOTE = ("Unmanaged in the monolith (a database view or a table made outside Django). Here it is a "
                "table of its own, a read replica that `copy_from_monolith` fills: refresh it with the "
                "data copy, or from events of the services that own its sources.")


@dataclass(frozen=True)
class ForeignRelation:
    """A relation field of an own model whose target belongs to another service."""

    field: str  # field name, e.g. "customer"
    relation: str  # "fk" | "o2o" | "m2m"
    target: str  # "customers.Customer"
    owner: str  # the owning service
    declared: str = ""  # path:line of the field's declaration (on the model or an abstract base)


ACCESSOR_IMPORT = "from service_project.relations import remote_relation"


def accessor(rel: ForeignRelation) -> cst.SimpleStatementLine:
    """``order = remote_relation("order_id", ...)``: the relation's name, honest about the ID it is now."""
    arguments = ", ".join(_quote(a) for a in (f"{rel.field}_id", rel.target, rel.owner, rel.declared or "?"))
    statement = cst.parse_statement(f"{rel.field} = remote_relation({arguments})")
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


def _comment(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(comment=cst.Comment(f"# {text}"))


def _literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString | cst.Integer) or (
        isinstance(node, cst.Name) and node.value in ("True", "False", "None"))


def _id_field(line: cst.SimpleStatementLine, assign: cst.Assign, rel: ForeignRelation,
              models_alias: str, literals_only: bool = False) -> cst.SimpleStatementLine:
    """``name = ForeignKey(...)`` -> ``name_id = models.BigIntegerField(...)`` with a comment.

    ``literals_only`` keeps only keyword values that are literals (for a declaration taken from
    another module, whose names are not imported here).
    """
    kept: list[cst.Arg] = []
    if isinstance(assign.value, cst.Call):
        kept = [a for a in assign.value.args if a.keyword and a.keyword.value in ID_KEYWORDS
                and (_literal(a.value) or not literals_only)]
    empty = cst.Module([])
    args = [empty.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in kept]
    if not any(a.keyword and a.keyword.value == "primary_key" for a in kept):
        args.append("unique=True" if rel.relation == "o2o" else "db_index=True")
    call = cst.parse_expression(f"{models_alias}.BigIntegerField({', '.join(args)})")
    target = cst.AssignTarget(cst.Name(f"{rel.field}_id"))
    note = _comment(f"ID of a {rel.target} (service {rel.owner!r}); was a {RELATION_NAMES[rel.relation]}, "
                    "read it via that service's API.")
    return line.with_changes(
        body=[assign.with_changes(targets=[target], value=call)],
        leading_lines=[*line.leading_lines, note],
    )


LINK_KEYWORDS = ("related_name", "related_query_name", "blank", "verbose_name", "help_text", "db_table")
LINK_NOTE = ("kept many-to-many to {target} (service {owner!r}): the join table is this service's, "
             "the {target} rows are not (reading them raises: service_project/relations.py)")


def _unconstrained(line: cst.SimpleStatementLine, assign: cst.Assign, rel: ForeignRelation) -> (
    cst.SimpleStatementLine
):
    """``ManyToManyField(T, ...)`` with ``db_constraint=False`` and a comment saying why; ``T`` by its
    label (the class is another service's: the closure imports none of its names)."""
    note = LINK_NOTE.format(target=rel.target, owner=rel.owner)
    notes = [_comment(text) for text in textwrap.wrap(note, 90)]
    if not isinstance(assign.value, cst.Call):
        return line
    label = cst.SimpleString(_quote(rel.target))
    args = [a.with_changes(value=label) if (i == 0 and a.keyword is None) or _keyword(a, "to") else a
            for i, a in enumerate(assign.value.args) if not _keyword(a, "db_constraint")]
    flag = cst.Arg(cst.Name("False"), keyword=cst.Name("db_constraint"),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    original = assign.value.args
    if args:  # the flag takes the last argument's place in the layout (one per line stays so)
        before = original[-2].comma if len(original) > 1 else None
        space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        between = before if isinstance(before, cst.Comma) else space
        flag = flag.with_changes(comma=original[-1].comma)
        args[-1] = args[-1].with_changes(comma=between)
    call = assign.value.with_changes(args=[*args, flag])
    return line.with_changes(body=[assign.with_changes(value=call)],
                             leading_lines=[*line.leading_lines, *notes])


def _keyword(arg: cst.Arg, name: str) -> bool:
    return arg.keyword is not None and arg.keyword.value == name


def _inherited_link(rel: ForeignRelation, declared: cst.Assign | None, models_alias: str) -> (
    cst.BaseStatement
):
    """An inherited kept many-to-many declared again, unconstrained (its literal options kept)."""
    kept = [a for a in declared.value.args if a.keyword and a.keyword.value in LINK_KEYWORDS
            and _literal(a.value)] if declared is not None and isinstance(declared.value, cst.Call) else []
    empty = cst.Module([])
    options = "".join(f", {empty.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))}"
                      for a in kept)
    statement = cst.parse_statement(
        f"{rel.field} = {models_alias}.ManyToManyField({_quote(rel.target)}{options}, db_constraint=False)")
    text = f"{rel.field}: inherited from an abstract base, declared again; " + LINK_NOTE.format(
        target=rel.target, owner=rel.owner)
    return statement.with_changes(leading_lines=[cst.EmptyLine(indent=False),
                                                 *(_comment(line) for line in textwrap.wrap(text, 90))])


def assigned_name(stmt: cst.CSTNode) -> tuple[str, cst.Assign] | None:
    """(name, assignment) of a one-target ``name = value`` statement, else None."""
    return _assigned_name(stmt)


def _assigned_name(stmt: cst.CSTNode) -> tuple[str, cst.Assign] | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            name = dotted(small.targets[0].target)
            if name is not None:
                return name, small
    return None


class _MetaStrings(cst.CSTTransformer):
    """Follow the rename of rewritten relations inside Meta: ``"customer"`` -> ``"customer_id"`` (the
    same column); a traversal (``"-customer__name"``) orders or constrains by another service's data and
    cannot be rewritten: it is removed from its list, and ``dropped`` says so (never ``customer_id``,
    which would silently change the order)."""

    def __init__(self, renamed: Mapping[str, str]) -> None:
        self.renamed = renamed
        self.dropped: list[str] = []

    def _parts(self, node: cst.BaseExpression) -> tuple[str, str, str] | None:
        value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
        if not isinstance(value, str):
            return None
        sign = "-" if value.startswith("-") else ""
        head, _, rest = value.lstrip("-").partition("__")
        return (sign, head, rest) if head in self.renamed else None

    def leave_Element(self, original_node: cst.Element, updated_node: cst.Element) -> (
        cst.Element | cst.RemovalSentinel
    ):
        parts = self._parts(original_node.value)
        if parts is not None and parts[2] not in ("", "id", "pk"):
            self.dropped.append(f"{parts[0]}{parts[1]}__{parts[2]}")
            return cst.RemoveFromParent()
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString,
                           updated_node: cst.SimpleString) -> cst.BaseExpression:
        parts = self._parts(original_node)
        if parts is None or parts[2] not in ("", "id", "pk"):
            return updated_node
        return cst.SimpleString(repr(f"{parts[0]}{self.renamed[parts[1]]}").replace("'", '"'))


def dropped_meta(node: cst.ClassDef, relations: Sequence[ForeignRelation],
                 inherited_meta: Mapping[str, cst.BaseStatement] | None = None) -> list[str]:
    """The Meta entries of ``node`` (and of its abstract bases) that traverse a rewritten relation
    and were removed (``"order__code"``), as ``option: 'value'``."""
    renamed = {rel.field: f"{rel.field}_id" for rel in relations if rel.relation != "m2m"}
    out: list[str] = []
    metas = [s for s in node.body.body if isinstance(s, cst.ClassDef) and s.name.value == "Meta"]
    own = [stmt for meta in metas for stmt in meta.body.body]
    options = [*own, *(v for k, v in sorted((inherited_meta or {}).items())
                       if not any((f := _assigned_name(s)) and f[0] == k for s in own))]
    for stmt in options:
        found = _assigned_name(stmt)
        if found is None:
            continue
        visitor = _MetaStrings(renamed)
        stmt.visit(visitor)
        out += [f"{found[0]}: {value!r}" for value in visitor.dropped]
    return out


def _is_unmanaged_line(stmt: cst.CSTNode) -> bool:
    found = _assigned_name(stmt)
    return found is not None and found[0] == "managed" and isinstance(found[1].value, cst.Name) and (
        found[1].value.value == "False")


def is_unmanaged(node: cst.ClassDef) -> bool:
    """Whether the model class says ``Meta.managed = False`` (a view or a table made elsewhere)."""
    return any(isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta"
               and any(_is_unmanaged_line(inner) for inner in stmt.body.body)
               for stmt in node.body.body)


def _with_db_table(meta: cst.ClassDef, db_table: str, renamed: Mapping[str, str]) -> cst.ClassDef:
    body = [s for s in meta.body.body if not _is_unmanaged_line(s)]
    replica = len(body) != len(meta.body.body)
    line = cst.parse_statement(f"db_table = {_quote(db_table)}")
    for index, stmt in enumerate(body):
        found = _assigned_name(stmt)
        if found and found[0] == "db_table":
            body[index] = line.with_changes(leading_lines=getattr(stmt, "leading_lines", ()))
            break
    else:
        body = [s for s in body if not _is_pass(s)] + [line]
    if replica:
        note = [_comment(text) for text in textwrap.wrap(REPLICA_NOTE, 90)]
        body[0] = body[0].with_changes(leading_lines=[*note, *getattr(body[0], "leading_lines", ())])
    renamed_body = [_renamed_option(s, renamed) if isinstance(s, cst.BaseStatement) else s for s in body]
    return meta.with_changes(body=meta.body.with_changes(body=renamed_body))


def _renamed_option(stmt: cst.BaseStatement, renamed: Mapping[str, str]) -> cst.BaseStatement:
    """A Meta option with rewritten relations renamed; removed traversals get a comment."""
    visitor = _MetaStrings(renamed)
    changed = stmt.visit(visitor)
    assert isinstance(changed, cst.BaseStatement)
    if not visitor.dropped:
        return changed
    found = _assigned_name(stmt)
    text = (f"{found[0] if found else 'option'}: removed {', '.join(map(repr, visitor.dropped))}: it follows "
            "a relation that is now an ID of another service's model (see README).")
    notes = [_comment(line) for line in textwrap.wrap(text, 90)]
    return changed.with_changes(leading_lines=[*getattr(changed, "leading_lines", ()), *notes])


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


def _inherited_overrides(relations: Sequence[ForeignRelation], inherited: Mapping[str, cst.Assign],
                         models_alias: str) -> list[cst.BaseStatement]:
    """Relations declared in an abstract base: removed with ``name = None``, then the ID field."""
    out: list[cst.BaseStatement] = []
    for rel in relations:
        removed = cst.parse_statement(f"{rel.field} = None")
        if rel.relation != "m2m":
            removed = accessor(rel)
        if rel.relation == "m2m":
            out.append(removed.with_changes(leading_lines=[cst.EmptyLine(indent=False), _comment(
                f"{rel.field}: many-to-many to {rel.target} (service {rel.owner!r}), inherited from an "
                "abstract base, removed; keep the links there.")]))
            continue
        out.append(removed.with_changes(leading_lines=[cst.EmptyLine(indent=False), _comment(
            f"{rel.field}: inherited from an abstract base; the ID field below replaces it,"), _comment(
            "this accessor answers its ID only (service_project/relations.py).")]))
        assign = inherited.get(rel.field) or cst.Assign([cst.AssignTarget(cst.Name(rel.field))],
                                                         cst.Call(cst.Name("Field")))
        line = cst.SimpleStatementLine([assign])
        out.append(_id_field(line, assign, rel, models_alias, literals_only=True))
    return out


def rewrite_model(node: cst.ClassDef, db_table: str, relations: Sequence[ForeignRelation],
                  models_alias: str = "models", meta_base: str | None = None,
                  inherited: Mapping[str, cst.Assign] | None = None,
                  inherited_meta: Mapping[str, cst.BaseStatement] | None = None,
                  kept: Sequence[ForeignRelation] = ()) -> cst.ClassDef:
    """Return the model class with foreign relations rewritten and ``Meta.db_table`` set.

    ``inherited`` maps relation fields declared in an abstract base to their declaration there:
    they are removed in the class (``name = None``) and replaced by the ID field.
    ``inherited_meta`` maps the Meta options of the abstract bases (``ordering``...) to their
    statement: one naming a rewritten relation is repeated in the class's Meta, renamed.
    ``kept``: many-to-many fields to other services' models that stay, unconstrained.
    """
    by_field = {rel.field: rel for rel in relations}
    links = {rel.field: rel for rel in kept}
    renamed = {rel.field: f"{rel.field}_id" for rel in relations if rel.relation != "m2m"}
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    seen: set[str] = set()
    for stmt in node.body.body:
        if not isinstance(stmt, cst.BaseStatement):  # one-line class body: nothing to rewrite
            return node
        found = _assigned_name(stmt)
        rel = by_field.get(found[0]) if found else None
        seen.update([found[0]] if found else [])
        link = links.get(found[0]) if found else None
        if link is not None and found is not None and isinstance(stmt, cst.SimpleStatementLine):
            stmt = _unconstrained(stmt, found[1], link)
        if rel is not None and found is not None and rel.relation == "m2m":
            pending += [*getattr(stmt, "leading_lines", ()), _comment(
                f"{rel.field}: many-to-many to {rel.target} (service {rel.owner!r}) removed; "
                "keep the links there.")]
            continue
        if rel is not None and found is not None:
            assert isinstance(stmt, cst.SimpleStatementLine)
            body.append(_id_field(stmt, found[1], rel, models_alias))
            stmt = accessor(rel)
        elif isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta":
            stmt = _with_db_table(stmt, db_table, renamed)
        if pending:
            stmt = stmt.with_changes(leading_lines=[*pending, *getattr(stmt, "leading_lines", ())])
            pending = []
        body.append(stmt)
    extra = _inherited_overrides([r for r in relations if r.field not in seen], inherited or {}, models_alias)
    extra += [_inherited_link(r, (inherited or {}).get(r.field), models_alias)
              for r in kept if r.field not in seen]
    body = _with_extra(body, extra, db_table, meta_base)
    body = _with_options(body, _renamed_options(inherited_meta or {}, renamed))
    block = node.body.with_changes(body=body)
    if pending and isinstance(block, cst.IndentedBlock):
        block = block.with_changes(footer=[*block.footer, *pending])
    return node.with_changes(body=block)


def _with_extra(body: list[cst.BaseStatement], extra: list[cst.BaseStatement], db_table: str,
                meta_base: str | None) -> list[cst.BaseStatement]:
    """Insert ``extra`` before the Meta class (added when missing); drop a lone ``pass``."""
    metas = [i for i, s in enumerate(body) if isinstance(s, cst.ClassDef) and s.name.value == "Meta"]
    if not metas:
        body = [*body, _new_meta(db_table, meta_base)]
        metas = [len(body) - 1]
    body = body[: metas[0]] + extra + body[metas[0]:]
    kept = [s for s in body if not _is_pass(s)]
    return kept or body


def _renamed_options(inherited_meta: Mapping[str, cst.BaseStatement],
                     renamed: Mapping[str, str]) -> dict[str, cst.BaseStatement]:
    """The inherited Meta options whose strings name a renamed relation, renamed."""
    out: dict[str, cst.BaseStatement] = {}
    for name in sorted(inherited_meta):
        statement = inherited_meta[name]
        changed = _renamed_option(statement.with_changes(leading_lines=[]), renamed)
        if isinstance(changed, cst.SimpleStatementLine) and not changed.deep_equals(statement):
            out[name] = changed.with_changes(leading_lines=[_comment(
                f"{name}: inherited from the abstract base's Meta; repeated here, relation renamed."),
                *changed.leading_lines])
    return out


def _with_options(body: list[cst.BaseStatement], options: Mapping[str, cst.BaseStatement]) -> list[
    cst.BaseStatement
]:
    """Add ``options`` to the class's Meta unless it sets them itself."""
    if not options:
        return body
    out = []
    for stmt in body:
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta":
            own = {found[0] for s in stmt.body.body if (found := _assigned_name(s))}
            extra = [options[n] for n in sorted(options) if n not in own]
            stmt = stmt.with_changes(body=stmt.body.with_changes(body=[*stmt.body.body, *extra]))
        out.append(stmt)
    return out
