"""The partition kept across runs: reused while the graph is the same but for its positions.

:func:`analyzer.boundaries.propose.cluster_units` (the costliest stage after the facts) reads no
position, so an edit that only moves lines, or changes what the partition does not read, finds
its result under the same key; :func:`analyzer.boundaries.propose.describe`, which reads them
(violations, interfaces), runs every time. The key is :func:`partition_key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.graph.digest import position_free_digest
from analyzer.project_facts.cache import combined_key, load_keyed, save_keyed
from analyzer.project_facts.code_fingerprint import package_fingerprint

if TYPE_CHECKING:  # the partition (and networkx) is imported only when it runs
    from analyzer.boundaries.config import Config
    from analyzer.boundaries.propose import Clustering
    from analyzer.graph.build import ProjectGraph

PARTITION_CACHE_TAG = "1"  # (the key of the graph without positions, the Clustering)


def partition_key(project: ProjectGraph, config: Config, services: int | None) -> str:
    """The key of one ``cluster_units`` result: the graph and transactions without positions,
    the configuration, the service count asked for and the analyzer's code."""
    return combined_key([position_free_digest(project), package_fingerprint("analyzer"),
                         repr(config), repr(services)])


@dataclass(frozen=True)
class CachedPartition:
    """``cluster_units`` whose last result is kept in the cache directory ``directory``."""

    directory: Path

    @property
    def path(self) -> Path:
        """The cache entry (one: the last run's partition)."""
        return self.directory / f"partition-{PARTITION_CACHE_TAG}.pickle"

    def __call__(self, project: ProjectGraph, config: Config, services: int | None) -> Clustering:
        """The partition of ``project``: the one kept under its key, else computed and kept."""
        from analyzer.boundaries.propose import Clustering, cluster_units

        key = partition_key(project, config, services)
        found = load_keyed(self.path, key)
        if isinstance(found, Clustering):
            return found
        clustering = cluster_units(project, config, services)
        save_keyed(self.path, key, clustering)
        return clustering
