"""A throw-away PostgreSQL server on 127.0.0.1 (initdb into a temporary folder), for tests and benches.

:func:`postgres_server` yields ``postgres://demo@127.0.0.1:PORT`` (no database; trust auth) and
stops and removes the server at the end; :func:`restartable_postgres_server` also gives a way to
restart it under its clients. As root the server runs as ``nobody`` (initdb refuses
root), so its folder is a fresh one under the system temp dir that ``nobody`` can reach.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.ports import PortTaken, retry_if_port_taken, taken


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   reverse=True)), None)
    if not found:
        raise RuntimeError(f"{name} not found: apt-get install postgresql (Makefile SYSTEM_PACKAGES)")
    return found


def _starter(user: list[str], data: Path, folder: Path, extra: str) -> Callable[[int], int]:
    def start(port: int) -> int:
        done = subprocess.run(
            [*user, pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start",
             "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1{extra}"],
            capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            if taken(log + done.stdout + done.stderr):
                raise PortTaken(port)
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}{log[-2000:]}")
        return port
    return start


Restart = Callable[..., None]
"""``restart(down, while_down=...)`` of :func:`restartable_postgres_server`."""


@contextmanager
def postgres_server(settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """A running server's URL without database, with ``settings`` (e.g. ``wal_level``) given at
    start; stopped and removed on exit."""
    with restartable_postgres_server(settings) as (url, _):
        yield url


@contextmanager
def restartable_postgres_server(
        settings: Mapping[str, str] | None = None) -> Iterator[tuple[str, Restart]]:
    """:func:`postgres_server`'s URL and a ``restart(down, while_down)``: stop the server (fast: its
    connections are cut), call ``while_down``, keep it down ``down`` seconds in all, start it
    again on the same port."""
    extra = "".join(f" -c {key}={value}" for key, value in sorted((settings or {}).items()))
    folder = Path(tempfile.mkdtemp(prefix="demonolith-pg-"))
    data = folder / "data"
    user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if user:
        os.chmod(folder, 0o777)
    subprocess.run([*user, pg_bin("initdb"), "-D", str(data), "-U", "demo", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    start = _starter(user, data, folder, extra)

    def stop() -> None:
        subprocess.run([*user, pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, check=False)

    try:
        port = retry_if_port_taken(start)

        def restart(down: float, while_down: Callable[[], None] = lambda: None) -> None:
            stop()
            stopped = time.monotonic()
            while_down()
            time.sleep(max(0.0, down - (time.monotonic() - stopped)))
            start(port)
        yield f"postgres://demo@127.0.0.1:{port}", restart
    finally:
        stop()
        shutil.rmtree(folder, ignore_errors=True)
