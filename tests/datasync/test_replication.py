"""PostgreSQL logical replication between two real servers this module starts (``wal_level =
logical`` on the monolith's): every committed change arrives in order, the status shows the slot,
parity holds after, and ``--drop`` removes the slot; a server without logical WAL is one line."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.datasync.conftest import DEMONOLITH
from tests.helpers.postgres import postgres_server

TABLE = "CREATE TABLE shop_order (id bigint PRIMARY KEY, total numeric(10, 2) NOT NULL, note text)"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, str]]:
    with postgres_server({"wal_level": "logical"}) as monolith, postgres_server() as service:
        yield monolith, service


def database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"{server}/{name}", autocommit=True) as conn:
        conn.execute(TABLE)
    return f"{server}/{name}"


def sql(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DEMONOLITH, "sync", *args], capture_output=True, text=True, timeout=60,
                          check=False)


def test_committed_changes_stream_to_the_service_until_dropped(servers: tuple[str, str]) -> None:
    monolith, service = database(servers[0], "shop"), database(servers[1], "orders")
    sql(monolith, "INSERT INTO shop_order SELECT g, g, 'copied' FROM generate_series(1, 10) g")
    sql(service, "INSERT INTO shop_order SELECT g, g, 'copied' FROM generate_series(1, 10) g")
    done = cli("replicate", monolith, service, "--table", "shop_order", "--name", "orders")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "replicating 1 table(s) as orders: shop_order"
    sql(monolith, "INSERT INTO shop_order SELECT g, g, 'new' FROM generate_series(11, 200) g")
    sql(monolith, "UPDATE shop_order SET total = total + 0.5 WHERE id % 3 = 0")
    sql(monolith, "DELETE FROM shop_order WHERE id % 7 = 0")
    query = "SELECT id, total::text, note FROM shop_order ORDER BY id"
    for _ in range(300):
        if sql(service, query) == sql(monolith, query):
            break
        time.sleep(0.1)
    assert sql(service, query) == sql(monolith, query)
    assert sql(service, "SELECT COUNT(*) FROM shop_order WHERE note = 'copied'") == [(9,)]  # not re-copied
    status = json.loads(cli("replicate", monolith, service, "--name", "orders", "--status").stdout)
    assert (status["name"], status["active"], status["apply_errors"]) == ("orders", True, 0)
    parity = subprocess.run([*DEMONOLITH, "parity", monolith, service, "--table", "shop_order"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert parity.returncode == 0, parity.stdout + parity.stderr
    assert cli("replicate", monolith, service, "--name", "orders", "--drop").returncode == 0
    assert sql(monolith, "SELECT slot_name FROM pg_replication_slots") == []
    assert sql(monolith, "SELECT pubname FROM pg_publication") == []


def test_a_monolith_without_logical_wal_is_one_line_and_exit_14(servers: tuple[str, str]) -> None:
    monolith, service = database(servers[1], "plain"), database(servers[1], "plain_service")
    done = cli("replicate", monolith, service, "--table", "shop_order")
    assert done.returncode == 14
    assert done.stderr.strip() == (
        "demonolith: error: monolith: wal_level is replica; set wal_level = logical in "
        "postgresql.conf and restart the server")
