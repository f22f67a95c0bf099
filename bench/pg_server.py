"""A throw-away PostgreSQL server on 127.0.0.1 for the benches (initdb into a temporary folder).

``postgres_server()`` yields ``postgres://demo@127.0.0.1:PORT`` (no database) and stops and removes
the server at the end. As root the server runs as ``nobody`` (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   reverse=True)), None)
    if not found:
        raise SystemExit(f"{name} not found: apt-get install postgresql (Makefile SYSTEM_PACKAGES)")
    return found


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(user: list[str], data: Path, folder: Path) -> int:
    """The port of the started server (a few tries: a free port may be taken before pg binds it)."""
    for _ in range(5):
        port = _port()
        done = subprocess.run([*user, pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                               "start", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"],
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return port
    raise SystemExit(f"pg_ctl start failed: {done.stdout}{done.stderr}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running server's URL without database; stopped and removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="demonolith-bench-pg-"))
    data = folder / "data"
    user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if user:
        os.chmod(folder, 0o777)
    subprocess.run([*user, pg_bin("initdb"), "-D", str(data), "-U", "demo", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    try:
        yield f"postgres://demo@127.0.0.1:{_start(user, data, folder)}"
    finally:
        subprocess.run([*user, pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
