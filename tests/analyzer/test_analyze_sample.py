"""The whole analysis on the sample shop: the architect's answer, sagas, joins, shared code, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from analyzer.analyze import AnalyzeOptions, analyze_tree
from analyzer.metrics.adjusted_rand import adjusted_rand_index
from analyzer.metrics.reference import load_reference, reference_partition
from analyzer.model.analysis import SCHEMA_VERSION, Analysis
from analyzer.project_facts.pipeline import FactsOptions

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_monolith"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyze_tree(SAMPLE, AnalyzeOptions(history=False, facts=FactsOptions(use_cache=False)))


def test_every_model_is_placed_once_and_agrees_with_the_architect(analysis: Analysis) -> None:
    placed = [m for s in analysis.services for m in s.models]
    assert len(placed) == len(set(placed))
    assert not any(m.abstract for m in analysis.models)  # abstract bases are code, not models
    assert {m.label for m in analysis.models} == set(placed)
    in_libraries = {m for c in analysis.shared for m in c.models}
    assert {m.label for m in analysis.abstract_models} == in_libraries == {"common.TimeStampedModel"}
    reference = tomllib.loads((SAMPLE / "reference_decomposition.toml").read_text())["models"]
    mine = {m: s.name for s in analysis.services for m in s.models}
    assert adjusted_rand_index(mine, reference) >= 0.8


def test_the_proposal_scores_at_least_0_8_against_the_reference_file(analysis: Analysis) -> None:
    reference = load_reference(SAMPLE / "reference_decomposition.toml")
    expected = reference_partition(reference, ((m.label, m.module) for m in analysis.models))
    mine = {m: s.name for s in analysis.services for m in s.models}
    assert len(expected) == 22 and set(expected) <= set(mine)
    assert adjusted_rand_index(mine, expected) >= 0.8


def test_checkout_is_a_saga_with_compensations(analysis: Analysis) -> None:
    (checkout,) = [
        v
        for v in analysis.violations
        if v.kind == "distributed-transaction" and v.subject.startswith("orders.services.place_order")
    ]
    assert checkout.path == "orders/services.py" and checkout.line > 0 and checkout.snippet
    assert checkout.saga is not None
    services = [step.service for step in checkout.saga.steps]
    assert len(set(services)) >= 3
    assert all(step.compensation for step in checkout.saga.steps)
    assert any("allocate" in step.action for step in checkout.saga.steps)


def test_reporting_joins_across_services_are_violations_with_their_line(analysis: Analysis) -> None:
    joins = [v for v in analysis.violations if v.kind == "cross-service-join"]
    assert any(v.path == "reporting/queries.py" and v.line > 0 for v in joins)
    assert all(len(v.target_services) >= 1 and "API composition" in v.remedy for v in joins)


def test_common_code_is_a_shared_library_not_a_service(analysis: Analysis) -> None:
    (common,) = [c for c in analysis.shared if c.module.startswith("common")]
    assert common.module == "common" and "TimeStampedModel" in common.reason
    assert "common" not in {s.name for s in analysis.services}
    assert not any(m.startswith("common.") for s in analysis.services for m in s.modules)
    owners = analysis.table_owner()
    assert owners["stock_levels"] == next(
        s.name for s in analysis.services if "inventory.StockItem" in s.models
    )


def test_cli_output_is_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "demonolith",
                "analyze",
                str(SAMPLE),
                "--out",
                str(out),
                "--no-cache",
                "--no-history",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "analysis:" in result.stdout and "crossings:" in result.stdout
        outputs.append((out / "analysis.json").read_text())
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0])
    assert document["schema_version"] == SCHEMA_VERSION == 8 and document["table_owner"]
    assert {"name", "modules", "models", "tables", "routes"} <= set(document["services"][0])


def test_tooling_without_models_or_routes_is_not_a_service(analysis: Analysis) -> None:
    # seed_demo.reset empties sqlite_sequence: a database-internal table, owned by no service, so
    # it no longer makes the seeding command an island of its own; it joins the data it seeds.
    assert "devtools" not in {s.name for s in analysis.services}
    assert all(s.models for s in analysis.services)
    placed = {u for s in analysis.services for u in s.units}
    assert "devtools.management.commands.seed_demo.reset" in placed


def test_database_internal_tables_are_owned_by_no_service(analysis: Analysis) -> None:
    tables = {t.table for t in analysis.tables} | {t for s in analysis.services for t in s.tables}
    assert not {t for t in tables if t.startswith(("sqlite_", "pg_")) or t == "django_migrations"}
    assert not [v for v in analysis.violations if "sqlite_" in v.subject]


def test_routes_that_need_a_logged_in_user_say_so(analysis: Analysis) -> None:
    needs = {r.pattern: r.login_required for r in analysis.routes}
    assert needs["/orders/history/"] and needs["/orders/checkout/"]  # @login_required
    assert needs["/api/customers/me/"]  # @api_login_required: its wrapper answers 401
    assert needs["/api/shipping/orders/<int:order_id>/"]  # checks is_authenticated, answers 401
    assert not needs["/api/catalog/products/"] and not needs["/api/customers/login/"]
    assert not needs["/api/reviews/products/<slug:slug>/"]  # only its POST branch checks


def test_f_string_sql_of_top_customers_is_a_join_violation(analysis: Analysis) -> None:
    (top,) = [v for v in analysis.violations
              if v.kind == "cross-service-join" and "top_customers" in v.subject]
    assert top.path == "reporting/queries.py" and top.line == 158  # rows = _rows(sql, [limit])
    assert "customers_customer" in top.subject and "orders_order" in top.subject


def test_sql_file_violations_point_at_the_code_that_loads_the_file(analysis: Analysis) -> None:
    assert not [v for v in analysis.violations if v.path.endswith(".sql")]
    by_file = {v.line: v for v in analysis.violations
               if v.path == "reporting/queries.py" and ".sql" in v.subject}
    assert "reporting/sql/sales_by_category.sql" in by_file[93].subject
    assert "reporting/sql/daily_sales.sql" in by_file[195].subject
    assert "reporting/sql/daily_sales.sql" in by_file[195].remedy


def test_auth_user_goes_to_customers_and_reporting_reading_it_is_a_violation(analysis: Analysis) -> None:
    (auth_user,) = [t for t in analysis.tables if t.table == "auth_user"]
    assert auth_user.owner == "customers" and auth_user.framework == "django.contrib.auth"
    assert "customers.Customer.user" in auth_user.reason
    assert auth_user.readers == ("reporting",) and auth_user.writers == ()
    kinds = ("cross-service-join", "cross-service-query")
    reads = [v for v in analysis.violations if v.kind in kinds and "auth_user (customers)" in v.subject]
    assert [(v.path, v.line) for v in reads] == [("reporting/queries.py", 158)]


def test_only_modules_whose_parts_write_different_data_are_split(analysis: Analysis) -> None:
    splits = {s.module: s for s in analysis.module_splits}
    assert set(splits) <= {"orders.services", "devtools.management.commands.seed_demo"}
    assert splits["orders.services"].services == ("orders", "shipping")
    assert "to shipping (they write shipping.Carrier, shipping.Shipment)" in splits["orders.services"].reason
    queries = {s.name for s in analysis.services if "reporting.queries.top_customers" in s.units}
    assert queries == {"reporting"}  # a read-only report query stays with its module
