"""position_free_digest: blind to where things are, not to what they are; and the partition it
keys reads nothing it leaves out (the same Clustering, and the same description without positions,
on a graph whose positions all moved)."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

from analyzer.boundaries.config import Config
from analyzer.boundaries.propose import cluster_units, describe_without_positions
from analyzer.graph.build import ProjectGraph, build_graph
from analyzer.graph.digest import position_free_digest
from analyzer.graph.framework_tables import annotate_tables
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts
from analyzer.source.discover_config import discover_options
from tests.demonolith.test_incremental_analyze import with_tooling

FIXTURE = Path(__file__).parents[2] / "fixtures" / "tiny_project"


def _project(root: Path = FIXTURE) -> ProjectGraph:
    facts = extract_project_facts(root, FactsOptions(use_cache=False, discover=discover_options(root)))
    project = build_graph(facts, Config().weights)
    annotate_tables(project.graph, facts.models)
    return project


def _moved(project: ProjectGraph) -> ProjectGraph:
    """Every position 100 lines down in another directory, every module 100 lines longer."""
    graph = copy.deepcopy(project.graph)
    for _, attrs in graph.nodes(data=True):
        attrs.update(path=f"moved/{attrs['path']}", line=attrs["line"] + 100)
        if attrs["kind"] == "module":
            attrs["lines"] += 100
    for _, _, attrs in graph.edges(data=True):
        attrs.update(path=f"moved/{attrs['path']}", line=attrs["line"] + 100)
    transactions = tuple(replace(t, path=f"moved/{t.path}", line=t.line + 100,
                                 writes=tuple(replace(w, line=w.line + 100) for w in t.writes))
                         for t in project.transactions)
    return replace(project, graph=graph, transactions=transactions)


def test_positions_change_neither_the_digest_nor_the_partition(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "tree")
    with_tooling(tmp_path / "tree")  # a cluster folded for its size: the fold's lines are read
    project = _project(tmp_path / "tree")
    moved = _moved(project)
    assert position_free_digest(moved) == position_free_digest(project)
    clustering = cluster_units(project, Config())
    assert clustering.folds and cluster_units(moved, Config()) == clustering
    described = describe_without_positions(project, Config(), clustering)  # kept under the same key
    assert described.grounds and described.services
    assert describe_without_positions(moved, Config(), clustering) == described


def test_what_the_partition_reads_changes_the_digest() -> None:
    project = _project()
    before = position_free_digest(project)
    sized = copy.deepcopy(project.graph)
    sized.nodes["orders.services.place"]["lines"] += 1  # a size fold_minor reads
    assert position_free_digest(replace(project, graph=sized)) != before
    weighed = copy.deepcopy(project.graph)
    _, _, attrs = next(iter(weighed.edges(data=True)))
    attrs["weight"] += 1.0
    assert position_free_digest(replace(project, graph=weighed)) != before
    unwritten = tuple(replace(t, writes=t.writes[1:]) for t in project.transactions)
    assert project.transactions and position_free_digest(replace(project, transactions=unwritten)) != before
