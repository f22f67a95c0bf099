"""The baselines (per app, monolith) and the reference scores, on a tiny graph and on the sample."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from analyzer.analyze import AnalyzeOptions, analyze_tree
from analyzer.graph.schema import node_attrs
from analyzer.metrics.baselines import (
    compare_with_baselines,
    model_partition,
    monolith_partition,
    per_app_partition,
)
from analyzer.metrics.measure import table_owners
from analyzer.metrics.reference import load_reference
from analyzer.model.analysis import MetricsComparison, analysis_to_json
from analyzer.project_facts.pipeline import FactsOptions
from tests.analyzer.graphs import GraphBuilder
from tests.helpers.sample_pipeline import SAMPLE, sample_project


def app_graph() -> nx.MultiDiGraph:
    """A class of app shop_a, a function outside every app, a model of app shop_b and its table."""
    b = GraphBuilder().function("shop.a.A", app="shop_a", kind="class").function("common.utils.f", app="")
    return b.model("shop.b.B", app="shop_b").graph


def test_per_app_goes_by_app_label_then_by_top_level_package_and_leaves_tables_to_owners() -> None:
    units = ["shop.a.A", "common.utils.f", "shop.b.B", "table:shop_b_b"]
    graph = app_graph()
    assert per_app_partition(graph, units) == {
        "common.utils.f": "common", "shop.a.A": "shop_a", "shop.b.B": "shop_b"}
    assert set(monolith_partition(graph, units).values()) == {"monolith"}
    partition = per_app_partition(graph, units)
    owners = table_owners(graph, partition)
    assert owners == {"table:shop_b_b": "shop_b"}
    assert model_partition(graph, {}, owners) == {"shop_b.B": "shop_b"}


@pytest.fixture(scope="module")
def sample_metrics() -> MetricsComparison:
    project, proposal = sample_project()
    reference = load_reference(SAMPLE / "reference_decomposition.toml")
    return compare_with_baselines(project.graph, proposal.partition(), proposal.table_owner(),
                                  reference=reference)


def test_sample_baselines(sample_metrics: MetricsComparison) -> None:
    project, proposal = sample_project()
    nodes = node_attrs(project.graph)
    apps = {nodes[u]["app"] or nodes[u]["module"].split(".")[0] for u in proposal.partition()
            if nodes[u]["kind"] != "table"}
    per_app, monolith = sample_metrics.per_app, sample_metrics.monolith
    assert per_app.services == len(apps) >= 10
    assert (monolith.services, monolith.icp, monolith.ifn, monolith.modularity) == (1, 0.0, 0.0, 0.0)
    assert monolith.ned == 1.0  # far more than 20 classes in one service
    assert (monolith.cross_service_data_edges, monolith.shared_tables) == (0, 0)
    assert monolith.transactional_purity == 1.0 and monolith.mean_services_per_route == 1.0
    assert per_app.cross_service_data_edges > 0 and 0.0 < per_app.icp < 1.0
    assert per_app.transactional_purity < 1.0  # checkout writes orders, inventory and payments
    assert monolith.reference_mojofm == 0.0 and monolith.reference_ari == 0.0


def test_sample_proposal_beats_the_per_app_split_where_it_optimises(
    sample_metrics: MetricsComparison,
) -> None:
    proposal, per_app = sample_metrics.proposal, sample_metrics.per_app
    assert proposal.modularity > per_app.modularity
    assert proposal.cross_service_data_edges < per_app.cross_service_data_edges
    assert proposal.reference_ari is not None and proposal.reference_mojofm is not None
    assert per_app.reference_ari is not None and per_app.reference_ari > 0.8  # apps ≈ the reference


def test_analysis_json_carries_metrics_rows_and_the_plan() -> None:
    analysis = analyze_tree(SAMPLE, AnalyzeOptions(history=False, facts=FactsOptions(use_cache=False)))
    document = json.loads(analysis_to_json(analysis))
    keys = {"sm", "icp", "ifn", "ned", "modularity", "cross_service_data_edges", "transactional_purity"}
    for row in ("proposal", "per_app", "monolith"):
        assert keys <= set(document["metrics"][row])
    assert document["metrics"]["monolith"]["services"] == 1
    assert [step["order"] for step in document["plan"]] == list(range(1, len(analysis.services) + 1))
    assert document["count_scores"]
