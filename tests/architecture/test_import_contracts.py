"""The dependency rule of DESIGN.md, checked by import-linter: a wrong import fails the suite.

The contracts live in pyproject.toml (``[tool.importlinter]``). The first test runs them on this
tree; the second plants one wrong import in a copy of the packages and sees ``lint-imports``
fail, so a contract that accepts everything cannot pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("demonolith", "analyzer", "reports", "extractor", "strangler_proxy", "datasync")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["name"] for contract in config["tool"]["importlinter"]["contracts"]]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_import_linter_contracts_are_kept() -> None:
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = _contract_names()
    assert f"Contracts: {len(names)} kept, 0 broken" in proc.stdout
    for name in names:
        assert f"{name} KEPT" in proc.stdout


# (file in a copy of the tree, the import planted at its top, the contract that must break)
PLANTED = [
    ("reports/dot.py", "import analyzer.graph",
     "reports and extractor use only the analyzer's public model and its errors"),
    ("extractor/naming.py", "from analyzer.project_facts.pipeline import tool_version",
     "reports and extractor use only the analyzer's public model and its errors"),
    ("analyzer/model/facts.py", "import analyzer.graph.weights",
     "the analyzer's public model and errors import nothing else of the analyzer"),
    ("strangler_proxy/errors.py", "import analyzer.errors",
     "strangler_proxy is deployed alone: it imports none of the other packages"),
    ("datasync/relay.py", "import strangler_proxy.errors",
     "datasync imports only analyzer.errors of ours (never the proxy)"),
]


@pytest.mark.parametrize(("target", "statement", "contract"), PLANTED,
                         ids=[target for target, _, _ in PLANTED])
def test_a_planted_wrong_import_breaks_a_contract(
    tmp_path: Path, target: str, statement: str, contract: str
) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / target
    text = planted.read_text(encoding="utf-8")
    planted.write_text(f"{statement}  # planted\n{text}", encoding="utf-8")

    proc = _lint_imports(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{contract} BROKEN" in proc.stdout
    assert "Contracts: " in proc.stdout and " 0 broken" not in proc.stdout


def test_discovery_depends_one_way_on_the_django_side() -> None:
    graph = grimp.build_graph("analyzer", cache_dir=None)
    assert graph.find_shortest_chain("analyzer.source.discover", "analyzer.source.django_project")
    assert graph.find_shortest_chain("analyzer.source.django_project", "analyzer.source.discover") is None
