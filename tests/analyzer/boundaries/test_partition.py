"""Clustering: deterministic whatever the hash seed, an obvious split, N chosen or requested."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analyzer.boundaries.partition import choose_partition, project_units
from tests.analyzer.graphs import GraphBuilder, legacy_app_with_two_domains

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
from analyzer.boundaries.partition import choose_partition, project_units
from tests.analyzer.boundaries.test_partition import ring_of_domains
graph = ring_of_domains()
projected = project_units(graph)
data = {n: graph.nodes[n]["kind"] == "model" for n in projected}
for services in (None, 2, 6):
    print(choose_partition(projected, data, services=services))
"""


def ring_of_domains(domains: int = 4, size: int = 6) -> object:
    """Domains of ``size`` models chained by FKs, neighbouring domains joined by one weak call."""
    b = GraphBuilder()
    for d in range(domains):
        for m in range(size):
            b.model(f"app{d}.models.M{m}").function(f"app{d}.views.v{m}")
            b.edge(f"app{d}.views.v{m}", f"app{d}.models.M{m}", "orm-write")
            if m:
                b.edge(f"app{d}.models.M{m}", f"app{d}.models.M{m - 1}", "fk")
        b.edge(f"app{d}.views.v0", f"app{(d + 1) % domains}.views.v1", "call")
    return b.graph


def test_same_graph_same_partition_under_any_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert "app0.models.M0" in outputs.pop()


def test_automatic_n_finds_the_domains_and_records_a_score_per_n() -> None:
    graph = ring_of_domains()
    projected = project_units(graph)
    partition = choose_partition(projected, {n: graph.nodes[n]["kind"] == "model" for n in projected})
    assert len(partition.clusters) == 4
    for d in range(4):
        assert any({f"app{d}.models.M{m}" for m in range(6)} <= set(c) for c in partition.clusters)
    assert [s.services for s in partition.scores] == sorted(s.services for s in partition.scores)
    assert {1, 2, 3, 4} <= {s.services for s in partition.scores}
    assert "4 services" in partition.reason


def test_requested_count_is_honoured_by_merging_or_splitting() -> None:
    graph = ring_of_domains()
    projected = project_units(graph)
    data = {n: graph.nodes[n]["kind"] == "model" for n in projected}
    assert len(choose_partition(projected, data, services=2).clusters) == 2
    assert len(choose_partition(projected, data, services=8).clusters) == 8
    assert "as requested" in choose_partition(projected, data, services=2).reason


def test_tables_follow_their_model_and_routes_their_view() -> None:
    b = legacy_app_with_two_domains().route("/shop/", "legacy.shop.list_products")
    projected = project_units(b.graph)
    assert "table:legacy_invoice" not in projected
    assert "route:/shop/" not in projected
    assert projected.has_edge("legacy.billing.charge", "legacy.models.Invoice")
    assert list(projected.nodes) == sorted(projected.nodes)


def test_the_automatic_count_is_the_smallest_near_the_best_of_a_flat_curve() -> None:
    from analyzer.boundaries.partition import COUNT_TOLERANCE, _smallest_near_best
    from analyzer.model.analysis import CountScore

    assert COUNT_TOLERANCE == 0.01
    flat = tuple(CountScore(n, q, q) for n, q in ((5, 0.50), (6, 0.531), (7, 0.535), (8, 0.537), (9, 0.538)))
    chosen, reason = _smallest_near_best(flat)
    assert chosen == 7  # 0.535 is within 1 % of 0.538; 0.531 is not
    assert reason == ("7 services: the smallest count within 1% of the best score (0.535 against 0.538 "
                      "at 9; scores 6: 0.531, 7: 0.535, 8: 0.537, 9: 0.538)")
    peaked = tuple(CountScore(n, q, q) for n, q in ((3, 0.40), (4, 0.60), (5, 0.55)))
    assert _smallest_near_best(peaked)[0] == 4
    assert _smallest_near_best(peaked)[1].startswith("4 services: the best score (0.600")
