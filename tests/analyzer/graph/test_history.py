"""Git history: co-change and same-author edges from a real repository; nothing without one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analyzer.graph.history import Commit, HistoryOptions, add_history, history_edges, read_commits
from analyzer.graph.weights import DEFAULT_WEIGHTS
from tests.analyzer.graphs import GraphBuilder

MODULES = {"a.py": "module:a", "b.py": "module:b", "c.py": "module:c"}


def test_pairs_changed_together_twice_are_coupled_big_commits_ignored() -> None:
    commits = [
        Commit("x", ("a.py", "b.py")),
        Commit("x", ("a.py", "b.py")),
        Commit("x", ("a.py", "b.py", "c.py")),
        Commit("x", ("a.py", "b.py", "c.py")),
        Commit("y", ("c.py",)),
    ]
    edges = history_edges(commits, MODULES, max_files_per_commit=2)
    assert ("module:a", "module:b", "co-change", 2.0) in edges
    assert not any(e[2] == "co-change" and "module:c" in e[:2] for e in edges)
    assert ("module:a", "module:b", "same-author", 1.0) in edges


def test_without_a_repository_there_is_no_history(tmp_path: Path) -> None:
    assert read_commits(tmp_path, HistoryOptions()) == ()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_commits_of_a_real_repository_become_edges(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, timeout=30)

    git("init", "-q")
    for round_ in range(2):
        for name in ("a.py", "b.py"):
            (tmp_path / name).write_text(f"x = {round_}\n")
        git("add", ".")
        git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", f"r{round_}")
    commits = read_commits(tmp_path, HistoryOptions())
    assert [c.files for c in commits] == [("a.py", "b.py"), ("a.py", "b.py")]
    b = GraphBuilder().function("a.f").function("b.g")
    assert add_history(b.graph, commits, DEFAULT_WEIGHTS) == 1
    assert [k for _, _, k in b.graph.edges(data="kind")] == ["co-change"]
