"""Shadow writes end to end: a real extracted service rolls back what the real proxy marks.

The sample's first service (by name, read from the analysis) whose models other services write is
extracted, migrated and filled by its data copy from the seeded monolith database; a second copy
of the project, with its own database, stands in for the primary. Marks are signed with the
proxy's own signer (:mod:`strangler_proxy.policy.shadow_marker`), so both sides are checked
against each other:

* straight to the service: a marked create answers 201 and leaves the row count as it was (the
  answer says ``rolled-back``); forged, expired and misbound marks get 403 and change nothing; an
  unmarked create adds its row;
* through ``demonolith proxy`` with ``shadow_writes``: every create reaches the primary for real
  and the service as a rolled-back copy, compared (ids ignored) and counted in ``/metrics``;
* a view with every outward effect (``tests/fixtures/shadow_probe``: Celery tasks on a file
  broker, one through a task class's own ``apply_async``, an e-mail through the file backend, an
  on_commit hook, a file cache write, a file storage save, a write and a read through the
  generated client to a live server): marked, none of them happens and each is counted; unmarked,
  all do; a raw GET and a file written by hand happen either way and are reported as such;
* a valid marker sent twice is refused the second time (a replay).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from extractor.project import shadow_secret_env
from strangler_proxy.policy.shadow_marker import sign_marker
from tests.extractor.helpers import DEMONOLITH, ROOT, extract_cli, run_project, served, stop
from tests.helpers.ports import announced_ports

TOKEN = "shadow-e2e-service-token"
KEY = "shadow-e2e-key-0123456789abcdef"
WRITES = 20
PROBE = ROOT / "tests" / "fixtures" / "shadow_probe"
EFFECTS = ("audit", "cache", "hooks", "mail", "media", "raw", "tasks")
pytestmark = pytest.mark.timeout(300)


def first_written_service(analysis: Path) -> str:
    """The first service (by name) owning a model that another service writes."""
    tables = json.loads(analysis.read_text())["tables"]
    return min(t["owner"] for t in tables
               if t["model"] and t["owner"] and set(t["writers"]) - {t["owner"]})


def writable_path(root: Path) -> str:
    """The first model endpoint of the service's OpenAPI document that takes POST."""
    paths = json.loads((root / "openapi.json").read_text())["paths"]
    return min(p for p, ops in paths.items() if "post" in ops and p.startswith("/_api/models/"))


def call(method: str, url: str, body: Any = None,
         marker: str | None = None) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON body, headers) of one request with the service token."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    if marker is not None:
        headers["X-Demonolith-Shadow"] = marker
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return int(response.status), json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read() or b"null"), dict(exc.headers)


def mark(service: str, method: str, path: str, ttl: int = 30, key: str = KEY) -> str:
    """A marker as the proxy signs it."""
    return sign_marker(key.encode(), int(time.time()) + ttl, nonce=os.urandom(16).hex(),
                       service=service, method=method, path=path.encode())


def table_of(analysis: Path, path: str) -> str:
    """The table of the model behind a ``/_api/models/<app>/<model>/`` path."""
    label = ".".join(path.rstrip("/").split("/")[-2:])
    tables = json.loads(analysis.read_text())["tables"]
    return next(t["table"] for t in tables if (t["model"] or "").lower() == label)


def rows(root: Path, table: str) -> int:
    """Rows of ``table`` in the project's SQLite file."""
    with sqlite3.connect(root / "db.sqlite3") as db:
        return int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


@contextmanager
def proxy(routes: Path, log: Path, env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``demonolith proxy`` on free ports: (its URL, its metrics URL)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    with log.open("wb") as out:
        process = subprocess.Popen([*DEMONOLITH, "proxy", "--routes", str(routes), "--listen",
                                    "127.0.0.1:0", "--admin", "127.0.0.1:0", "--access-log", "off"],
                                   cwd=routes.parent, env=environment, stdout=out, stderr=out)
        try:
            yield announced(process, log)
        finally:
            stop(process)


def announced(process: subprocess.Popen[bytes], log: Path) -> tuple[str, str]:
    """The proxy's listen and admin URLs from its announcement."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        for line in log.read_text(errors="replace").splitlines():
            if "proxy listening on" in line:
                listen, admin = announced_ports(line)
                return f"http://127.0.0.1:{listen}", f"http://127.0.0.1:{admin}/metrics"
        time.sleep(0.1)
    raise AssertionError(log.read_text(errors="replace"))


def shadow_writes(metrics_url: str, route: str, expected: int) -> dict[str, int]:
    """``proxy_shadow_writes_total`` of ``route`` by result, once ``expected`` are counted."""
    found: dict[str, int] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with urllib.request.urlopen(metrics_url, timeout=5) as response:
            text = response.read().decode()
        prefix = f'proxy_shadow_writes_total{{route="{route}",result="'
        found = {line[len(prefix):].split('"')[0]: int(float(line.rsplit(" ", 1)[1]))
                 for line in text.splitlines() if line.startswith(prefix)}
        if sum(found.values()) >= expected:
            return found
        time.sleep(0.2)
    raise AssertionError(f"shadow writes not counted in time: {found}")


def routes_file(folder: Path, service: str, primary: str, shadow: str) -> Path:
    """Every /_api/ call to the primary, mirrored with its writes to the service."""
    path = folder / "routes.toml"
    path.write_text(f"""
[upstreams.primary]
url = "{primary}"

[upstreams.{service}]
url = "{shadow}"
shadow_secret_env = "{shadow_secret_env(service)}"

[[routes]]
name = "api"
path_prefix = "/_api/"
to = "primary"
mirror = {{ upstream = "{service}", ignore = ["id"] }}
shadow_writes = true

[default]
to = "primary"
""", encoding="utf-8")
    return path


@pytest.fixture
def projects(sample_analysis: Path, monolith_db: Path, tmp_path: Path) -> tuple[str, Path, Path]:
    """(service, its project, a copy for the primary), migrated and filled with the copied data."""
    service = first_written_service(sample_analysis)
    extracted = extract_cli(sample_analysis, service, tmp_path, "--no-self-check")
    assert extracted.returncode == 0, extracted.stderr
    root = tmp_path / service
    run_project(["migrate", "-v0"], root)
    run_project(["copy_from_monolith", str(monolith_db)], root)
    primary = tmp_path / "primary"
    shutil.copytree(root, primary)
    return service, root, primary


def test_marked_writes_change_nothing_unmarked_ones_do(
        projects: tuple[str, Path, Path], sample_analysis: Path) -> None:
    service, root, _ = projects
    path = writable_path(root)
    table = table_of(sample_analysis, path)
    env = {"DEMONOLITH_SERVICE_TOKEN": TOKEN, "DEMONOLITH_SHADOW_SECRET": KEY}
    with served(root, env=env, log=root.parent / "service.log") as base:
        _, page, _ = call("GET", f"{base}{path}?page_size=1")
        values = {k: v for k, v in page["results"][0].items() if k != "id"}
        before = rows(root, table)
        created = call("POST", base + path, values, mark(service, "POST", path))
        refused = [call("POST", base + path, values, marker)[0] for marker in (
            "1", mark(service, "POST", path, key="forged"), mark(service, "POST", path, ttl=-5),
            mark(service, "GET", path), mark(service, "POST", path + "x/"),
            mark("another", "POST", path))]
        after_marked = rows(root, table)
        real = call("POST", base + path, values)
        after_real = rows(root, table)
    assert before > 0, "the data copy filled the table"
    status, body, headers = created
    assert (status, headers["X-Demonolith-Shadow"]) == (201, "rolled-back"), body
    assert headers["X-Demonolith-Shadow-Suppressed"] == (
        "cache=0, client=0, files=0, mail=0, on_commit=0, tasks=0")
    assert headers["X-Demonolith-Shadow-Unsuppressed"] == "connections=0, file_writes=0"
    assert refused == [403] * 6
    assert after_marked == before, "a marked write (or a refused one) left a row behind"
    assert real[0] == 201 and after_real == before + 1


def test_the_proxy_shadows_writes_that_the_service_rolls_back(
        projects: tuple[str, Path, Path], sample_analysis: Path, tmp_path: Path) -> None:
    service, root, primary = projects
    path = writable_path(root)
    table = table_of(sample_analysis, path)
    before = rows(root, table)
    service_env = {"DEMONOLITH_SERVICE_TOKEN": TOKEN, "DEMONOLITH_SHADOW_SECRET": KEY}
    with (served(root, env=service_env, log=tmp_path / "service.log") as shadow,
          served(primary, env={"DEMONOLITH_SERVICE_TOKEN": TOKEN},
                 log=tmp_path / "primary.log") as primary_url):
        routes = routes_file(tmp_path, service, primary_url, shadow)
        with proxy(routes, tmp_path / "proxy.log", {shadow_secret_env(service): KEY}) as (base, metrics):
            _, page, _ = call("GET", f"{base}{path}?page_size=1")
            values = {k: v for k, v in page["results"][0].items() if k != "id"}
            statuses = [call("POST", base + path, values)[0] for _ in range(WRITES)]
            results = shadow_writes(metrics, "api", WRITES)
    assert statuses == [201] * WRITES
    assert rows(primary, table) == before + WRITES, "the primary took every write"
    assert rows(root, table) == before, "the shadow service kept none"
    assert results == {"match": WRITES}, "compared (ids ignored), rollback confirmed every time"


@contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A live HTTP server on 127.0.0.1 that answers ``{}`` and records each request (method and
    path)."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def effects_in(folder: Path) -> dict[str, int]:
    """Files written by the probe's task broker, mail backend, on_commit hooks, task class, file
    cache, storage and by hand."""
    return {name: sum(1 for path in (folder / name).rglob("*") if path.is_file())
            for name in EFFECTS}


def test_a_marked_request_holds_back_its_effects_and_reports_the_rest(
        projects: tuple[str, Path, Path], tmp_path: Path) -> None:
    service, root, _ = projects
    for name in ("probe_settings.py", "probe_urls.py"):
        shutil.copy(PROBE / name, root / name)
    out = tmp_path / "effects"
    for name in EFFECTS:
        (out / name).mkdir(parents=True)
    with recording_server() as (remote, seen):
        env = {"DEMONOLITH_SERVICE_TOKEN": TOKEN, "DEMONOLITH_SHADOW_SECRET": KEY,
               "DJANGO_SETTINGS_MODULE": "probe_settings", "PROBE_OUT": str(out),
               "PROBE_REMOTE": remote,
               "DEMONOLITH_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
        with served(root, env=env, log=tmp_path / "probe.log") as base:
            url = base + "/probe/effects/"
            marker = mark(service, "POST", "/probe/effects/")
            marked = call("POST", url, {}, marker)
            after_marked = effects_in(out), list(seen)
            replayed = call("POST", url, {}, marker)
            after_replay = effects_in(out), list(seen)
            unmarked = call("POST", url, {})
            after_unmarked = effects_in(out), list(seen)
    none = dict.fromkeys(EFFECTS, 0)
    assert marked[:2] == (200, {"client_sent": [False, False]}), marked
    assert marked[2]["X-Demonolith-Shadow-Suppressed"] == (
        "cache=1, client=2, files=1, mail=1, on_commit=1, tasks=2")
    assert marked[2]["X-Demonolith-Shadow-Unsuppressed"] == "connections=1, file_writes=1"
    assert after_marked == ({**none, "raw": 1}, ["GET /raw/"]), "only the unsuppressed happened"
    assert replayed[:2] == (403, {"error": "shadow marker replayed: its nonce was used already"})
    assert after_replay == after_marked, "the replay never ran"
    assert unmarked[:2] == (200, {"client_sent": [True, True]}), unmarked
    assert "X-Demonolith-Shadow-Unsuppressed" not in unmarked[2]
    cache_files = effects_in(out)["cache"]
    assert after_unmarked == ({"audit": 1, "cache": cache_files, "hooks": 1, "mail": 1, "media": 1,
                               "raw": 2, "tasks": 2},
                              ["GET /raw/", "GET /raw/", "POST /_api/anything/",
                               "GET /_api/anything/"])
    assert cache_files >= 1
