"""facts.json: versioned, with the required top-level keys, identical under any hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from analyzer.model.facts import FACTS_SCHEMA_VERSION

FIXTURE = Path(__file__).parents[2] / "fixtures" / "tiny_project"
SCRIPT = (
    "import sys; from pathlib import Path; "
    "from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts; "
    "from analyzer.project_facts.facts_json import facts_to_json; "
    "sys.stdout.write(facts_to_json(extract_project_facts(Path(sys.argv[1]), "
    "FactsOptions(use_cache=False, jobs=2))))"
)


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURE)], env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    return done.stdout


def test_identical_bytes_under_different_hash_seeds() -> None:
    first, second = _run("1"), _run("4242")
    assert first == second
    document = json.loads(first)
    assert document["schema_version"] == FACTS_SCHEMA_VERSION
    assert {"models", "routes", "sql", "warnings", "modules", "settings", "apps"} <= set(document)
    model = document["models"][0]
    assert {"name", "module", "app_label", "db_table", "abstract", "fields", "path", "line"} <= set(
        model)


def test_fast_encoder_writes_the_bytes_of_the_stdlib_encoder() -> None:
    from analyzer.project_facts.facts_json import facts_from_json, facts_to_bytes
    from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

    facts = extract_project_facts(FIXTURE, FactsOptions(use_cache=False, jobs=1))
    stdlib = json.dumps(facts.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert facts_to_bytes(facts) == stdlib.encode("utf-8")
    assert facts_from_json(facts_to_bytes(facts)) == facts
