"""What the relay's ``/status`` lag shows while a writer holds a SQLite transaction open (a
process stopped mid-transaction, as the demo's planted regression stops the service).

Two SQLite sides, ``demonolith sync run --direction both --listen``, ``/status`` sampled every
20 ms, three service transactions each held open ``--hold`` seconds before COMMIT. ``own``: the
held transaction is the service's own captured write (its change is invisible until COMMIT, but
its age counts from the write); ``blocked``: the monolith writes meanwhile (the relay's batch
waits on the service's write lock). Prints the samples, the largest lag, those at least 0.5 s.

    PYTHONPATH=. python bench/sync_lag_probe.py own|blocked [--hold 0.9]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

DEMONOLITH = [sys.executable, "-m", "demonolith"]


def side(path: Path) -> str:
    """A SQLite database at ``path`` with the captured table ``t``."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    conn.commit()
    conn.close()
    subprocess.run([*DEMONOLITH, "sync", "install", str(path), "--table", "t"], check=True,
                   capture_output=True)
    return str(path)


def probe(case: str, hold: float, folder: Path) -> list[float]:
    """The lag samples of one run of ``case``."""
    monolith, service = side(folder / "m.sqlite3"), side(folder / "s.sqlite3")
    relay = subprocess.Popen([*DEMONOLITH, "sync", "run", monolith, service, "--direction", "both",
                              "--listen", "127.0.0.1:0", "--interval", "0.05"],
                             stderr=subprocess.PIPE, text=True)
    assert relay.stderr is not None
    url = relay.stderr.readline().split()[-1]
    lags: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            with urllib.request.urlopen(url, timeout=5) as response:
                lags.append(float(json.loads(response.read())["lag_seconds"]))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    writer = sqlite3.connect(service, isolation_level=None)
    try:
        for index in range(3):
            writer.execute("BEGIN")
            writer.execute("INSERT INTO t VALUES (?, 1)", (index,))
            if case == "blocked":
                other = sqlite3.connect(monolith)
                other.execute("INSERT INTO t VALUES (?, 2)", (100 + index,))
                other.commit()
                other.close()
            time.sleep(hold)
            writer.execute("COMMIT")
            time.sleep(0.3)
    finally:
        stop.set()
        sampler.join(timeout=5)
        relay.terminate()
        relay.wait(timeout=10)
        writer.close()
    return lags


def main() -> None:
    """Run one case and print what ``/status`` said."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=("own", "blocked"))
    parser.add_argument("--hold", type=float, default=0.9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lags = probe(args.case, args.hold, Path(folder))
    print(f"{args.case}: {len(lags)} samples, max lag {max(lags, default=0.0):.3f} s, "
          f"{sum(lag >= 0.5 for lag in lags)} at least 0.5 s")


if __name__ == "__main__":
    main()
