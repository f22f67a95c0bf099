"""Copy the service's tables from the monolith's database: batched, idempotent, resumable, verified.

The service's models map the monolith's tables one-to-one (same ``db_table``, same columns; a
foreign key to another service is the same ``<name>_id`` column), so each table is read through the
service's own model on a second connection and upserted by primary key. Progress (the last copied
primary key per table) is kept in a JSON state file, so an interrupted copy resumes where it
stopped; copying again is harmless. At the end every table's row count and checksum (sha256 over
all rows in primary-key order) are compared on both sides.

Join tables of many-to-many fields are copied like any table, and every table the migration plan
gives this service must be copied: one without a model here fails the verification. Foreign keys
to ``contenttypes.ContentType`` are mapped by (app_label, model) to this database's own
``django_content_type`` ids. After the copy, the primary-key sequences are moved past the copied
ids (PostgreSQL ``setval(pg_get_serial_sequence(...))``, SQLite ``sqlite_sequence``), so the next
insert does not collide.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models.fields import AutoFieldMixin

from service_project.dburl import database_from_url

SOURCE_ALIAS = "monolith"
MODEL_LABELS: tuple[str, ...] = ['shipping.Carrier', 'shipping.Shipment']
PLANNED_TABLES: tuple[str, ...] = ['shipping_carrier', 'shipping_shipment']  # the migration plan's tables


@dataclass(frozen=True)
class TableResult:
    """The verification of one table."""

    table: str
    copied: int
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


def copy_models() -> list[type[models.Model]]:
    """The models to copy, parents before children, with auto-created many-to-many tables."""
    ordered: list[type[models.Model]] = []
    # Unmanaged models (database views, legacy tables) are not copied: the service owns their DDL.
    # A proxy shares its concrete model's table: copied once, through that model.
    pending = [m for m in (apps.get_model(label) for label in MODEL_LABELS) if m._meta.managed
               and not m._meta.proxy]
    while pending:
        progress = False
        for model in list(pending):
            parents = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if all(p is model or p in ordered or p not in pending for p in parents):
                ordered.append(model)
                pending.remove(model)
                progress = True
        if not progress:  # a cycle: copy the rest as is, constraints are checked at the end
            ordered += pending
            break
    through = [f.remote_field.through for m in ordered for f in m._meta.local_many_to_many
               if f.remote_field.through._meta.auto_created]
    planned = [m for m in apps.get_models(include_auto_created=True)
               if m._meta.db_table in PLANNED_TABLES and m._meta.managed and not m._meta.proxy]
    for model in [*through, *planned]:
        if model not in ordered:
            ordered.append(model)
    return ordered


def uncopied_tables(copied: list[type[models.Model]]) -> list[str]:
    """Tables of the plan that no copied model maps (their rows would be left behind); a table of an
    unmanaged model (a database view, a legacy table) is not the copy's to fill."""
    done = {m._meta.db_table for m in copied}
    done.update(m._meta.db_table for m in apps.get_models(include_auto_created=True) if not m._meta.managed)
    return sorted(set(PLANNED_TABLES) - done)


def content_type_map(model: type[models.Model]) -> dict[str, dict[Any, Any]]:
    """For each foreign key of ``model`` to ContentType: monolith id -> this database's id, by
    (app_label, model); a content type missing here is created."""
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None
              and f.related_model._meta.label == "contenttypes.ContentType"]
    if not fields:
        return {}
    content_type = apps.get_model("contenttypes.ContentType")
    mapping = {}
    for pk, app_label, name in content_type._base_manager.using(SOURCE_ALIAS).values_list(
            "pk", "app_label", "model"):
        local, _ = content_type._base_manager.using("default").get_or_create(app_label=app_label, model=name)
        mapping[pk] = local.pk
    return {f.attname: mapping for f in fields}


def reset_sequences(copied: list[type[models.Model]]) -> None:
    """Move every auto primary key's sequence past the highest copied id."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
            if cursor.fetchone() is None:
                return
            for model in copied:
                if isinstance(model._meta.pk, AutoFieldMixin):
                    table, column = model._meta.db_table, model._meta.pk.column
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                    cursor.execute(f'INSERT INTO sqlite_sequence (name, seq) SELECT %s, MAX("{column}") '
                                   f'FROM "{table}" HAVING MAX("{column}") IS NOT NULL', [table])
            return
        for statement in connection.ops.sequence_reset_sql(no_style(), copied):
            cursor.execute(statement)


def register_source(url: str) -> None:
    """Add (or replace) the monolith's database as the ``monolith`` connection."""
    if SOURCE_ALIAS in connections.databases:
        connections[SOURCE_ALIAS].close()
        try:
            del connections[SOURCE_ALIAS]
        except AttributeError:  # never opened in this thread
            pass
    settings_dict = database_from_url(url, url)
    base = dict(connections["default"].settings_dict)
    base.update(settings_dict)
    connections.databases[SOURCE_ALIAS] = base


def _rows(model: type[models.Model], alias: str, after: Any, batch: int) -> list[models.Model]:
    queryset = model._base_manager.using(alias).order_by("pk")
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    return list(queryset[:batch])


@contextmanager
def timestamps_kept(model: type[models.Model]) -> Iterator[None]:
    """Turn off auto_now/auto_now_add while copying, so timestamps are copied, not renewed."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
              or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def copy_table(model: type[models.Model], batch: int, after: Any,
               save: Any) -> Iterator[int]:
    """Copy rows with a primary key above ``after`` in batches; yield the count per batch."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    translate = content_type_map(model)
    while True:
        rows = _rows(model, SOURCE_ALIAS, after, batch)
        if not rows:
            return
        for row in rows:
            for attname, mapping in translate.items():
                value = getattr(row, attname)
                setattr(row, attname, mapping.get(value, value))
        with transaction.atomic(using="default"), timestamps_kept(model):
            if fields:
                model._base_manager.using("default").bulk_create(
                    rows, update_conflicts=True, unique_fields=[model._meta.pk.name],
                    update_fields=[f.name for f in fields])
            else:
                model._base_manager.using("default").bulk_create(rows, ignore_conflicts=True)
        after = rows[-1].pk
        save(model._meta.db_table, after)
        yield len(rows)


def hashed_text(value: Any) -> str:
    """The text a value is hashed as: JSON data with sorted keys (PostgreSQL's ``jsonb`` returns an
    object's keys in its own order, SQLite in the order written), anything else as ``str``."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def checksum(model: type[models.Model], alias: str, batch: int = 2000,
             translate: dict[str, dict[Any, Any]] | None = None) -> tuple[int, str]:
    """(row count, sha256 of every row in primary-key order) of a table on ``alias``; columns in
    ``translate`` are hashed as mapped (the monolith's content type ids as this database's)."""
    names = [f.attname for f in model._meta.concrete_fields]
    maps = [(translate or {}).get(name) for name in names]
    digest = hashlib.sha256()
    count = 0
    queryset = model._base_manager.using(alias).order_by("pk").values_list(*names)
    for row in queryset.iterator(chunk_size=batch):
        values = [m.get(v, v) if m else v for v, m in zip(row, maps)]
        digest.update(json.dumps([hashed_text(v) for v in values]).encode())
        count += 1
    return count, digest.hexdigest()


class State:
    """Last copied primary key per table, kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}

    def get(self, table: str) -> Any:
        return self.data.get(table)

    def save(self, table: str, last: Any) -> None:
        self.data[table] = last if isinstance(last, int | str) else str(last)
        self.write()

    def write(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2, sort_keys=True))


def verify(model: type[models.Model], copied: int) -> TableResult:
    """Compare row counts and checksums of one table on both sides."""
    source_rows, source_sum = checksum(model, SOURCE_ALIAS, translate=content_type_map(model))
    target_rows, target_sum = checksum(model, "default")
    return TableResult(model._meta.db_table, copied, source_rows, target_rows, source_sum, target_sum)
