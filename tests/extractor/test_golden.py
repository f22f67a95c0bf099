"""Golden files: generated services byte for byte, for the small fixture shop and the sample monolith.

- ``golden/orders/``: the orders service of the small hand-made analysis (tests/helpers).
- ``golden/sample/``: the sample monolith's service that owns the ``shipping_shipment`` table,
  generated from the real ``demonolith analyze`` output (the service name is read from it).

Absolute paths are replaced by ``<SOURCE>``. Regenerate after an intended change (of the extractor,
or of the analyzer's proposal for the sample) with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/extractor/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from extractor.extract import extract_service, load_analysis
from tests.extractor.helpers import FIXTURE, SAMPLE, small

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/extractor/test_golden.py"
SAMPLE_ANCHOR_TABLE = "shipping_shipment"


def _normalised(root: Path, source: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8").replace(str(source), "<SOURCE>")
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".demonolith-manifest.json"
    }


def compare_with_golden(generated_root: Path, golden_dir: Path, source: Path) -> None:
    """Assert the generated tree equals ``golden_dir`` (or rewrite it when UPDATE_GOLDEN is set)."""
    generated = _normalised(generated_root, source)
    if os.environ.get("UPDATE_GOLDEN"):
        for relative, text in generated.items():
            (golden_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / relative).write_text(text, encoding="utf-8")
        for stale in set(_normalised(golden_dir, source)) - set(generated):
            (golden_dir / stale).unlink()
    expected = _normalised(golden_dir, source)
    name = golden_dir.relative_to(GOLDEN.parent).as_posix()
    assert sorted(generated) == sorted(expected), (
        f"the file list differs from tests/extractor/{name}: "
        f"extra {sorted(set(generated) - set(expected))}, missing {sorted(set(expected) - set(generated))}; "
        f"if the change is intended, regenerate with: {REGENERATE}")
    for relative in sorted(expected):
        assert generated[relative] == expected[relative], (
            f"{relative} differs from tests/extractor/{name}/{relative}; "
            f"if the change is intended, regenerate with: {REGENERATE}")


def test_small_fixture_orders_matches_golden(tmp_path: Path) -> None:
    extract_service(small(), "orders", tmp_path)
    compare_with_golden(tmp_path / "orders", GOLDEN / "orders", FIXTURE)


def test_sample_service_matches_golden(tmp_path: Path, sample_analysis: Path) -> None:
    owner = json.loads(sample_analysis.read_text())["table_owner"][SAMPLE_ANCHOR_TABLE]
    extract_service(load_analysis(sample_analysis), owner, tmp_path)
    golden = GOLDEN / "sample"
    if not os.environ.get("UPDATE_GOLDEN"):
        recorded = (golden / "README.md").read_text(encoding="utf-8").split("\n", 1)[0]
        assert recorded == f"# {owner} service", (
            f"the analysis now gives {SAMPLE_ANCHOR_TABLE} to {owner!r} ({recorded!r} in the golden files); "
            f"if intended, regenerate with: {REGENERATE}")
    compare_with_golden(tmp_path / owner, golden, SAMPLE.resolve())
