"""The synthetic layered monolith (bench/layered): deterministic, and read by ``demonolith analyze``."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bench.layered import generate, write
from bench.scores import adjusted_rand_index, mojo_fm

DEMONOLITH = str(Path(sys.executable).with_name("demonolith"))


def test_same_seed_same_bytes_other_seed_other_project() -> None:
    assert generate(3) == generate(3)
    assert generate(3) != generate(4)


def test_truth_places_every_model_and_names_the_pairs() -> None:
    truth = tomllib.loads(generate(2)["truth.toml"])
    models = truth["models"]
    assert truth["meta"]["kind"] == "layered"
    assert len(set(models.values())) >= 7
    assert len(truth["must_together"]) == 10 and len(truth["must_apart"]) == 5
    for pair in truth["must_together"]:
        assert models[pair["a"]] == models[pair["b"]]
    for pair in truth["must_apart"]:
        assert models[pair["a"]] != models[pair["b"]]


@pytest.mark.parametrize("seed", [1, 5])
def test_analyze_reads_it_with_every_model(seed: int, tmp_path: Path) -> None:
    truth_file = write(seed, tmp_path / "project")
    truth = tomllib.loads(truth_file.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    command = [
        DEMONOLITH,
        "analyze",
        str(tmp_path / "project"),
        "--out",
        str(out),
        "--no-cache",
        "--no-history",
        "-j",
        "1",
        "--strict",
        "--reference",
        str(truth_file),
    ]
    subprocess.run(command, check=True, capture_output=True)
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    concrete = {m["label"] for m in analysis["models"] if not m["abstract"]}
    assert concrete == set(truth["models"])
    assert [m["label"] for m in analysis["models"] if m["abstract"]] == ["base.LoggedModel"]
    assert analysis["warnings"] == []
    proposal = {m: s["name"] for s in analysis["services"] for m in s["models"] if m in concrete}
    metrics = analysis["metrics"]["proposal"]
    assert adjusted_rand_index(proposal, truth["models"]) == pytest.approx(metrics["reference_ari"], abs=1e-3)
    assert mojo_fm(proposal, truth["models"]) == pytest.approx(metrics["reference_mojofm"], abs=0.01)
