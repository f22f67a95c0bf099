"""Every service the real analysis proposes for the sample monolith, end to end.

For each service (names read from the analysis, never hard-coded), in parallel subprocesses:
``demonolith extract`` into a temporary directory, ``demonolith routes check`` of both routes files,
``manage.py check``, ``migrate``, the generated tests, the data copy from a seeded monolith database
(row counts compared table by table), then a real server on 127.0.0.1: the health endpoint and one
moved route answer 200 with the copied data. Then the generated typed client is used against one
live service: list, detail, create, update, and the errors for a dead port and a silent one.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.extractor.helpers import (
    DEMONOLITH,
    extract_cli,
    http,
    run,
    run_project,
    served,
)

PY = sys.executable
WORKERS = 4
TOKEN = "sample-service-token"  # DEMONOLITH_SERVICE_TOKEN of the served services: /_api/ needs it
IDENTITY_SECRET = "sample-identity-secret-0123456789abcdef"  # the client's signed_identity() uses it


@dataclass(frozen=True)
class Served:
    """What one service did: where it is, its tables, and what the live server answered."""

    service: str
    root: Path
    source_counts: dict[str, int]
    copied_counts: dict[str, int]
    health: int
    route: str  # the path that was fetched
    route_status: int
    route_kind: str  # "moved route" or "model API (no moved route runs the monolith's code yet)"
    has_copied_data: bool


def services_of(analysis: Path) -> list[dict[str, Any]]:
    """The proposed services as the analysis lists them."""
    return sorted(json.loads(analysis.read_text())["services"], key=lambda s: s["name"])


def counts(database: Path, tables: list[str]) -> dict[str, int]:
    """Row count of each table (-1 when the table does not exist)."""
    with sqlite3.connect(database) as db:
        query = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        present = {row[0] for row in db.execute(query)}
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] if t in present else -1
                for t in tables}


def text_values(database: Path, tables: list[str]) -> set[str]:
    """Distinctive text values of the tables (to recognise copied rows in an HTTP answer)."""
    found: set[str] = set()
    with sqlite3.connect(database) as db:
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}" LIMIT 50'):
                found.update(v for v in row if isinstance(v, str) and len(v) >= 4 and not v.isdigit())
    return found


def _moved_get_paths(root: Path) -> list[str]:
    """GET paths of moved routes that run the monolith's code (no path parameters)."""
    document = json.loads((root / "openapi.json").read_text())
    return [path for path, operations in sorted(document["paths"].items())
            if "{" not in path and not path.startswith(("/_api/", "/healthz/"))
            and "original code" in operations.get("get", {}).get("description", "")]


def _model_paths(root: Path) -> list[str]:
    document = json.loads((root / "openapi.json").read_text())
    return [p for p in sorted(document["paths"]) if p.startswith("/_api/models/") and "{" not in p]


def _fetch_copied(base: str, root: Path, values: set[str], deadline: float) -> tuple[str, int, str, bool]:
    """A moved route answering 200 with copied data, else the model API (with its row count)."""
    for path in _moved_get_paths(root):
        status, body = http("GET", base + path, deadline)
        if status == 200 and any(v in body.decode() for v in values):
            return path, status, "moved route", True
    for path in _model_paths(root):
        assert http("GET", base + path, deadline)[0] == 401, f"{path} answered without a token"
        status, body = http("GET", base + path, deadline, token=TOKEN)
        if status == 200 and json.loads(body)["total"] > 0:
            return path, status, "model API (no moved route runs the monolith's code yet)", True
    return "(none)", 0, "none", False


def build_and_serve(analysis: Path, out: Path, database: Path, service: dict[str, Any]) -> Served:
    """Extract one service and take it through every step; assertion errors carry the step."""
    name = service["name"]
    proc = extract_cli(analysis, name, out)
    assert proc.returncode == 0, f"{name}: extract failed: {proc.stderr}"
    root = out / name
    for routes_file in ("routes.toml", "routes.docker.toml"):
        run([*DEMONOLITH, "routes", "check", str(root / routes_file)], cwd=root)
    assert "self-check: all steps passed" in proc.stdout, proc.stdout  # check, migrations, tests, server
    run_project(["migrate", "-v0"], root)
    copy = run_project(["copy_from_monolith", str(database), "--batch-size", "7"], root)
    assert "verified" in copy.stdout, copy.stdout
    tables = sorted(t for t in service["tables"] if not t.startswith("sqlite_"))
    with served(root, env={"DEMONOLITH_SERVICE_TOKEN": TOKEN}) as base:
        deadline = time.monotonic() + 30
        health, _ = http("GET", base + "/healthz/", deadline)
        route, status, kind, ok = _fetch_copied(base, root, text_values(database, tables), deadline)
    return Served(name, root, counts(database, tables), counts(root / "db.sqlite3", tables), health,
                  route, status, kind, ok)


@pytest.fixture(scope="module")
def served_services(sample_analysis: Path, monolith_db: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> dict[str, Served | str]:
    """Every proposed service built and served, in parallel; a failure is kept as its message."""
    out = tmp_path_factory.mktemp("services")

    def attempt(service: dict[str, Any]) -> Served | str:
        try:
            return build_and_serve(sample_analysis, out, monolith_db, service)
        except (AssertionError, OSError) as exc:
            return f"{service['name']}: {exc}"

    services = services_of(sample_analysis)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(attempt, services))
    return {s["name"]: r for s, r in zip(services, results, strict=True)}


def test_every_proposed_service_runs_with_the_copied_data(served_services: dict[str, Served | str]) -> None:
    failures = [r for r in served_services.values() if isinstance(r, str)]
    assert not failures, "\n\n".join(failures)
    assert len(served_services) >= 5
    for name, result in served_services.items():
        assert isinstance(result, Served)
        assert result.source_counts == result.copied_counts, f"{name}: row counts differ"
        assert sum(result.source_counts.values()) > 0, f"{name}: the seeded monolith has no rows for it"
        assert result.health == 200, name
        assert (result.route_status, result.has_copied_data) == (200, True), f"{name}: {result}"
        print(f"{name}: {sum(result.copied_counts.values())} rows in {len(result.copied_counts)} tables; "
              f"GET {result.route} -> {result.route_status} ({result.route_kind})")
    moved = [r for r in served_services.values() if isinstance(r, Served) and r.route_kind == "moved route"]
    assert len(moved) >= 3, "most services should serve a moved route with the monolith's own code"


def test_a_second_copy_copies_nothing_and_keeps_the_counts(served_services: dict[str, Served | str],
                                                            monolith_db: Path) -> None:
    result = next(r for r in served_services.values() if isinstance(r, Served))
    again = run_project(["copy_from_monolith", str(monolith_db)], result.root)
    assert "verified" in again.stdout
    assert all(" copied 0," in line for line in again.stdout.splitlines() if ": copied " in line)
    assert counts(result.root / "db.sqlite3", list(result.copied_counts)) == result.copied_counts


def load_client(root: Path) -> ModuleType:
    """Import the generated client module of a service from its file."""
    path = next((root / "client").glob("*_client.py"))
    spec = importlib.util.spec_from_file_location(f"generated_{root.name}_client", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _writable(root: Path) -> list[str]:
    document = json.loads((root / "openapi.json").read_text())
    return [p for p, ops in sorted(document["paths"].items())
            if "post" in ops and p.startswith("/_api/models/")]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A 127.0.0.1 port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_typed_client_against_a_live_service(served_services: dict[str, Served | str],
                                             silent_port: int, dead_port: int) -> None:
    candidates = [r for r in served_services.values() if isinstance(r, Served) and _writable(r.root)]
    assert candidates, "no service exposes a write endpoint; the analysis lists foreign writers"
    result = candidates[0]
    client_module = load_client(result.root)
    path = _writable(result.root)[0]
    snake = _client_name(client_module, path)
    env = {"DEMONOLITH_SERVICE_TOKEN": TOKEN, "DEMONOLITH_IDENTITY_SECRET": IDENTITY_SECRET}
    with served(result.root, env=env) as base:
        with pytest.raises(client_module.ServiceHTTPError) as anonymous:
            getattr(_client_class(client_module)(base, timeout=5, token=""), f"list_{snake}")()
        assert anonymous.value.status == 401
        client = _client_class(client_module)(base, timeout=5, token=TOKEN)
        page = getattr(client, f"list_{snake}")(page_size=2)
        assert page["total"] > 0 and len(page["results"]) == min(2, page["total"])
        _signed_identity_is_enough(client_module, base, snake, page["total"])
        first = page["results"][0]
        assert getattr(client, f"get_{snake}")(first["id"]) == first
        with pytest.raises(client_module.NotFound):
            getattr(client, f"get_{snake}")(987654321)
        values = {k: v for k, v in first.items() if k != "id"}
        assert getattr(client, f"update_{snake}")(first["id"], values) == first  # same values back
        created = getattr(client, f"create_{snake}")(values)  # a copy of the first row
        assert created["id"] != first["id"]
        assert getattr(client, f"list_{snake}")()["total"] == page["total"] + 1
        with pytest.raises(client_module.InvalidRequest) as bad:
            getattr(client, f"update_{snake}")(first["id"], {"__unknown__": 1})
        assert bad.value.status == 400 and "invalid data" in str(bad.value)
        assert bad.value.fields == {"__unknown__": ["unknown field"]}  # field errors kept
    _unreachable(client_module, snake, silent_port, dead_port)


def _signed_identity_is_enough(module: ModuleType, base: str, snake: str, total: int) -> None:
    """Without the token, a call signed by the client for a user passes (each request signed for
    itself, so a retry or a second call is not a replay); a wrong secret does not."""
    client_class = _client_class(module)
    signed = client_class(base, timeout=5, token="", identity=module.signed_identity(IDENTITY_SECRET, 7))
    assert getattr(signed, f"list_{snake}")(page_size=1)["total"] == total
    assert getattr(signed, f"list_{snake}")(page_size=1)["total"] == total
    forged = client_class(base, timeout=5, token="", identity=module.signed_identity("not-the-secret", 7))
    with pytest.raises(module.ServiceHTTPError) as refused:
        getattr(forged, f"list_{snake}")()
    assert refused.value.status == 401 and "signature" in refused.value.message


def _client_class(module: ModuleType) -> Any:
    return next(v for k, v in vars(module).items() if k.endswith("Client") and isinstance(v, type))


def _client_name(module: ModuleType, path: str) -> str:
    model = path.rstrip("/").rsplit("/", 1)[-1]
    methods = [m for m in dir(_client_class(module)) if m.startswith("create_")]
    names = [m.removeprefix("create_") for m in methods]
    found = [n for n in names if n.replace("_", "") == model]
    assert found, (path, methods)
    return found[0]


def _unreachable(module: ModuleType, snake: str, silent_port: int, dead_port: int) -> None:
    client_class = _client_class(module)
    dead = client_class(f"http://127.0.0.1:{dead_port}", timeout=0.5, retries=1, backoff=0.01)
    started = time.monotonic()
    with pytest.raises(module.ServiceUnavailable, match="connection refused") as refused:
        getattr(dead, f"list_{snake}")()
    assert "(2 attempts)" in str(refused.value)
    silent = client_class(f"http://127.0.0.1:{silent_port}", timeout=0.5, retries=1, backoff=0.01)
    with pytest.raises(module.ServiceUnavailable, match=r"timed out: no answer within 0.5 s \(2 attempts\)"):
        getattr(silent, f"list_{snake}")()
    with pytest.raises(module.ServiceUnavailable, match=r"timed out.*\(1 attempt\)"):
        getattr(silent, f"create_{snake}")({})  # a write is never retried
    assert time.monotonic() - started < 10
