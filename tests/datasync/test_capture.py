"""Capture triggers on a real SQLite file: every write lands in the outbox, in order, once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from datasync.capture import install, uninstall
from datasync.db import open_db
from datasync.model import OUTBOX
from tests.datasync.conftest import DEMONOLITH


def outbox(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT seq, tbl, pk, op, row FROM {OUTBOX} ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_insert_update_delete_are_captured_with_row_images(dbs: tuple[Path, Path]) -> None:
    monolith, _ = dbs
    conn = open_db(monolith)
    install(conn, ["orders_order"])
    install(conn, ["orders_order"])  # idempotent: no second set of triggers
    with conn:
        conn.execute("INSERT INTO orders_order VALUES (7, 100, 'a')")
        conn.execute("UPDATE orders_order SET total = 150 WHERE id = 7")
        conn.execute("DELETE FROM orders_order WHERE id = 7")
    captured = outbox(monolith)
    assert [(seq, tbl, pk, op) for seq, tbl, pk, op, _ in captured] == [
        (1, "orders_order", "7", "I"), (2, "orders_order", "7", "U"), (3, "orders_order", "7", "D")]
    assert json.loads(str(captured[1][4])) == {"id": 7, "total": 150, "note": "a"}
    assert captured[2][4] is None


def test_uninstall_stops_capture_and_keeps_the_outbox(dbs: tuple[Path, Path]) -> None:
    monolith, _ = dbs
    conn = open_db(monolith)
    install(conn, ["orders_order"])
    with conn:
        conn.execute("INSERT INTO orders_order VALUES (1, 1, NULL)")
    uninstall(conn, ["orders_order"])
    uninstall(conn, ["orders_order"])
    with conn:
        conn.execute("INSERT INTO orders_order VALUES (2, 2, NULL)")
    assert [row[2] for row in outbox(monolith)] == ["1"]


def test_cli_install_names_the_tables_and_a_missing_table_exits_14(dbs: tuple[Path, Path]) -> None:
    monolith, _ = dbs
    ok = subprocess.run([*DEMONOLITH, "sync", "install", str(monolith), "--table", "orders_order"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0] == "capture installed on 1 table(s): orders_order"
    bad = subprocess.run([*DEMONOLITH, "sync", "install", str(monolith), "--table", "nope"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 14
    assert "table nope not found" in bad.stderr


def test_install_puts_a_sqlite_database_in_wal_mode(dbs: tuple[Path, Path]) -> None:
    monolith, _ = dbs
    done = subprocess.run([*DEMONOLITH, "sync", "install", str(monolith), "--table", "orders_order"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "journal mode: wal"
    conn = sqlite3.connect(monolith)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
