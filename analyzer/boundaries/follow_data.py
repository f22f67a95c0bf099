"""Code follows data: each code unit goes with the entities it writes most, else with its community's.

Once the data partition is decided (:mod:`analyzer.boundaries.entities`), a view, serializer,
form, admin, task or service function that writes data is placed with the cluster whose entities
it writes the most (summed edge weight; ties to the lower cluster number): a module that writes
two domains' data is split by what each part writes. Code that writes nothing goes with its
*community* (its Louvain community in the unit graph, :func:`analyzer.boundaries.unit_edges.louvain`:
the code it works with), to the cluster that community writes most, else holds most entities of,
else reads most (reads of a hub counted by its hub scale). Code whose community touches no data is
left to :func:`analyzer.boundaries.partition.attach`, which places it by its ties. Last, a module
is kept whole where its writers do not split it: a unit that writes nothing goes to its module's
main cluster unless a writer of the same module is in its own (:func:`keep_modules_whole`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from analyzer.boundaries.unit_edges import Assignment

Uses = Mapping[str, Mapping[str, float]]  # code unit -> entity -> summed edge weight


def follow_data(
    entities: Mapping[str, int], written: Uses, read: Uses, scale: Mapping[str, float],
    community: Mapping[str, int], module_of: Mapping[str, str] | None = None,
) -> Assignment:
    """Entity clusters plus each code unit placed by its writes, else by its community's data;
    with ``module_of`` (code unit -> its module), modules are then kept whole where their
    writers do not split them (:func:`keep_modules_whole`)."""
    homes = community_homes(entities, written, read, scale, community)
    placed = dict(entities)
    for unit in sorted(community):
        if unit in placed:
            continue
        cluster = _heaviest(written.get(unit, {}), entities)
        if cluster is None:
            cluster = homes.get(community[unit])
        if cluster is not None:
            placed[unit] = cluster
    return keep_modules_whole(placed, module_of, set(written)) if module_of else placed


def keep_modules_whole(
    placed: Mapping[str, int], module_of: Mapping[str, str], writers: set[str],
) -> Assignment:
    """Move each unit that writes nothing to its module's main cluster (where most of the module's
    units are; ties: the lower number) unless a writer of its module is in its cluster: a module
    is split only by the data its parts write."""
    members: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(placed):
        if unit in module_of:
            members[module_of[unit]].append(unit)
    result = dict(placed)
    for units in members.values():
        counts: dict[int, int] = defaultdict(int)
        for unit in units:
            counts[placed[unit]] += 1
        main = min(counts, key=lambda c: (-counts[c], c))
        allowed = {main} | {placed[u] for u in units if u in writers}
        result.update({u: main for u in units if u not in writers and placed[u] not in allowed})
    return result


def community_homes(
    entities: Mapping[str, int], written: Uses, read: Uses, scale: Mapping[str, float],
    community: Mapping[str, int],
) -> dict[int, int]:
    """Community -> the entity cluster its code writes most, else whose entities it holds most,
    else its code reads most; communities touching no data have none."""
    wrote: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    held: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    reads: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for unit in sorted(community):
        group = community[unit]
        if unit in entities:
            held[group][unit] += 1.0
        for entity, weight in written.get(unit, {}).items():
            wrote[group][entity] += weight
        for entity, weight in read.get(unit, {}).items():
            reads[group][entity] += weight * scale.get(entity, 1.0)
    homes = {}
    for group in sorted(set(community.values())):
        home = (_heaviest(wrote.get(group, {}), entities) if group in wrote else None)
        if home is None:
            home = _heaviest(held.get(group, {}), entities)
        if home is None:
            home = _heaviest(reads.get(group, {}), entities)
        if home is not None:
            homes[group] = home
    return homes


def _heaviest(used: Mapping[str, float], entities: Mapping[str, int]) -> int | None:
    totals: dict[int, float] = defaultdict(float)
    for entity, weight in used.items():
        if entity in entities:
            totals[entities[entity]] += weight
    return min(totals, key=lambda c: (-totals[c], c)) if totals else None
