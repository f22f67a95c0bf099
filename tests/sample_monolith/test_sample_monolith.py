"""The sample monolith runs: its own Django tests pass, and migrate + seed_demo fill a database.

Everything runs in subprocesses against temporary SQLite files (``SHOP_DB_PATH``), so the
developer's ``sample_monolith/db.sqlite3`` is never touched.
"""

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "sample_monolith"
MANAGE = SHOP / "manage.py"


def manage(*args: str, db: Path, cwd: Path = ROOT, timeout: int = 120) -> (
    subprocess.CompletedProcess[str]
):
    env = {**os.environ, "SHOP_DB_PATH": str(db), "SHOP_DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_django_test_suite_passes(tmp_path: Path) -> None:
    result = manage("test", "--noinput", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\nOK" in result.stderr
    assert "Warning" not in result.stderr, result.stderr


def test_migrate_and_seed_demo_fill_the_database(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite3"
    migrated = manage("migrate", "--noinput", "-v", "0", db=db, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    seeded = manage("seed_demo", db=db, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "demo data ready" in seeded.stdout
    assert seeded.stderr == ""

    with closing(sqlite3.connect(db)) as conn:
        def count(table: str) -> int:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

        assert count("catalog_category") == 8
        assert count("catalog_product") == 60
        assert count("customers_customer") == 41
        assert count("orders_order") == 150
        assert count("payments_payment") == 150
        assert count("shipping_shipment") == 150
        assert count("orders_orderline") >= 250
        assert count("stock_levels") >= 100
        assert count("reviews_review") >= 100
        assert count("notifications_notification") >= 150
        assert count("reporting_product_sales") == 60  # the view made by the RunSQL migration
        assert count("auth_user WHERE username = 'demo'") == 1

    # seeding again resets and gives the same rows
    reseeded = manage("seed_demo", db=db, cwd=tmp_path)
    assert reseeded.returncode == 0, reseeded.stderr
    with closing(sqlite3.connect(db)) as conn:
        totals = conn.execute("SELECT COUNT(*), MIN(id), SUM(total) FROM orders_order").fetchone()
    assert totals[:2] == (150, 1)


@pytest.fixture(scope="module")
def model_labels(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    code = (
        "import json; from django.apps import apps; "
        "print(json.dumps(sorted(m._meta.label for m in apps.get_models() "
        "if m.__module__.split('.')[0] not in ('django',))))"
    )
    db = tmp_path_factory.mktemp("labels") / "db.sqlite3"
    result = manage("shell", "-c", code, db=db)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_reference_decomposition_maps_every_model(model_labels: list[str]) -> None:
    reference = tomllib.loads((SHOP / "reference_decomposition.toml").read_text())
    assert sorted(reference["models"]) == model_labels


def test_decomposition_md_carries_the_same_mapping() -> None:
    text = (SHOP / "DECOMPOSITION.md").read_text()
    block = text.split("```toml\n")[-1].split("```")[0]
    reference = tomllib.loads((SHOP / "reference_decomposition.toml").read_text())
    assert tomllib.loads(block)["models"] == reference["models"]
