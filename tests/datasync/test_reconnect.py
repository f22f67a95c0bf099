"""``sync run`` on a real PostgreSQL server restarted under it: the relay opens its connections
again after a bounded backoff, says so in one line each time, prints no traceback, and applies
every change once."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import psycopg

from datasync.capture import install
from datasync.db import opened
from datasync.model import STATE
from tests.datasync.conftest import DEMONOLITH
from tests.helpers.postgres import restartable_postgres_server

TABLE = "CREATE TABLE shop_order (id bigint PRIMARY KEY, note text)"


def database(server: str, name: str) -> str:
    """A fresh database ``name`` holding the empty ``shop_order`` table; its URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TABLE)
    return url


def query(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def wait_until(done: Callable[[], bool], seconds: float) -> bool:
    """Whether ``done`` became true within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.05)
    return False


def ids(url: str) -> list[object]:
    return [row[0] for row in query(url, "SELECT id FROM shop_order ORDER BY id")]


def status(url: str) -> tuple[int, str]:
    """GET ``url``: (status code, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_restarted_server_is_reconnected_in_one_line_and_no_change_is_lost() -> None:
    down: list[tuple[int, str]] = []
    with restartable_postgres_server() as (server, restart):
        monolith, service = database(server, "monolith"), database(server, "service")
        with opened(monolith) as db:
            install(db, ["shop_order"])
        relay = subprocess.Popen([*DEMONOLITH, "sync", "run", monolith, service, "--interval", "0.05",
                                  "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        assert relay.stderr is not None
        status_url = relay.stderr.readline().split()[-1]
        try:
            query(monolith, "INSERT INTO shop_order VALUES (1, 'before')")
            before = wait_until(lambda: ids(service) == [1], 30)
            restart(1.0, lambda: down.append(status(status_url)))
            query(monolith, "INSERT INTO shop_order VALUES (2, 'after')")
            up = status(status_url)
            after = wait_until(lambda: ids(service) == [1, 2], 30)
            applied = query(service, f"SELECT applied, seq FROM {STATE}")
        finally:
            relay.send_signal(signal.SIGINT)
            _, stderr = relay.communicate(timeout=30)
    assert before and after, stderr
    assert down[0][0] == 503 and "cannot connect" in down[0][1] and up[0] == 200
    assert applied == [(2, 2)]
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines and all(line.startswith("demonolith: sync: ") for line in lines), stderr
    assert "demonolith: sync: monolith database: connection opened again" in lines
    assert "demonolith: sync: service database: connection opened again" in lines
    retries = [line for line in lines if "retrying in" in line]
    assert retries and all(float(line.rsplit(" ", 2)[1]) <= 5.0 for line in retries)
