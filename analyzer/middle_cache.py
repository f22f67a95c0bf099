"""The middle's costliest stages kept across runs: reused while what they read is unchanged.

:func:`analyzer.boundaries.propose.cluster_units` (the partition and the services' names) reads
no position, so an edit that only moves lines, or changes what it does not read, finds its result
under the same key;
:func:`analyzer.metrics.baselines.compare_with_baselines` reads the graph as the partition does,
plus the partition, the table owners and the positions of the transaction edges (a transaction
is told apart by its site). What reads positions (``describe``: violations, interfaces; the plan)
runs every time, the rest of the description (services, tables, the grounds of each model's
place: :func:`analyzer.boundaries.propose.describe_without_positions`) is kept with the partition.
:class:`Stages` is the uncached form, :class:`MiddleCache` the cached one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from analyzer.graph.digest import edge_sites, position_free_digest
from analyzer.project_facts.cache import combined_key, load_keyed, save_keyed
from analyzer.project_facts.code_fingerprint import package_fingerprint

if TYPE_CHECKING:  # the stages (and networkx) are imported only when they run
    from analyzer.boundaries.config import Config
    from analyzer.boundaries.propose import Clustering, Described
    from analyzer.graph.build import ProjectGraph
    from analyzer.metrics.reference import ReferenceDecomposition
    from analyzer.model.analysis import MetricsComparison

PARTITION_CACHE_TAG = "2"  # (the key of the graph without positions, the Clustering with its names)
DESCRIBED_CACHE_TAG = "1"  # (the key of the partition, what describe says without positions)
METRICS_CACHE_TAG = "1"  # (the key of the graph, partition, owners, reference, the comparison)


T = TypeVar("T")


class Stages:
    """The partition and the metrics, computed."""

    def partition(self, project: ProjectGraph, config: Config, services: int | None) -> Clustering:
        """``cluster_units``."""
        from analyzer.boundaries.propose import cluster_units

        return cluster_units(project, config, services)

    def described(self, project: ProjectGraph, config: Config, services: int | None,
                  clustering: Clustering) -> Described:
        """``describe_without_positions`` of the partition ``clustering`` (computed from the other
        arguments)."""
        from analyzer.boundaries.propose import describe_without_positions

        return describe_without_positions(project, config, clustering)

    def metrics(self, project: ProjectGraph, partition: Mapping[str, str], owners: Mapping[str, str],
                reference: ReferenceDecomposition | None) -> MetricsComparison:
        """``compare_with_baselines``."""
        from analyzer.metrics.baselines import compare_with_baselines

        return compare_with_baselines(project.graph, partition, owners=owners, reference=reference)


class MiddleCache(Stages):
    """:class:`Stages` whose last results are kept in the cache directory ``directory``, each
    under the key of what it reads (one entry per stage: the last run's)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._digest: tuple[ProjectGraph, str] | None = None  # of the last graph asked about

    def digest(self, project: ProjectGraph) -> str:
        """The position-free digest of ``project`` (computed once per graph)."""
        if self._digest is None or self._digest[0] is not project:
            self._digest = (project, position_free_digest(project))
        return self._digest[1]

    def partition(self, project: ProjectGraph, config: Config, services: int | None) -> Clustering:
        """The partition kept under :meth:`partition_key`, else computed and kept."""
        from analyzer.boundaries.propose import Clustering

        return self._kept(f"partition-{PARTITION_CACHE_TAG}", self.partition_key(project, config, services),
                          Clustering, lambda: super(MiddleCache, self).partition(project, config, services))

    def described(self, project: ProjectGraph, config: Config, services: int | None,
                  clustering: Clustering) -> Described:
        """The description kept under :meth:`partition_key` (the partition is a function of what it
        reads, and so is the description), else computed and kept."""
        from analyzer.boundaries.propose import Described

        return self._kept(f"described-{DESCRIBED_CACHE_TAG}", self.partition_key(project, config, services),
                          Described,
                          lambda: super(MiddleCache, self).described(project, config, services, clustering))

    def partition_key(self, project: ProjectGraph, config: Config, services: int | None) -> str:
        """The graph and transactions without positions, the configuration, the service count
        asked for and the analyzer's code."""
        return combined_key([self.digest(project), package_fingerprint("analyzer"),
                             repr(config), repr(services)])

    def metrics(self, project: ProjectGraph, partition: Mapping[str, str], owners: Mapping[str, str],
                reference: ReferenceDecomposition | None) -> MetricsComparison:
        """The comparison kept under the key of its inputs, else computed and kept."""
        from analyzer.model.analysis import MetricsComparison

        key = combined_key([self.digest(project), edge_sites(project.graph, "transaction"),
                            package_fingerprint("analyzer"), repr(list(partition.items())),
                            repr(list(owners.items())), repr(reference)])
        return self._kept(f"metrics-{METRICS_CACHE_TAG}", key, MetricsComparison,
                          lambda: super(MiddleCache, self).metrics(project, partition, owners, reference))

    def _kept(self, name: str, key: str, kind: type[T], compute: Callable[[], T]) -> T:
        """The ``kind`` kept in ``name``.pickle under ``key``, else ``compute()``'s, then kept."""
        path = self.directory / f"{name}.pickle"
        found = load_keyed(path, key)
        if isinstance(found, kind):
            return found
        made = compute()
        save_keyed(path, key, made)
        return made
