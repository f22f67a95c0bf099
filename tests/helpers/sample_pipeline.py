"""The sample monolith through the analyzer's library steps, for tests of what comes after them."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from analyzer.boundaries.config import load_config
from analyzer.boundaries.propose import Proposal, propose_boundaries
from analyzer.graph.build import ProjectGraph, build_graph
from analyzer.graph.framework_tables import annotate_tables
from analyzer.model.analysis import Analysis, analysis_from_json
from analyzer.project_facts.pipeline import FactsOptions, extract_project_facts

SAMPLE = Path(__file__).resolve().parents[2] / "sample_monolith"
IGNORED = shutil.ignore_patterns(".demonolith-cache", "__pycache__", "*.sqlite3", "demonolith-out")


def copy_sample(tmp_path: Path) -> Path:
    """A private copy of the sample monolith (tests may change it)."""
    root = tmp_path / "shop"
    shutil.copytree(SAMPLE, root, ignore=IGNORED)
    return root


def project_and_proposal(root: Path) -> tuple[ProjectGraph, Proposal]:
    """The graph of the tree at ``root`` and the proposed boundaries (no cache written)."""
    facts = extract_project_facts(root, FactsOptions(use_cache=False))
    project = build_graph(facts)
    annotate_tables(project.graph, facts.models)
    return project, propose_boundaries(project, load_config(root))


@functools.cache
def sample_project() -> tuple[ProjectGraph, Proposal]:
    """The sample monolith's graph and proposal, computed once per test process."""
    return project_and_proposal(SAMPLE)


def analysis_of(root: Path, project: ProjectGraph, proposal: Proposal) -> Analysis:
    """An Analysis holding the proposal's parts (models and routes are not needed here)."""
    return Analysis(
        tool_version="test", source_root=str(root), project_name="shop", django_version="",
        settings_module="shop.settings", database_engine="sqlite3", models=(), routes=(),
        services=proposal.services, tables=proposal.tables, violations=proposal.violations,
        interfaces=proposal.interfaces, dependencies=proposal.dependencies, shared=proposal.shared,
    )


def write_analysis(root: Path, out: Path) -> tuple[Analysis, Path]:
    """Run ``demonolith analyze ROOT --out OUT``; return the Analysis it wrote and its path."""
    from click.testing import CliRunner

    from demonolith import cli

    result = CliRunner().invoke(cli.cli, ["analyze", str(root), "--out", str(out), "--no-history"])
    assert result.exit_code == 0, result.output
    path = out / "analysis.json"
    return analysis_from_json(path.read_text(encoding="utf-8"), str(path)), path
