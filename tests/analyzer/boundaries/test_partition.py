"""Clustering: deterministic whatever the hash seed, an obvious split, N chosen or requested, merges
that spend ties, the count's tolerance, clusters split where the whole graph cannot resolve them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analyzer.boundaries.partition import (
    COUNT_TOLERANCE,
    UnitEdges,
    choose_partition,
    modularity_of,
    pick_count,
    project_units,
    split_unresolved,
)
from analyzer.model.analysis import CountScore
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


def ring_of_domains(domains: int = 4, size: int = 6, loners: int = 0) -> object:
    """Domains of ``size`` models chained by FKs, neighbouring domains joined by one weak call, and
    ``loners`` models tied to nothing else, each written by a view of its own app."""
    b = GraphBuilder()
    for i in range(loners):
        b.model(f"lone{i}.models.L").function(f"lone{i}.views.v")
        b.edge(f"lone{i}.views.v", f"lone{i}.models.L", "orm-write")
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


def test_merges_spend_ties_so_no_count_is_a_grab_bag_of_untied_clusters() -> None:
    # merging two loners costs next to no modularity: by the gain alone they would go first,
    # flattening the top of the curve with a service of two unrelated models
    graph = ring_of_domains(loners=2)
    projected = project_units(graph)
    data = {n: graph.nodes[n]["kind"] == "model" for n in projected}
    for services in (None, 5, 4, 3):
        clusters = choose_partition(projected, data, services=services).clusters
        (holder,) = [c for c in clusters if "lone0.models.L" in c]
        assert "lone1.models.L" not in holder, services
        assert not any(n.startswith("app") for n in holder), services
    assert len(choose_partition(projected, data).clusters) == 6  # the four domains, each loner alone


def test_the_count_is_the_smallest_within_the_tolerance_of_the_best_and_the_reason_shows_the_curve() -> None:
    flat = tuple(CountScore(n, s, s) for n, s in
                 ((6, 0.540), (7, 0.590), (8, 0.6114), (9, 0.6118), (10, 0.612), (11, 0.6121), (12, 0.612)))
    assert COUNT_TOLERANCE == 0.0005
    assert pick_count(flat) == (9, "9 services: the smallest count within 0.0005 of the best score 0.612 "
                                   "(at 11); score by count 7: 0.590, 8: 0.611, 9: 0.612, 10: 0.612, "
                                   "11: 0.612, 12: 0.612")
    assert pick_count(flat, tolerance=0.0)[0] == 11
    assert pick_count(flat, tolerance=0.001)[0] == 8
    steep = tuple(CountScore(n, s, s) for n, s in ((3, 0.3), (4, 0.45), (5, 0.5), (6, 0.49)))
    assert pick_count(steep) == (5, "5 services: the best score 0.500 (modularity 0.500) among 1..6, "
                                    "no smaller count within 0.0005 of it; score by count 3: 0.300, "
                                    "4: 0.450, 5: 0.500, 6: 0.490")


def ring_of_cliques(cliques: int = 30) -> UnitEdges:
    """Fortunato and Barthelemy's example: 4-cliques in a ring, each tied to the next by one edge."""
    nodes = tuple(f"d{i:02d}.M{j}" for i in range(cliques) for j in range(4))
    edges: list[tuple[str, str, float]] = []
    for i in range(cliques):
        members = [f"d{i:02d}.M{j}" for j in range(4)]
        edges += [(a, b, 1.0) for k, a in enumerate(members) for b in members[k + 1:]]
        edges.append((members[3], f"d{(i + 1) % cliques:02d}.M0", 1.0))
    return UnitEdges(nodes, tuple(edges))


def test_clusters_hiding_communities_the_whole_graph_cannot_resolve_are_split() -> None:
    graph = ring_of_cliques()
    data = dict.fromkeys(graph.nodes, True)
    partition = choose_partition(graph, data)
    assert len(partition.clusters) == 30  # the whole graph's modularity is best with cliques paired
    assert sorted(partition.clusters) == sorted(tuple(f"d{i:02d}.M{j}" for j in range(4)) for i in range(30))
    assert partition.reason.startswith("13 services: the best score")
    assert partition.curve_choice == 13  # the curve's choice is kept for the chart, apart from the 30
    assert partition.reason.endswith("; 30 after splitting the clusters whose own graph has communities of "
                                     "modularity above 0.35 (too small for the whole graph's modularity to "
                                     "resolve)")
    assert len(choose_partition(graph, data, services=13).clusters) == 13  # a requested count is kept
    assert choose_partition(graph, data, services=13).curve_choice == 13
    # a count asked for starts from the 30 found (the split ones), not from the 13 the curve scores best
    assert choose_partition(graph, data, services=30).clusters == partition.clusters
    fewer = choose_partition(graph, data, services=29).clusters
    assert len(set(fewer) & set(partition.clusters)) == 28


def _nests(finer: tuple[tuple[str, ...], ...], coarser: tuple[tuple[str, ...], ...]) -> bool:
    """Whether every cluster of ``finer`` lies within one cluster of ``coarser``."""
    return all(any(set(small) <= set(big) for big in coarser) for small in finer)


def test_a_requested_count_moves_one_boundary_of_the_automatic_partition_at_a_time() -> None:
    graph = ring_of_domains(domains=4, size=6)
    projected = project_units(graph)
    data = {n: graph.nodes[n]["kind"] == "model" for n in projected}
    automatic = choose_partition(projected, data).clusters
    assert choose_partition(projected, data, services=4).clusters == automatic
    by_count = {n: choose_partition(projected, data, services=n) for n in range(1, 11)}
    assert [len(p.clusters) for p in by_count.values()] == list(range(1, 11))
    for n in range(1, 10):  # one more service splits one of them in two, the others are kept
        fewer, more = by_count[n].clusters, by_count[n + 1].clusters
        assert _nests(more, fewer), n
        assert len(set(fewer) & set(more)) == n - 1, n
    for n in (1, 2, 3):
        assert _nests(automatic, by_count[n].clusters)
    assert by_count[6].reason.startswith("6 services as requested: the automatic partition's 4 with one "
                                         "service at a time split in two, 2 times (modularity ")
    assert by_count[3].reason.startswith("3 services as requested: the automatic partition's 4 with its "
                                         "closest pair merged (modularity ")
    assert [s.services for s in by_count[6].scores] == [1, 2, 3, 4, 5, 6]


def two_halves_and_cliques() -> UnitEdges:
    """Three 4-cliques in a row (``a``, ``b``, ``c``: ``a``-``b`` tied by two edges, ``b``-``c`` by one)
    and ``h``, two 4-cliques tied by four edges: one service, but the one whose halves are looser."""
    edges: list[tuple[str, str, float]] = []
    def clique(prefix: str) -> list[str]:
        members = [f"{prefix}{j}" for j in range(4)]
        edges.extend((a, b, 1.0) for k, a in enumerate(members) for b in members[k + 1:])
        return members
    a, b, c, left, right = clique("a"), clique("b"), clique("c"), clique("h.l"), clique("h.r")
    edges += [(a[0], b[0], 1.0), (a[1], b[1], 1.0), (b[3], c[0], 1.0), (c[3], left[0], 1.0)]
    edges += [(left[j], right[j], 1.0) for j in range(4)]
    return UnitEdges(tuple(sorted({n for e in edges for n in e[:2]})), tuple(edges))


def test_a_requested_count_splits_the_service_with_the_best_halves_and_merges_the_closest_pair() -> None:
    graph = two_halves_and_cliques()
    data = dict.fromkeys(graph.nodes, True)
    automatic = choose_partition(graph, data).clusters
    assert sorted(len(c) for c in automatic) == [4, 4, 4, 8]
    more = choose_partition(graph, data, services=5).clusters
    assert sorted(more) == sorted([c for c in automatic if len(c) == 4]
                                  + [tuple(f"h.l{j}" for j in range(4)), tuple(f"h.r{j}" for j in range(4))])
    fewer = choose_partition(graph, data, services=3).clusters
    assert tuple(f"{p}{j}" for p in "ab" for j in range(4)) in fewer  # tied by two edges, the others by one


def chain_of_cliques(link: float) -> UnitEdges:
    """Three 4-cliques in a chain, each node tied to its counterpart in the next clique by ``link``."""
    cliques = [[f"d{i}.M{j}" for j in range(4)] for i in range(3)]
    edges = [(a, b, 1.0) for members in cliques for k, a in enumerate(members) for b in members[k + 1:]]
    edges += [(cliques[i][j], cliques[i + 1][j], link) for i in range(2) for j in range(4)]
    return UnitEdges(tuple(n for members in cliques for n in members), tuple(edges))


def test_a_cluster_of_three_pieces_is_split_as_one_of_four_would_be() -> None:
    # three pieces score at most 2/3 where four score 3/4: a bar of 0.4 kept these whole
    separate, blurred = chain_of_cliques(0.875), chain_of_cliques(1.25)
    data = dict.fromkeys(separate.nodes, True)
    one = dict.fromkeys(separate.nodes, 0)
    split = split_unresolved(separate, one, data, 42)
    pieces = {n: int(n[1]) for n in separate.nodes}
    assert 0.35 < modularity_of(separate, pieces) < 0.4
    assert len(set(split.values())) == 3 and all(split[n] == split[f"d{n[1]}.M0"] for n in split)
    assert modularity_of(blurred, pieces) < 0.35  # pieces this blurred are one domain
    assert set(split_unresolved(blurred, one, data, 42).values()) == {0}
