"""An outbox dropped and created again under the target's old high-water mark: the relay refuses in
one line instead of skipping the new outbox's first changes; an outbox whose applied rows were
deleted is still the same outbox."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest

from datasync.capture import install
from datasync.db import opened
from datasync.errors import OutboxReplaced
from datasync.model import OUTBOX
from datasync.relay import prepare_target
from datasync.run import relay_once
from tests.datasync.conftest import DEMONOLITH, make_db, rows
from tests.helpers.postgres import postgres_server


def write(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def sync_once(monolith: Path, service: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DEMONOLITH, "sync", "run", str(monolith), str(service), "--once"],
                          capture_output=True, text=True, timeout=60, check=False)


def test_a_recreated_sqlite_outbox_is_refused_in_one_line(dbs: tuple[Path, Path]) -> None:
    monolith, service = dbs
    with opened(monolith) as db:
        install(db, ["orders_order"])
    write(monolith, *(f"INSERT INTO orders_order VALUES ({n}, {n}, 'old')" for n in (1, 2, 3)))
    assert sync_once(monolith, service).returncode == 0
    write(monolith, f"DELETE FROM {OUTBOX}")  # applied rows pruned: the same outbox
    write(monolith, "INSERT INTO orders_order VALUES (4, 4, 'kept')")
    assert sync_once(monolith, service).returncode == 0
    write(monolith, f"DROP TABLE {OUTBOX}")
    with opened(monolith) as db:
        install(db, ["orders_order"])  # a new outbox, numbered from 1 again
    write(monolith, "INSERT INTO orders_order VALUES (5, 5, 'new')")
    refused = sync_once(monolith, service)
    assert refused.returncode == 18
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "up to 1 only, but the high-water mark is 4: the outbox was created again" in refused.stderr
    assert [row[0] for row in rows(service)] == [1, 2, 3, 4]


def test_a_recreated_postgresql_outbox_is_refused(tmp_path: Path) -> None:
    service = make_db(tmp_path / "service.sqlite3")
    with postgres_server() as server:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE shop")
        url = f"{server}/shop"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE orders_order (id bigint PRIMARY KEY, total integer NOT NULL, "
                         "note text)")
        with opened(url) as source, opened(service) as target:
            install(source, ["orders_order"])
            prepare_target(target)
            source.execute("INSERT INTO orders_order VALUES (1, 1, 'old'), (2, 2, 'old')")
            relay_once(source, target, "monolith->service")
            source.execute(f"DELETE FROM {OUTBOX}")
            relay_once(source, target, "monolith->service")  # pruned, not replaced
            source.execute(f"DROP TABLE {OUTBOX}")
            install(source, ["orders_order"])
            source.execute("INSERT INTO orders_order VALUES (3, 3, 'new')")
            with pytest.raises(OutboxReplaced, match="up to 1 only, but the high-water mark is 2"):
                relay_once(source, target, "monolith->service")
    assert [row[0] for row in rows(service)] == [1, 2]
