"""The facts as ``facts.json``: versioned, sorted, byte-for-byte deterministic."""

from __future__ import annotations

from pathlib import Path

import orjson

from analyzer.model.facts import ProjectFacts
from analyzer.model.json_form import dumps_sorted


def facts_to_bytes(facts: ProjectFacts) -> bytes:
    """The UTF-8 JSON of the project facts: sorted keys, two-space indent, trailing newline (the
    bytes ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`` gives, 20x faster)."""
    return dumps_sorted(facts)


def facts_to_json(facts: ProjectFacts) -> str:
    """The JSON text of the project facts (see :func:`facts_to_bytes`)."""
    return facts_to_bytes(facts).decode("utf-8")


def facts_from_json(text: str | bytes) -> ProjectFacts:
    """Rebuild project facts from :func:`facts_to_json` output."""
    return ProjectFacts.from_json(orjson.loads(text))


def write_facts(facts: ProjectFacts, out_dir: Path) -> Path:
    """Write ``out_dir/facts.json`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "facts.json"
    path.write_bytes(facts_to_bytes(facts))
    return path
