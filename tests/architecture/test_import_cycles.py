"""No import cycle inside any of our packages, counting imports inside functions and under
``TYPE_CHECKING`` (a cycle hidden from the interpreter is still one for the reader).

import-linter's ``layers`` contracts order the stages and sub-packages; a cycle between two
modules of one stage (the old ``discover`` <-> ``django_project``) passes them, so this test reads
grimp's graph of each package (the graph import-linter uses: every import statement, wherever it
stands) and fails on any strongly connected set of modules. It runs in a subprocess on a
directory, so the second test can plant a cycle in a copy of the tree and see it found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("analyzer", "reports", "extractor", "demonolith", "datasync", "strangler_proxy")
CYCLES = """
import json, sys
import grimp, networkx as nx
found = {}
for package in sys.argv[1:]:
    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    edges = nx.DiGraph([(m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m)])
    found[package] = sorted(sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1)
print(json.dumps(found))
"""


def import_cycles(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, list[list[str]]]:
    """Package -> its sets of modules that import one another, read from the tree at ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-c", CYCLES, *packages], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    found: dict[str, list[list[str]]] = json.loads(proc.stdout)
    return found


def test_no_package_has_an_import_cycle() -> None:
    assert import_cycles(ROOT) == {package: [] for package in PACKAGES}


PLANTED = {
    "inside a function": "\n\ndef _planted() -> None:\n    from analyzer.source import discover  # noqa\n",
    "under TYPE_CHECKING": "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           "    import analyzer.source.discover  # noqa\n",
}


@pytest.mark.parametrize("where", sorted(PLANTED))
def test_a_planted_cycle_is_found(tmp_path: Path, where: str) -> None:
    shutil.copytree(ROOT / "analyzer", tmp_path / "analyzer",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    planted = tmp_path / "analyzer" / "source" / "django_project.py"
    planted.write_text(planted.read_text(encoding="utf-8") + PLANTED[where], encoding="utf-8")
    cycles = import_cycles(tmp_path, ("analyzer",))["analyzer"]
    assert ["analyzer.source.discover", "analyzer.source.django_project"] in cycles
