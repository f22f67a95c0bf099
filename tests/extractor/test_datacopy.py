"""The generated ``copy_from_monolith`` into PostgreSQL (a real server this test starts) and SQLite.

The monolith's database is made by migrating the generated service against it (its models map the
monolith's tables one-to-one), with its own ``django_content_type`` ids. Checked: the join table is
copied and verified, content type ids are mapped by (app_label, model), the monolith's collation is
created before ``migrate``, the next insert after the copy works (sequences reset), a re-run copies
nothing more and duplicates nothing, and a planned table nothing maps fails the verification.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.model.analysis import Analysis, FieldInfo, ModelInfo, PlanStep, Service, TableUsage
from extractor.extract import extract_service
from tests.extractor.helpers import ROOT, small
from tests.helpers.postgres import postgres_server

LIBRARY = ROOT / "tests" / "fixtures" / "extractor" / "library"
TABLES = ("library_book", "library_book_tags", "library_note", "library_tag")


def library_analysis(extra_tables: tuple[str, ...] = ()) -> Analysis:
    """One service, ``library``, owning Tag, Book (with its tags join table) and Note."""

    def model(name: str, line: int, *fields: FieldInfo) -> ModelInfo:
        return ModelInfo(f"library.{name}", "library", name, "library.models", f"library_{name.lower()}",
                         "library/models.py", line, line + 3, fields)
    models = (model("Tag", 6, FieldInfo("name", "CharField", 7)),
              model("Book", 10, FieldInfo("title", "CharField", 11),
                    FieldInfo("tags", "ManyToManyField", 12, relation="m2m", target="library.Tag")),
              model("Note", 15, FieldInfo("object_id", "PositiveIntegerField", 17)))
    tables = (*TABLES, *extra_tables)
    service = Service("library", ("library",), ("library.models",),
                      tuple(f"library.models.{m.name}" for m in models), tuple(m.label for m in models),
                      tables, ())
    return dataclasses.replace(
        small(LIBRARY), models=models, routes=(), services=(service,), violations=(), interfaces=(),
        dependencies=(), shared=(), settings_module="library.settings",
        tables=tuple(TableUsage(t, "library", None) for t in tables),
        plan=(PlanStep(1, "library", (), tables, (), "S", "first"),))


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server on 127.0.0.1 for this module; yields a URL without database."""
    with postgres_server() as url:
        yield url


def manage(root: Path, url: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=root, capture_output=True, text=True,
                          env={**env, "DATABASE_URL": url}, timeout=180, check=False)
    assert (proc.returncode == 0) == ok, f"manage.py {args}:\n{proc.stdout}\n{proc.stderr}"
    return proc


SEED = """
from django.contrib.contenttypes.models import ContentType
from library.models import Book, Note, Tag
ContentType.objects.all().delete()
for i, (app, model) in enumerate([("zzz", "first"), ("library", "tag"), ("library", "book")]):
    ContentType.objects.create(id=100 + i, app_label=app, model=model)
tags = [Tag.objects.create(id=i, name=f"t{i}") for i in (1, 2, 7)]
book = Book.objects.create(id=5, title="Dune")
book.tags.set(tags[:2])
Note.objects.create(id=3, content_type_id=102, object_id=5, text="classic")
"""

CHECK = """
from django.contrib.contenttypes.models import ContentType
from library.models import Book, Note, Tag
note = Note.objects.get(id=3)
assert (note.content_type.app_label, note.content_type.model) == ("library", "book"), note.content_type
assert note.content_type_id != 102
assert sorted(Book.objects.get(id=5).tags.values_list("id", flat=True)) == [1, 2]
assert Tag.objects.create(name="next").id == 10  # the sequence moved past the copied ids
assert Book.objects.filter(title="DUNE").exists()  # the collation, on both engines
print("checked")
"""


def databases(engine: str, tmp_path: Path, server: str) -> tuple[str, str]:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'monolith.sqlite3'}", f"sqlite:///{tmp_path / 'service.sqlite3'}"
    import psycopg

    names = (f"monolith_{tmp_path.name}"[:60].lower(), f"service_{tmp_path.name}"[:60].lower())
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    return server + "/" + names[0], server + "/" + names[1]


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_copy_maps_content_types_copies_join_tables_and_resets_sequences(
        engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue("postgres") if engine == "postgresql" else ""
    source, target = databases(engine, tmp_path, server)
    root = extract_service(library_analysis(), "library", tmp_path / "out").root
    for url in (source, target):
        manage(root, url, "migrate", "--noinput")  # PostgreSQL: needs the monolith's collation
    manage(root, source, "shell", "-c", SEED)
    first = manage(root, target, "copy_from_monolith", source, "--state", str(tmp_path / "state.json")).stdout
    assert "library_book_tags: copied 2, rows 2 -> 2" in first and "verified 4 tables" in first, first
    manage(root, source, "shell", "-c", "from library.models import Tag; Tag.objects.create(id=9, name='t9')")
    again = manage(root, target, "copy_from_monolith", source, "--state", str(tmp_path / "state.json")).stdout
    assert "library_tag: copied 1, rows 4 -> 4" in again, again  # resumed after id 7, no duplicates
    assert "library_book_tags: copied 0, rows 2 -> 2" in again and "verified 4 tables" in again, again
    assert "checked" in manage(root, target, "shell", "-c", CHECK).stdout


def test_a_planned_table_without_a_model_is_not_verified(tmp_path: Path) -> None:
    root = extract_service(library_analysis(("library_legacy",)), "library", tmp_path / "out",
                          self_check=False).root  # its own data-copy test would fail: the point
    source, target = (f"sqlite:///{tmp_path / n}.sqlite3" for n in ("monolith", "service"))
    for url in (source, target):
        manage(root, url, "migrate", "--noinput")
    out = manage(root, target, "copy_from_monolith", source, ok=False)
    assert "library_legacy: NOT COPIED" in out.stdout and "verified 4" not in out.stdout


def test_the_service_creates_the_monolith_collation_and_extension(tmp_path: Path) -> None:
    result = extract_service(library_analysis(), "library", tmp_path / "out")
    text = (result.root / "service_project/db_objects.py").read_text()
    assert "'case_insensitive'" in text and "'und-u-ks-level2'" in text and "['pg_trgm']" in text
