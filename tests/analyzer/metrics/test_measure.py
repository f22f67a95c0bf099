"""The metrics against values computed by hand on tiny graphs (see docs/metrics.md for formulas)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from analyzer.metrics import measure
from tests.analyzer.graphs import GraphBuilder

A, B = "alpha", "beta"
A1, A2, A3, B1, B2 = "alpha.core.a1", "alpha.core.a2", "alpha.core.a3", "beta.models.b1", "beta.core.b2"
PARTITION = {A1: A, A2: A, A3: A, B1: B, B2: B}


def tiny_builder(b1_table: str = "b_t") -> GraphBuilder:
    """Two services, two tables' worth of data use, two atomic blocks and one route.

    alpha: a1, a2 (classes), a3 (function); beta: b1 (model, whose table is ``b1_table``), b2
    (class); the other of a_t and b_t is a table no model maps.
    """
    b = GraphBuilder().function(A1, kind="class").function(A2, kind="class").function(A3)
    b.model(B1, table=b1_table).function(B2, kind="class")
    b.table("b_t" if b1_table == "a_t" else "a_t")
    b.edge(A1, A2, "call", times=3).edge(A2, A3, "call").edge(A1, B1, "call").edge(B2, B1, "call", times=2)
    b.edge(A3, A3, "call")  # recursion: ignored
    b.edge(A1, B2, "co-change")  # history: not an interaction
    b.edge(B1, A1, "fk")
    b.edge(A1, "table:a_t", "orm-write").edge(B2, "table:b_t", "sql-write").edge(A2, "table:b_t", "orm-read")
    b.edge(A1, "table:a_t", "transaction", "a.py", 10).edge(A1, "table:b_t", "transaction", "a.py", 10)
    b.edge(B2, "table:b_t", "transaction", "b.py", 5)
    return b.route("/a/", A1)


def tiny_graph(b1_table: str = "b_t") -> nx.MultiDiGraph:
    """The graph of :func:`tiny_builder`."""
    return tiny_builder(b1_table).graph


def test_interaction_volumes_count_parallel_edges_and_skip_self_loops_and_history() -> None:
    volumes = measure.interaction_volumes(tiny_graph(), PARTITION)
    assert volumes == {(A1, A2): 3, (A1, B1): 1, (A2, A3): 1, (B1, A1): 1, (B2, B1): 2}


def test_icp_uses_ln_volume_plus_one_weights() -> None:
    volumes = measure.interaction_volumes(tiny_graph(), PARTITION)
    icp = measure.inter_call_percentage(volumes, PARTITION)
    # weights: ln3+1, 1, 1 (inter), 1 (inter), ln2+1  -> 2 / (5 + ln 6)
    assert icp == pytest.approx(2 / (5 + math.log(6)))
    assert icp == pytest.approx(0.294475, abs=1e-6)
    assert icp != pytest.approx(2 / 8)  # not raw volumes
    assert icp != pytest.approx(2 / 5)  # not unweighted pairs


def test_structural_modularity_matches_the_artifact_formula() -> None:
    volumes = measure.interaction_volumes(tiny_graph(), PARTITION)
    # pairs: {a1,a2},{a2,a3} in alpha (mu=2, n=3); {b1,b2} in beta (mu=1, n=2); {a1,b1} across.
    cohesion = (2 / 9 + 1 / 4) / 2
    coupling = 2 * (1 / (3 * 2)) / (2 * 1)
    assert measure.structural_modularity(volumes, PARTITION) == pytest.approx(cohesion - coupling)
    monolith = dict.fromkeys(PARTITION, "all")
    assert measure.structural_modularity(volumes, monolith) == pytest.approx(4 / 25)


def test_interface_number_is_crossing_pairs_per_service() -> None:
    volumes = measure.interaction_volumes(tiny_graph(), PARTITION)
    assert measure.interface_number(volumes, PARTITION) == pytest.approx(1 / 2)
    three = {**PARTITION, B2: "gamma"}
    assert measure.interface_number(volumes, three) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ({"x": 6, "y": 2}, 2 / 8),
        ({"x": 5, "y": 20}, 0.0),  # both bounds are inside the range
        ({"x": 4, "y": 21}, 1.0),
        ({"x": 30}, 1.0),  # the monolith as one: every class in an extreme service
        ({"x": 25, "y": 5}, 25 / 30),
        ({}, 1.0),
    ],
)
def test_ned_is_the_share_of_classes_outside_5_to_20(sizes: dict[str, int], expected: float) -> None:
    assert measure.non_extreme_distribution(sizes) == pytest.approx(expected)


def test_ned_direction_lower_is_better_for_a_balanced_split() -> None:
    balanced = measure.non_extreme_distribution({"x": 10, "y": 10, "z": 10})
    lopsided = measure.non_extreme_distribution({"x": 28, "y": 1, "z": 1})
    assert balanced < lopsided


def test_class_counts_leave_functions_out() -> None:
    assert measure.class_counts(tiny_graph(), PARTITION) == {A: 2, B: 2}


def test_newman_modularity_of_two_triangles_joined_by_one_edge() -> None:
    b = GraphBuilder()
    for unit in ("x.x1", "x.x2", "x.x3", "y.y1", "y.y2", "y.y3"):
        b.function(unit)
    for u, v in (("x1", "x2"), ("x2", "x3"), ("x1", "x3"), ("y1", "y2"), ("y2", "y3"),
                 ("y1", "y3"), ("x3", "y1")):
        b.edge(f"{u[0]}.{u}", f"{v[0]}.{v}", "call")
    graph = b.graph
    partition = {f"{n[0]}.{n}": n[0] for n in ("x1", "x2", "x3", "y1", "y2", "y3")}
    # m = 7; each community: 3 internal edges, degree sum 7 -> 2 * (3/7 - (7/14)^2)
    assert measure.newman_modularity(graph, partition, {}) == pytest.approx(2 * (3 / 7 - 0.25))
    assert measure.newman_modularity(graph, dict.fromkeys(partition, "m"), {}) == pytest.approx(0.0)


def test_table_owners_prefer_the_writer() -> None:
    assert measure.table_owners(tiny_graph(), PARTITION) == {"table:a_t": A, "table:b_t": B}


def test_table_owners_follow_the_model_of_a_table() -> None:
    assert measure.table_owners(tiny_graph(b1_table="a_t"), PARTITION) == {"table:a_t": B, "table:b_t": B}


def test_data_metrics() -> None:
    graph = tiny_graph()
    owners = measure.table_owners(graph, PARTITION)
    # fk b1->a1 and orm-read a2->b_t cross; the two writes stay home.
    assert measure.cross_service_data_edges(graph, PARTITION, owners) == 2
    # a.py:10 writes a_t (alpha) and b_t (beta); b.py:5 writes b_t only.
    assert measure.transactional_purity(graph, PARTITION, owners) == pytest.approx(0.5)
    assert measure.shared_tables(graph, PARTITION) == 1
    assert measure.services_per_route(graph, PARTITION, owners) == {"route:/a/": 2}


def test_measure_collects_everything_and_accepts_bare_table_names() -> None:
    by_node = {"table:a_t": A, "table:b_t": A}
    result = measure.measure(tiny_graph(), PARTITION, owners={"a_t": A, "b_t": A})
    assert result == measure.measure(tiny_graph(), PARTITION, owners=by_node)
    assert result.services == 2
    assert result.icp == pytest.approx(0.2945, abs=1e-4)
    assert result.sm == pytest.approx(0.0694, abs=1e-4)
    assert result.ifn == 0.5
    assert result.ned == 1.0
    assert result.modularity == round(measure.newman_modularity(tiny_graph(), PARTITION, by_node), 4) != 0.0
    assert result.cross_service_data_edges == 2  # b_t now alpha's: b2's write crosses instead
    assert result.transactional_purity == 1.0  # both blocks write alpha's tables only
    assert result.mean_services_per_route == 2.0


def test_the_monolith_as_one_has_no_crossings() -> None:
    result = measure.measure(tiny_graph(), dict.fromkeys(PARTITION, "monolith"))
    assert (result.services, result.icp, result.ifn, result.modularity) == (1, 0.0, 0.0, 0.0)
    assert result.cross_service_data_edges == 0
    assert result.transactional_purity == 1.0
    assert result.shared_tables == 0
    assert result.mean_services_per_route == 1.0


def test_code_metrics_ignore_module_and_table_units() -> None:
    graph = tiny_builder().edge("module:alpha.core", B2, "import").graph
    partition = {**PARTITION, "module:alpha.core": A, "table:b_t": A}
    base = measure.measure(graph, PARTITION)
    placed = measure.measure(graph, partition)
    assert (placed.icp, placed.sm, placed.ifn) == (base.icp, base.sm, base.ifn)
