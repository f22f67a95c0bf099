"""The facts as ``facts.json``: versioned, sorted, byte-for-byte deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.model.facts import ProjectFacts


def facts_to_json(facts: ProjectFacts) -> str:
    """The JSON text of the project facts (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(facts.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def facts_from_json(text: str) -> ProjectFacts:
    """Rebuild project facts from :func:`facts_to_json` output."""
    return ProjectFacts.from_json(json.loads(text))


def write_facts(facts: ProjectFacts, out_dir: Path) -> Path:
    """Write ``out_dir/facts.json`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "facts.json"
    path.write_text(facts_to_json(facts), encoding="utf-8")
    return path
