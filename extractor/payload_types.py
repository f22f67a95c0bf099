"""TypedDict fields of the client from the analysis, for a service Django could not run.

The client's payload types come from the OpenAPI document, which the fresh project writes from its
real models. When that project does not load (the extract then fails with the cause), the client
is still written: its TypedDicts then list the fields the analysis read from the model and its
abstract bases, by attribute name (``customer_id`` for a relation), typed from the field class.
Nullability and a custom primary key are not known statically; ``id`` is Django's default.
"""

from __future__ import annotations

from analyzer.model.analysis import Analysis, FieldInfo, ModelInfo
from extractor.boundary import GENERIC_KEYS, SET_RELATIONS, relation_fields

_BY_SUFFIX = (("BooleanField", "bool"), ("AutoField", "int"), ("IntegerField", "int"),
              ("FloatField", "float"), ("DurationField", "float"), ("JSONField", "Any"))


def python_type_of(field: FieldInfo) -> str:
    """The JSON value's Python type as the API renders the field (decimals, dates, UUIDs and files
    as strings; a relation as its primary key)."""
    if field.relation in ("fk", "o2o"):
        return "int"
    return next((kind for suffix, kind in _BY_SUFFIX if field.field_type.endswith(suffix)), "str")


def static_fields(analysis: Analysis, model: ModelInfo) -> list[tuple[str, str]]:
    """(attribute name, type) of the model's concrete fields, declared or inherited, sorted."""
    found = {"id": "int"}
    for field, _ in relation_fields(analysis, model):
        if field.relation == "m2m" or field.field_type in GENERIC_KEYS | SET_RELATIONS:
            continue
        name = (field.column or f"{field.name}_id") if field.relation in ("fk", "o2o") else field.name
        found[name] = python_type_of(field)
    return sorted(found.items())
