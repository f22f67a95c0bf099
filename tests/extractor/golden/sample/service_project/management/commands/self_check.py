"""``manage.py self_check``: the check ``demonolith extract`` ends with, on the files as they are now.

Steps, each in its own process so one cannot hide another's failure: ``check``,
``makemigrations --check`` (the migrations match the models), ``migrate`` on a fresh database,
the tests, then a real server on 127.0.0.1: ``/healthz/`` (which fails when this service registers
none of its models), one moved route at its real path, and ``/openapi.json``. Every failure is
one line naming its cause; the exit status is 1 when any step failed.

The fresh database is a SQLite file in a scratch folder; with ``SELF_CHECK_DATABASE_URL`` set to a
PostgreSQL server (``postgres://USER@HOST:PORT``) it is a new database on that server (psycopg
installed), dropped at the end.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SMOKE_ROUTE = '/api/shipping/carriers/'  # a moved route at its real path ("" when none moved)
STEP_TIMEOUT = 600
OWN_APPS = ['shipping']  # makemigrations --check: their migrations
_CAUSE = re.compile(r"^\s*(?:[\w.]+(?:Error|Exception|Exit|Warning|Interrupt)|SystemCheckError|CommandError)\b.*")


def cause_of(output: str) -> str:
    """The line of ``output`` that names the failure: the last exception line (with the first
    system-check error, or the first unmigrated change), else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    found = [line for line in lines if _CAUSE.match(line)]
    line = found[-1] if found else (lines[-1] if lines else "no output")
    extra = next((d for d in lines if re.match(r"^[\w.<>: -]+: \(\w+\.[EW]\d+\)", d)), "")
    if any(d.startswith("Migrations for") for d in lines):
        line, extra = "model changes that no migration has:", next((d for d in lines if d.startswith("- ")), "")
    return f"{line} {extra}".strip()[:300]


@contextmanager
def fresh_database(scratch: Path) -> Iterator[str]:
    """The DATABASE_URL of an empty database: on ``SELF_CHECK_DATABASE_URL``'s server, else SQLite."""
    server = os.environ.get("SELF_CHECK_DATABASE_URL", "").rstrip("/")
    if not server:
        yield f"sqlite:///{scratch / 'fresh.sqlite3'}"
        return
    import psycopg

    name = f"self_check_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Command(BaseCommand):
    """Run every step; print ``ok STEP`` or ``FAILED STEP: cause``."""

    help = "Check, migrations, a fresh migrate, the tests and a live server smoke, on the files on disk."
    requires_system_checks: list[str] = []  # the `check` step reports them, with the others

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-server", action="store_true", help="Skip the live server smoke.")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR)
        with tempfile.TemporaryDirectory(prefix="self-check-") as scratch, fresh_database(Path(scratch)) as url:
            env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
            env["DATABASE_URL"] = url
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            steps = [("check", ["check"]), ("makemigrations --check", ["makemigrations", *OWN_APPS, "--check", "--dry-run"]),
                     ("migrate", ["migrate", "--no-input", "-v0"]), ("tests", ["test", "--no-input", "-v1"])]
            failures = [f for f in (self._manage(root, env, name, argv) for name, argv in steps) if f]
            if not options["no_server"] and not any(f.startswith(("check", "migrate")) for f in failures):
                failures += self._server(root, env, Path(scratch))
        if failures:
            raise CommandError(f"self-check failed: {len(failures)} step(s); first: {failures[0]}")
        self.stdout.write("self-check: all steps passed")

    def _manage(self, root: Path, env: dict[str, str], name: str, argv: list[str]) -> str:
        proc = subprocess.run([sys.executable, "manage.py", *argv], cwd=root, env=env, capture_output=True,
                              text=True, timeout=STEP_TIMEOUT, check=False)
        if proc.returncode == 0:
            self.stdout.write(f"ok {name}")
            return ""
        failure = f"{name}: {cause_of(proc.stderr + chr(10) + proc.stdout)}"
        self.stdout.write(f"FAILED {failure}")
        return failure

    def _server(self, root: Path, env: dict[str, str], scratch: Path) -> list[str]:
        port = _free_port()
        log = (scratch / "server.log").open("w+", encoding="utf-8")
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                                  cwd=root, env={**env, "DJANGO_DEBUG": "1"},  # tracebacks reach the log
                                  stdout=log, stderr=subprocess.STDOUT, text=True)
        failures = []
        try:
            deadline = time.monotonic() + 60
            for name, path, good in self._probes():
                try:
                    status, body = _get(f"http://127.0.0.1:{port}{path}", deadline)
                except OSError as exc:
                    log.flush()
                    failures.append(f"server {name}: no answer ({exc}); {cause_of(Path(log.name).read_text())}")
                    break
                if not good(status):
                    log.flush()
                    detail = body.decode(errors="replace")[:200] if status != 500 else cause_of(
                        Path(log.name).read_text())
                    failures.append(f"server {name} {path}: HTTP {status}: {' '.join(detail.split())}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        for failure in failures:
            self.stdout.write(f"FAILED {failure}")
        if not failures:
            self.stdout.write("ok server (healthz, moved route, openapi.json)")
        return failures

    def _probes(self) -> list[tuple[str, str, Any]]:
        probes: list[tuple[str, str, Any]] = [("healthz", "/healthz/", lambda s: s == 200)]
        if SMOKE_ROUTE:  # a 4xx (nothing in a fresh database) or a stub's 501 is an answer; a 5xx is not
            probes.append(("moved route", SMOKE_ROUTE, lambda s: s < 500 or s == 501))
        probes.append(("openapi", "/openapi.json", lambda s: s == 200))
        return probes
