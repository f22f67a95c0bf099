"""A monolith that refuses any database but PostgreSQL (misago's check ``misago.001``).

tests/fixtures/extract_postgresql_only: the installed package registers a system check that fails on
every other engine. ``extract`` derives the service's initial migrations in a scratch project on
SQLite; running the system checks there failed ``makemigrations``, the service was written without
migrations and its self-check on PostgreSQL failed ``makemigrations --check`` (misago, 13 of 13).
The ticket's ``SearchVectorField`` (misago's ``Post.search_vector``) got an integer in the generated
test rows ("column is of type tsvector but expression is of type integer").
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import DEMONOLITH, ROOT, run
from tests.extractor.test_datacopy import postgres  # noqa: F401 (the PostgreSQL server fixture)

FIXTURE = ROOT / "tests" / "fixtures" / "extract_postgresql_only"


def test_a_postgresql_only_monolith_gets_its_migrations_and_passes_on_postgresql(
        tmp_path: Path, postgres: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    python = tmp_path / "python"  # an environment where the fixture's pgkit is installed
    python.write_text(f'#!/bin/sh\nPYTHONPATH={FIXTURE} exec {sys.executable} "$@"\n', encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    run([*DEMONOLITH, "analyze", str(FIXTURE), "--out", str(tmp_path / "analysis"), "--no-cache",
         "--no-history"], cwd=ROOT, timeout=240)
    analysis = tmp_path / "analysis" / "analysis.json"
    service = json.loads(analysis.read_text())["table_owner"]["tickets_ticket"]
    monkeypatch.setenv("SELF_CHECK_DATABASE_URL", postgres)
    result = extract_service(load_analysis(analysis), service, tmp_path / "services", python=str(python))
    assert result.check is not None and result.check.passed, result.check
    assert (result.root / "pgkit" / "tickets" / "migrations" / "0001_initial.py").is_file()
