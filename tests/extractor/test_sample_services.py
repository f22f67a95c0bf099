"""Every service of the sample monolith: extracted, checked, migrated, tested, fed and served.

The Analysis comes from introspect_sample.py (Django introspection + reference_decomposition.toml)
until `demonolith analyze` writes analysis.json.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from strangler_proxy.routes_file import load_routes
from tests.extractor.helpers import ROOT, SAMPLE, extract_cli, run

PY = sys.executable


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """analysis.json of the sample and a seeded monolith database."""
    tmp = tmp_path_factory.mktemp("sample")
    analysis = tmp / "analysis.json"
    run([PY, str(Path(__file__).with_name("introspect_sample.py")), str(SAMPLE), str(analysis)], cwd=ROOT)
    database = tmp / "shop.sqlite3"
    run([PY, "manage.py", "migrate", "-v0"], cwd=SAMPLE, SHOP_DB_PATH=str(database))
    run([PY, "manage.py", "seed_demo"], cwd=SAMPLE, SHOP_DB_PATH=str(database), timeout=300)
    return {"tmp": tmp, "analysis": analysis, "database": database}


def _services(analysis: Path) -> list[str]:
    return sorted(s["name"] for s in json.loads(analysis.read_text())["services"])


def _build_and_test(analysis: Path, out: Path, service: str) -> str:
    proc = extract_cli(analysis, service, out)
    assert proc.returncode == 0, proc.stderr
    root = out / service
    for args in (["check"], ["migrate", "-v0"], ["test", "-v0"]):
        run([PY, "manage.py", *args], cwd=root, timeout=240)
    load_routes(root / "routes.toml")  # the proxy accepts the generated routes file
    load_routes(root / "routes.docker.toml")
    return service


def test_every_service_checks_migrates_and_passes_its_tests(workspace: dict[str, Path]) -> None:
    services = _services(workspace["analysis"])
    assert len(services) >= 5
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda s: _build_and_test(workspace["analysis"], workspace["tmp"] / "all", s),
                             services))
    assert done == services


def _counts(path: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, dict]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_catalog_copies_the_monolith_data_and_serves_it(workspace: dict[str, Path]) -> None:
    out = workspace["tmp"] / "served"
    assert extract_cli(workspace["analysis"], "catalog", out).returncode == 0
    root = out / "catalog"
    run([PY, "manage.py", "migrate", "-v0"], cwd=root)
    copy = run([PY, "manage.py", "copy_from_monolith", str(workspace["database"]), "--batch-size", "7"],
               cwd=root)
    assert "verified" in copy.stdout
    tables = ["catalog_category", "catalog_product", "catalog_tag", "catalog_product_tags", "reviews_review"]
    source = _counts(workspace["database"], tables)
    assert source["catalog_product"] > 0
    assert _counts(root / "db.sqlite3", tables) == source
    again = run([PY, "manage.py", "copy_from_monolith", str(workspace["database"])], cwd=root)
    assert "copied 0" in again.stdout and _counts(root / "db.sqlite3", tables) == source  # idempotent

    port = _free_port()
    server = subprocess.Popen([PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        status, health = _get(f"http://127.0.0.1:{port}/healthz/", deadline)
        assert (status, health["status"]) == (200, "ok")
        status, products = _get(f"http://127.0.0.1:{port}/api/catalog/products/", deadline)
        assert status == 200 and products["total"] > 0
        assert products["results"][0]["sku"]
    finally:
        server.terminate()
        server.wait(timeout=10)
