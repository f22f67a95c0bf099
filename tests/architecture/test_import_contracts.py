"""The dependency rule of DESIGN.md, checked: a wrong import fails the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("demonolith", "analyzer", "reports", "extractor", "strangler_proxy")
# What `reports` and `extractor` may use of the analyzer: its public model and its errors.
ANALYZER_PUBLIC = ("analyzer", "analyzer.errors", "analyzer.model")


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 6 kept, 0 broken" in proc.stdout


def test_reports_and_extractor_use_only_the_public_model() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    offending = []
    for importer_package in ("reports", "extractor"):
        for importer in sorted(graph.find_descendants(importer_package) | {importer_package}):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported.split(".")[0] != "analyzer":
                    continue
                if not imported.startswith(ANALYZER_PUBLIC):
                    offending.append(f"{importer} -> {imported}")
    assert offending == []


def test_discovery_depends_one_way_on_the_django_side() -> None:
    graph = grimp.build_graph("analyzer", cache_dir=None)
    assert graph.find_shortest_chain("analyzer.source.discover", "analyzer.source.django_project")
    assert graph.find_shortest_chain("analyzer.source.django_project", "analyzer.source.discover") is None
