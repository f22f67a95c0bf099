"""Live-sync lag on the sample monolith: how long a committed write takes to reach the service.

Usage (from the repository root)::

    .venv/bin/python bench/sync_lag.py [--writes 3000] [--rate 300] [--interval 0.05] [--table orders_order]

The sample monolith is migrated into a fresh SQLite file and copied as the service's database; the
capture triggers are installed on the table (``demonolith sync install``) and the real relay runs
as a subprocess (``demonolith sync run --interval``). A writer commits inserts, updates and deletes
one transaction at a time at ``--rate`` per second, as web requests would; a watcher polls the
service's high-water mark every ``--poll`` seconds (1 ms) and notes when each outbox sequence was applied. The
lag of a change is that moment minus the time its trigger stamped in the outbox. Prints the count,
p50/p99/max lag, and whether both copies are equal after the relay drained (``demonolith parity``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMONOLITH = [sys.executable, "-m", "demonolith"]
STATE = "_demonolith_sync_state"
OUTBOX = "_demonolith_outbox"


def migrated(folder: Path) -> tuple[Path, Path]:
    """(monolith, service) SQLite files holding the sample's migrated schema."""
    monolith, service = folder / "monolith.sqlite3", folder / "service.sqlite3"
    subprocess.run([sys.executable, str(ROOT / "sample_monolith" / "manage.py"), "migrate", "-v0"],
                   env={**os.environ, "SHOP_DB_PATH": str(monolith)}, check=True)
    shutil.copyfile(monolith, service)
    return monolith, service


def write(path: Path, table: str, count: int, rate: float) -> None:
    """``count`` single-statement transactions at ``rate`` per second: insert, update, delete."""
    conn = sqlite3.connect(path, timeout=30)
    start = time.perf_counter()
    for i in range(1, count + 1):
        key = (i + 2) // 3
        with conn:
            if i % 3 == 1:
                conn.execute(f"INSERT INTO {table} (id, number, status, subtotal, discount, shipping_cost, "
                             "total, currency, placed_at, customer_id) VALUES (?, ?, 'new', 10, 0, 0, 10, "
                             "'EUR', '2026-12-02 18:00:00', 1)", (100000 + key, f"B{key}"))
            elif i % 3 == 2:
                conn.execute(f"UPDATE {table} SET status = 'paid' WHERE id = ?", (100000 + key,))
            elif key % 2:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (100000 + key,))
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    conn.close()


def watch(path: Path, applied: dict[int, float], stop: threading.Event, poll: float) -> None:
    """Note the first moment each outbox sequence is applied on the service."""
    conn = sqlite3.connect(path, timeout=30)
    last = 0
    while not stop.is_set():
        try:
            row = conn.execute(f"SELECT seq FROM {STATE} WHERE source = 'monolith'").fetchone()
        except sqlite3.OperationalError:
            row = None
        now = time.time()
        if row and int(row[0]) > last:
            for seq in range(last + 1, int(row[0]) + 1):
                applied[seq] = now
            last = int(row[0])
        time.sleep(poll)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--table", default="orders_order")
    parser.add_argument("--poll", type=float, default=0.001, help="the watcher's poll, seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="demonolith-lag-") as tmp:
        monolith, service = migrated(Path(tmp))
        subprocess.run([*DEMONOLITH, "sync", "install", str(monolith), "--table", args.table],
                       check=True, capture_output=True)
        relay = subprocess.Popen([*DEMONOLITH, "sync", "run", str(monolith), str(service),
                                  "--interval", str(args.interval)])
        applied: dict[int, float] = {}
        stop = threading.Event()
        watcher = threading.Thread(target=watch, args=(service, applied, stop, args.poll))
        watcher.start()
        began = time.perf_counter()
        write(monolith, args.table, args.writes, args.rate)
        took = time.perf_counter() - began
        conn = sqlite3.connect(monolith)
        stamped = dict(conn.execute(f"SELECT seq, at FROM {OUTBOX}").fetchall())
        conn.close()
        deadline = time.time() + 30
        while len(applied) < len(stamped) and time.time() < deadline:
            time.sleep(0.01)
        stop.set()
        watcher.join()
        relay.terminate()
        relay.wait(timeout=30)
        lags = sorted(applied[seq] - at for seq, at in stamped.items() if seq in applied)
        parity = subprocess.run([*DEMONOLITH, "parity", str(monolith), str(service), "--table", args.table,
                                 "--window", "0"], capture_output=True, text=True)
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    print(f"{len(stamped)} changes to {args.table} written in {took:.1f} s ({len(stamped) / took:.0f}/s), "
          f"relay --interval {args.interval}; applied {len(lags)}")
    print(f"lag p50 {statistics.median(lags) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {lags[-1] * 1000:.1f} ms")
    print(f"parity after drain: exit {parity.returncode}: {parity.stdout.strip().splitlines()[-1]}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
