"""Golden files: the generated orders service of the small fixture shop, byte for byte.

Regenerate after an intended change with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/extractor/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractor.extract import extract_service
from tests.extractor.helpers import FIXTURE, small

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/extractor/test_golden.py"


def _normalised(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8").replace(str(FIXTURE), "<SOURCE>")
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".demonolith-manifest.json"
    }


@pytest.mark.parametrize("service", ["orders"])
def test_generated_files_match_golden(tmp_path: Path, service: str) -> None:
    extract_service(small(), service, tmp_path)
    generated = _normalised(tmp_path / service)
    golden_dir = GOLDEN / service
    if os.environ.get("UPDATE_GOLDEN"):
        for relative, text in generated.items():
            (golden_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / relative).write_text(text, encoding="utf-8")
        for stale in set(_normalised(golden_dir)) - set(generated):
            (golden_dir / stale).unlink()
    expected = _normalised(golden_dir)
    assert sorted(generated) == sorted(expected), f"file list differs; regenerate with: {REGENERATE}"
    for relative in sorted(expected):
        assert generated[relative] == expected[relative], (
            f"{relative} differs from tests/extractor/golden/{service}/{relative}; "
            f"if the change is intended, regenerate with: {REGENERATE}")
