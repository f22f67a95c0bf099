"""Django model classes: fields, relations, managers and ``Meta`` read from a class body.

Whether a class really is a model is decided by the project pass (its bases may live in another
module); here every class that looks like one becomes a :class:`ModelCandidate`.
"""

from __future__ import annotations

import ast

from analyzer.facts.django_names import AUTH_USER_SETTING, GET_USER_MODEL, RELATION_FIELDS
from analyzer.facts.names import NameTable
from analyzer.model.facts import FieldFact, ModelCandidate

GENERIC_RELATIONS = frozenset({"GenericForeignKey"})  # django.contrib.contenttypes.fields

_META_KEYS = ("db_table", "abstract", "proxy", "app_label", "managed")
# Django's model Meta options: a Meta setting any of them (and not a serializer's or form's ``model``
# / ``fields``) is a model's, so the class is a candidate even with no field of its own
_MODEL_OPTIONS = frozenset({
    *_META_KEYS, "base_manager_name", "constraints", "db_table_comment", "db_tablespace",
    "default_manager_name", "default_permissions", "default_related_name", "get_latest_by",
    "index_together", "indexes", "order_with_respect_to", "ordering", "permissions",
    "required_db_features", "required_db_vendor", "select_on_save", "unique_together",
    "verbose_name", "verbose_name_plural",
})


def model_candidate(
    node: ast.ClassDef, qualname: str, bases: tuple[str, ...], table: NameTable, path: str
) -> ModelCandidate | None:
    """The model facts of class ``node``, or None when its body holds nothing model-like."""
    fields: list[FieldFact] = []
    managers: list[str] = []
    meta: dict[str, object] = {}
    inherits = True  # Django: a model without a Meta of its own takes its abstract base's
    model_meta = False
    for statement in node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Meta":
            meta = _meta(statement)
            inherits = bool(statement.bases)  # ``class Meta(Base.Meta)`` extends it
            model_meta = bool(_assigned(statement) & _MODEL_OPTIONS)
            continue
        name, value = _assignment(statement)
        if name is None or not isinstance(value, ast.Call):
            continue
        kind = _call_kind(value, table)
        if kind == "field":
            fields.append(field_fact(name, value, table, statement.lineno))
        elif kind == "manager":
            managers.append(name)
    if not (fields or meta or managers or model_meta) and "django.db.models.Model" not in bases:
        return None
    return ModelCandidate(
        qualname=qualname,
        name=node.name,
        module=table.module,
        bases=bases,
        fields=tuple(fields),
        managers=tuple(managers),
        db_table=_str_or_none(meta.get("db_table")),
        app_label=_str_or_none(meta.get("app_label")),
        abstract=meta.get("abstract") is True,
        proxy=meta.get("proxy") is True,
        path=path,
        line=node.lineno,
        end_line=node.end_lineno or node.lineno,
        managed=meta.get("managed") is not False,
        meta_keys=tuple(sorted(meta)),
        meta_inherits=inherits,
    )


def field_fact(name: str, call: ast.Call, table: NameTable, line: int) -> FieldFact:
    """One field assignment ``name = models.X(...)`` as a :class:`FieldFact`."""
    field_type = table.qualify(call.func) or "?"
    relation = RELATION_FIELDS.get(field_type) or _relation_by_name(field_type)
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    target_node = call.args[0] if call.args else keywords.get("to")
    target = _model_reference(target_node, table) if relation and relation != "generic" else None
    through = _model_reference(keywords.get("through"), table) if relation == "m2m" else None
    column = _str_or_none(_constant(keywords.get("db_column")))
    if column is None and relation in ("fk", "o2o"):
        column = f"{name}_id"
    elif column is None and relation is None:  # a generic relation has no column of its own
        column = name
    return FieldFact(
        name=name,
        field_type=field_type,
        relation=relation,
        target=target,
        through=through,
        related_name=_str_or_none(_constant(keywords.get("related_name"))),
        line=line,
        column=column,
        on_delete=_on_delete(call, keywords) if relation in ("fk", "o2o") else None,
        null=relation in ("fk", "o2o") and _constant(keywords.get("null")) is True,
    )


def _on_delete(call: ast.Call, keywords: dict[str, ast.expr]) -> str | None:
    """The name of a relation's ``on_delete`` rule (``models.CASCADE`` -> ``CASCADE``), else None."""
    rule = keywords.get("on_delete") or (call.args[1] if len(call.args) > 1 else None)
    if isinstance(rule, ast.Attribute):
        return rule.attr
    if isinstance(rule, ast.Name):
        return rule.id
    if isinstance(rule, ast.Call):  # models.SET(value)
        return _last_name(rule.func) or None
    return None


def _relation_by_name(field_type: str) -> str | None:
    last = field_type.rsplit(".", 1)[-1]
    if last in GENERIC_RELATIONS:  # a content type and an id: no edge to one model, no column
        return "generic"
    if last.endswith("ForeignKey") or last == "ParentalKey":
        return "fk"
    if last.endswith("OneToOneField"):
        return "o2o"
    if last.endswith("ManyToManyField"):
        return "m2m"
    return None


def _model_reference(node: ast.expr | None, table: NameTable) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and table.qualify(node.func) in GET_USER_MODEL:
        return AUTH_USER_SETTING
    return table.qualify(node)


def _call_kind(call: ast.Call, table: NameTable) -> str | None:
    func = call.func
    if isinstance(func, ast.Call):  # Manager.from_queryset(QS)()
        return "manager" if _last_name(func.func).endswith("from_queryset") else None
    last = _last_name(func)
    qualified = table.qualify(func) or ""
    if last == "as_manager" or (last.endswith("Manager") and last != "TaggableManager"):
        return "manager"
    if qualified in RELATION_FIELDS or last.endswith(("Field", "ForeignKey", "Key")):
        return "field"
    return None


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


def _meta(node: ast.ClassDef) -> dict[str, object]:
    meta: dict[str, object] = {}
    for statement in node.body:
        name, value = _assignment(statement)
        if name in _META_KEYS and value is not None:
            meta[name] = _constant(value)
    return meta


def _assigned(node: ast.ClassDef) -> set[str]:
    return {name for statement in node.body if (name := _assignment(statement)[0]) is not None}


def _constant(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
