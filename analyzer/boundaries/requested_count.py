"""A requested service count, reached from the automatic partition one step at a time.

Fewer services than the automatic count: the closest pair of services is merged, as the
agglomeration merges (:func:`~analyzer.boundaries.agglomeration.agglomerate`: the best modularity
gain among the pairs tied by an edge), until N are left. More: one service at a time is split in
two, the one whose halves score best over the whole graph
(:func:`~analyzer.boundaries.agglomeration.score_of`); a service's halves are found by Louvain on
the service's own graph (at a higher resolution when it sees no structure at 1), merged down to
two the same greedy way. A requested partition therefore nests with the automatic one: each
service asked for is a union of automatic services (fewer) or a part of one (more), so asking
for one service more or fewer moves one boundary, never the whole map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.boundaries.agglomeration import (
    absorb_dataless,
    agglomerate,
    curve,
    modularity_of,
    replay,
    score_of,
)
from analyzer.boundaries.unit_edges import Assignment, UnitEdges, louvain, renumber
from analyzer.model.analysis import CountScore

RESOLUTIONS = (1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0)  # tried in turn until a service's own graph splits


@dataclass(frozen=True)
class Refined:
    """The partition with the requested count (or as close as the graph allows), the score of each
    count on the way from one service to it, and what was done to the automatic partition."""

    assignment: Assignment
    scores: tuple[CountScore, ...]
    reason: str


def refine_count(
    graph: UnitEdges, automatic: Mapping[str, int], is_data: Mapping[str, bool], services: int, seed: int,
) -> Refined:
    """Merge the closest pairs of ``automatic`` down to ``services``, or split one service at a time
    up to it; the scores are those of the merges from ``automatic`` down to one and of each split."""
    found = len(set(automatic.values()))
    merges = agglomerate(graph, automatic, is_data)
    scores = curve(merges)
    if services <= found:
        merged = found - services
        done = "" if not merged else " with its closest pair merged" if merged == 1 else \
            f" with its closest pairs merged, one pair at a time, {merged} times"
        return Refined(replay(merges, services), scores, _reason(services, services, found, done, scores))
    current, halves = renumber(automatic), _Halves(graph, is_data, seed)
    splits: list[CountScore] = []
    while len(set(current.values())) < services:
        step = _best_split(graph, current, is_data, halves)
        if step is None:
            break
        current, score = step
        splits.append(score)
    reached = len(set(current.values()))
    split = reached - found
    done = "" if not split else " with one service split in two" if split == 1 else \
        f" with one service at a time split in two, {split} times"
    return Refined(current, (*scores, *splits), _reason(services, reached, found, done, (*scores, *splits)))


def _reason(services: int, reached: int, found: int, done: str, scores: tuple[CountScore, ...]) -> str:
    at = {s.services: s.modularity for s in scores}
    head = f"{reached} services as requested" if reached == services else \
        f"{reached} services as requested ({services}; only {reached} separable clusters found)"
    return (f"{head}: the automatic partition's {found}{done} (modularity {at[reached]:.3f}, "
            f"automatic {at[found]:.3f})")


class _Halves:
    """Each service's two halves, computed once per set of members (a split leaves the others as they are)."""

    def __init__(self, graph: UnitEdges, is_data: Mapping[str, bool], seed: int) -> None:
        self.graph, self.is_data, self.seed = graph, is_data, seed
        self.known: dict[tuple[str, ...], Assignment | None] = {}

    def of(self, members: tuple[str, ...]) -> Assignment | None:
        """The service's members numbered 0 and 1 by half; None when it cannot be split (one datum)."""
        if members not in self.known:
            self.known[members] = self._split(members)
        return self.known[members]

    def _split(self, members: tuple[str, ...]) -> Assignment | None:
        if sum(1 for n in members if self.is_data.get(n, False)) < 2:
            return None
        inside = self.graph.within(members)
        for resolution in RESOLUTIONS:
            pieces = absorb_dataless(inside, louvain(inside, resolution, self.seed), self.is_data)
            if len(set(pieces.values())) >= 2:
                return replay(agglomerate(inside, pieces, self.is_data), 2)
        return None


def _best_split(
    graph: UnitEdges, assignment: Assignment, is_data: Mapping[str, bool], halves: _Halves,
) -> tuple[Assignment, CountScore] | None:
    """The assignment with the one service split whose halves score best (ties: the lower number)."""
    members: dict[int, list[str]] = defaultdict(list)
    for node in sorted(assignment):
        members[assignment[node]].append(node)
    fresh, best = max(assignment.values()) + 1, None
    for cluster in sorted(members):
        split = halves.of(tuple(members[cluster]))
        if split is None:
            continue
        candidate = {**assignment, **{n: fresh for n in members[cluster] if split[n] == 1}}
        q = modularity_of(graph, candidate)
        score = CountScore(services=len(members) + 1, score=score_of(q, _largest_share(candidate, is_data)),
                           modularity=round(q, 6))
        if best is None or score.score > best[1].score + 1e-12:
            best = (candidate, score)
    return None if best is None else (renumber(best[0]), best[1])


def _largest_share(assignment: Mapping[str, int], is_data: Mapping[str, bool]) -> float:
    data: dict[int, int] = defaultdict(int)
    for node, cluster in assignment.items():
        data[cluster] += int(is_data.get(node, False))
    return max(data.values(), default=0) / max(1, sum(data.values()))
