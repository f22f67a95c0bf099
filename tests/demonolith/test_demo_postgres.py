"""The demo with the service on a real PostgreSQL server (the monolith stays on SQLite): the live
sync both ways, the promotion gated on it and the row checks work across the two engines, with two
tills writing concurrently (the case where a PostgreSQL transaction can commit after a later one:
the relay must wait at the gap, not pass it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from demonolith.demo.report import DemoReport, render
from demonolith.demo.run import DemoOptions, run_demo
from demonolith.demo.traffic import Load
from demonolith.demo.verdict import failed_checks
from demonolith.demo.writes import TILL_TABLE, till_rows
from tests.helpers.postgres import postgres_server

SAMPLE = Path(__file__).resolve().parents[2] / "sample_monolith"
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def service_url() -> Iterator[str]:
    with postgres_server() as server:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE demo_service")
        yield f"{server}/demo_service"


def test_the_demo_with_the_service_on_postgresql_keeps_every_check(service_url: str, tmp_path: Path) -> None:
    lines: list[str] = []
    options = DemoOptions(SAMPLE, tmp_path, Load(requests=100, api_reads=150, writes=100, tills=2),
                          shadow_writes=200, service_database=service_url)
    report: DemoReport = run_demo(options, lines.append)
    print("\n".join(lines + render(report)))
    assert failed_checks(report) == []
    assert report.writes is not None and report.writes.shadow.posts == 200
    assert not (report.subject.root / "db.sqlite3").exists(), "the service used PostgreSQL"
    final = {check.side: check for check in report.writes.rows_final}
    assert final["service"].ok and final["service"].accepted > 200
    with psycopg.connect(service_url) as conn:
        count = conn.execute(f"SELECT count(*) FROM {TILL_TABLE}").fetchone()
    assert count is not None and count[0] == len(till_rows(service_url)) > final["service"].accepted
