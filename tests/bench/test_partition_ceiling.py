"""bench/partition_ceiling.py: its families of ties account for every tie of the entity graph."""

from __future__ import annotations

import tomllib
from pathlib import Path

from analyzer.boundaries.config import load_config
from bench.layered import write
from bench.partition_ceiling import entity_graph, family_ties
from bench.quality import Case
from bench.quality_seeds import project_of


def test_the_families_sum_to_the_entity_graph_that_analyze_clusters(tmp_path: Path) -> None:
    truth_file = write(2, tmp_path / "synthetic-2")
    truth = tomllib.loads(truth_file.read_text(encoding="utf-8"))
    case = Case("synthetic-2", tmp_path / "synthetic-2", truth, truth_file)
    config = load_config(case.path)
    build = entity_graph(project_of(case, tmp_path), config)
    full = {(a, b) if a <= b else (b, a): w for a, b, w in build(config.weights).edges}
    families = family_ties(build, config.weights)
    assert all(families.values()), [f for f, ties in families.items() if not ties]  # each kind is present
    summed = {pair: sum(ties.get(pair, 0.0) for ties in families.values()) for pair in full}
    unexplained = {pair: (w, summed[pair]) for pair, w in full.items() if abs(w - summed[pair]) > 1e-6}
    assert not unexplained
