"""Git history as coupling: files changed in the same commits, and files changed by the same people.

Mazlami et al. (ICWS 2017) show that both co-change and contributor coupling improve service
extraction. Reading history is I/O (``read_commits`` runs ``git log``, bounded in commits and
age); turning commits into edges is pure (``history_edges``). Without git, or outside a
repository, there are no commits and the analysis is unchanged.
"""

from __future__ import annotations

import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.graph.schema import EdgeKind, add_edge, node_attrs

if TYPE_CHECKING:  # the graph is given: reading history (and the config) needs no networkx
    import networkx as nx

RECORD, FIELD = "\x1e", "\x1f"
HistoryEdge = tuple[str, str, EdgeKind, float]  # module node, module node, kind, strength
MAX_AUTHOR_FILES = 60  # an author who touched more files says nothing about any pair of them


@dataclass(frozen=True)
class HistoryOptions:
    """How much git history to read for co-change and same-author coupling."""

    enabled: bool = True
    max_commits: int = 1000
    since_days: int = 730
    max_files_per_commit: int = 40  # bigger commits (reformatting, renames) say nothing


@dataclass(frozen=True)
class Commit:
    """One commit: its author and the files it changed (paths relative to the analysed root)."""

    author: str
    files: tuple[str, ...]


def read_commits(root: Path, options: HistoryOptions) -> tuple[Commit, ...]:
    """Return the recent commits touching ``root`` (newest first); () without git or a repository."""
    command = ["git", "-C", str(root), "log", "--no-merges", "--relative", "--name-only",
               f"--max-count={options.max_commits}", f"--since={options.since_days}.days",
               f"--format={RECORD}%ae{FIELD}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if result.returncode != 0:
        return ()
    return parse_log(result.stdout)


def parse_log(text: str) -> tuple[Commit, ...]:
    """Parse the output of the ``git log`` format used by :func:`read_commits`."""
    commits = []
    for record in text.split(RECORD)[1:]:
        author, _, names = record.partition(FIELD)
        files = tuple(sorted({line.strip() for line in names.splitlines() if line.strip()}))
        commits.append(Commit(author.strip().lower(), files))
    return tuple(commits)


def history_edges(
    commits: Iterable[Commit], module_of: Mapping[str, str], max_files_per_commit: int
) -> list[HistoryEdge]:
    """Return (module node, module node, kind, strength) edges, sorted.

    co-change: pairs changed together in at least two commits, strength = that count (max 10);
    same-author: pairs whose author sets overlap by half or more (Jaccard), strength = overlap.
    """
    together: Counter[tuple[str, str]] = Counter()
    authors: dict[str, set[str]] = defaultdict(set)
    files_of: dict[str, set[str]] = defaultdict(set)
    for commit in commits:
        modules = sorted({module_of[f] for f in commit.files if f in module_of})
        for module in modules:
            authors[module].add(commit.author)
            files_of[commit.author].add(module)
        if 2 <= len(modules) <= max_files_per_commit:
            together.update(combinations(modules, 2))
    edges: list[HistoryEdge] = [(a, b, "co-change", float(min(n, 10)))
                                for (a, b), n in sorted(together.items()) if n >= 2]
    if len(files_of) >= 2:
        edges += _same_author(authors, files_of)
    return sorted(edges)


def _same_author(
    authors: Mapping[str, set[str]], files_of: Mapping[str, set[str]]
) -> list[HistoryEdge]:
    pairs: set[tuple[str, str]] = set()
    for modules in files_of.values():
        if len(modules) <= MAX_AUTHOR_FILES:
            pairs.update(combinations(sorted(modules), 2))
    edges: list[HistoryEdge] = []
    for a, b in sorted(pairs):
        overlap = len(authors[a] & authors[b]) / len(authors[a] | authors[b])
        if overlap >= 0.5:
            edges.append((a, b, "same-author", round(overlap, 3)))
    return edges


def add_history(graph: nx.MultiDiGraph, commits: Iterable[Commit], weights: Mapping[str, float],
                max_files_per_commit: int = 40) -> int:
    """Add co-change and same-author edges between module nodes; return how many were added."""
    module_of = {attrs["path"]: node for node, attrs in node_attrs(graph).items()
                 if attrs["kind"] == "module" and attrs["path"]}
    edges = history_edges(commits, module_of, max_files_per_commit)
    for a, b, kind, strength in edges:
        add_edge(graph, a, b, {"kind": kind, "weight": weights.get(kind, 0.0) * strength,
                               "path": "", "line": 0})
    return len(edges)
