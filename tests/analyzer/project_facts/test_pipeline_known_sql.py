"""An edited file read again parses only its new SQL texts, and all of them after a dialect change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.facts import sql, store
from analyzer.facts.sql import SqlTables
from analyzer.model.facts import ProjectFacts
from analyzer.project_facts.facts_json import facts_to_json
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

FIXTURE = Path(__file__).parents[2] / "fixtures" / "tiny_project"
ADDED = '\n\ndef archived(cursor):\n    cursor.execute("SELECT id FROM orders_archive")\n'


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    whole, partial = sql.tables_in_sql, sql.tables_in_partial_sql

    def whole_spy(text: str, dialect: str | None) -> SqlTables:
        texts.append(text)
        return whole(text, dialect)

    def partial_spy(text: str, dialect: str | None) -> SqlTables:
        texts.append(text)
        return partial(text, dialect)

    monkeypatch.setattr(store, "tables_in_sql", whole_spy)
    monkeypatch.setattr(store, "tables_in_partial_sql", partial_spy)
    return texts


def _edit(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_an_edited_file_parses_only_its_new_sql(tree: Path, parsed: list[str]) -> None:
    extract_project_facts(tree, FactsOptions(jobs=1))
    assert len(parsed) >= 4  # orders/services.py's texts
    parsed.clear()
    _edit(tree / "orders" / "services.py", ADDED)
    edited = extract_project_facts(tree, FactsOptions(jobs=1))
    assert parsed == ["SELECT id FROM orders_archive"]
    assert facts_to_json(edited) == facts_to_json(_uncached(tree))
    parsed.clear()
    _edit(tree / "orders" / "services.py", "# and again\n")  # edited again at once (a racy stamp)
    again = extract_project_facts(tree, FactsOptions(jobs=1))
    assert parsed == []
    assert facts_to_json(again) == facts_to_json(_uncached(tree))


def _uncached(tree: Path) -> ProjectFacts:
    return extract_project_facts(tree, FactsOptions(use_cache=False))


def test_a_changed_dialect_parses_every_text_again(tree: Path, parsed: list[str]) -> None:
    extract_project_facts(tree, FactsOptions(jobs=1))
    first = len(parsed)
    parsed.clear()
    settings = tree / "shop" / "settings.py"
    settings.write_text(settings.read_text().replace("backends.postgresql", "backends.mysql"))
    _edit(tree / "orders" / "services.py", ADDED)
    edited = extract_project_facts(tree, FactsOptions(jobs=1))
    assert len(parsed) == first + 1
    assert facts_to_json(edited) == facts_to_json(_uncached(tree))
