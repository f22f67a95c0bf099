"""The text form a value takes on each engine, where the two differ for one type, and a change put
into the target's form.

A UUID column is ``uuid`` on PostgreSQL, printed with dashes (its row image and its outbox key), and
Django's same field on SQLite is ``char(32)``: 32 hex digits. Relayed as captured, a change from
PostgreSQL upserts a second row on SQLite beside the one it updates, and a delete matches nothing
(nor does a delete from SQLite on PostgreSQL, compared as text). So the key and the row image are
written in the target's form: an upsert finds the target's row, a delete and a conflict its key.
Pure functions; the column types come from :meth:`datasync.db.Db.column_types`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from datasync.model import Change

Form = Callable[[str], str]


def dashed(value: str) -> str:
    """A UUID as PostgreSQL prints it (from either form)."""
    return str(uuid.UUID(value))


def hex32(value: str) -> str:
    """A UUID as Django stores it in SQLite's ``char(32)`` (from either form)."""
    return uuid.UUID(value).hex


def target_forms(source_types: Mapping[str, str], target_types: Mapping[str, str]) -> dict[str, Form]:
    """Column -> the form its values take on the target, for the columns whose form differs from
    the source's: a ``uuid`` column on the target, and a ``char(32)`` one that is ``uuid`` on the
    source (a UUID field on SQLite)."""
    forms: dict[str, Form] = {}
    for column, kind in target_types.items():
        if kind == "uuid" and source_types.get(column) != "uuid":
            forms[column] = dashed
        elif kind == "char(32)" and source_types.get(column) == "uuid":
            forms[column] = hex32
    return forms


def in_form(forms: Mapping[str, Form], column: str, value: object) -> object:
    """``value`` of ``column`` in the target's form (unchanged when it has none, or is no UUID)."""
    form = forms.get(column)
    if form is None or not isinstance(value, str):
        return value
    try:
        return form(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class TargetTable:
    """What applying a change to one table needs of the target: its key and the columns' forms."""

    pk: str
    forms: Mapping[str, Form] = field(default_factory=dict)

    def key(self, change: Change) -> str:
        """The change's key in the target's form."""
        return str(in_form(self.forms, self.pk, change.pk))

    def image(self, change: Change) -> dict[str, object]:
        """The change's row image with its values in the target's form."""
        row: dict[str, object] = json.loads(change.row or "{}")
        return {column: in_form(self.forms, column, value) for column, value in row.items()}
