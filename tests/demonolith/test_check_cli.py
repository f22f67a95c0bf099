"""`demonolith check`: the ratchet passes on the analysed sample and fails on a planted crossing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from demonolith import cli
from tests.helpers.sample_pipeline import copy_sample, write_analysis

PLANTED = '''

from orders.models import Order as PlantedOrder


def planted_cleanup():
    """Deletes another service's rows: a foreign write the ratchet must catch."""
    PlantedOrder.objects.filter(pk=0).delete()
'''


def test_check_passes_on_unchanged_code_and_fails_on_a_planted_foreign_write(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    analysis, baseline = write_analysis(root, tmp_path / "out")
    owner = {label: s.name for s in analysis.services for label in s.models}
    assert owner["catalog.Product"] != owner["orders.Order"]  # precondition of the plant

    unchanged = CliRunner().invoke(cli.cli, ["check", str(root), "--against", str(baseline)])
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.output.startswith("ok: ")

    with (root / "catalog" / "views.py").open("a", encoding="utf-8") as views:
        views.write(PLANTED)
    planted = CliRunner().invoke(cli.cli, ["check", str(root), "--against", str(baseline), "--json"])
    assert planted.exit_code == 1, planted.output
    verdict = json.loads(planted.output)
    assert verdict["ok"] is False and verdict["current"] > verdict["baseline"]
    kinds = {(c["kind"], c["path"]) for c in verdict["new"]}
    assert ("foreign-write", "catalog/views.py") in kinds
    assert all(c["path"] == "catalog/views.py" for c in verdict["new"])


def test_check_reports_a_bad_baseline_as_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "analysis.json"
    bad.write_text("{}")
    proc = subprocess.run([sys.executable, "-m", "demonolith", "check", str(tmp_path), "--against", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert proc.stderr.startswith("demonolith: error: ") and "schema_version" in proc.stderr
    assert proc.stderr.count("\n") == 1
