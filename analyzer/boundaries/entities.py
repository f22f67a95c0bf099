"""Entities first: the data partition is decided on a graph of the data alone.

The nodes are the entities: concrete models and tables no model maps. Their ties:

- *relations* (fk, o2o, m2m) weigh their kind's weight, times :data:`CASCADE_FACTOR` for an
  ``on_delete=CASCADE`` child of an aggregate root, times :data:`SET_NULL_FACTOR` for an
  ``on_delete=SET_NULL`` referrer (it outlives its target; against the truths, within one models
  module such relations keep one domain 5 times in 8, CASCADE 116 in 119, PROTECT 16 in 18), times
  :data:`CROSS_MODULE_FACTOR` between models of two models modules unless the child cascades from a
  root it is named after and is written with in one atomic block (``OrderLine`` in an app of its
  own, created with its ``Order``): a relation declared beside its target is composition far more
  often than one reaching into another file (against the expert truths of ``bench/truth``, 204 of
  236 relations within one models module stay within one domain, 59 of 490 across modules), times
  :data:`CROSS_APP_FACTOR` more between models of two apps unless code of the referrer's app writes
  the target (across apps a relation keeps one domain 9 times in 139, 6 %, no more often than any
  two models of a truth, 7-14 %; where the referrer's app writes the target, a payment plugin
  completing the payments it references or the sample's reviews keeping a product's rating, 3 in
  4), times the target's *hub scale*. A model referenced by ``r`` other models scales the relations
  pointing at it by ``min(1, limit / r)``, ``limit`` being :data:`HUB_SHARE` of the concrete models (at
  least :data:`HUB_MIN`): a hub (an Event, Organizer, Tenant, Customer) is referenced from every
  domain, so one more referrer says little about where that referrer belongs; its referrers hold an
  id instead of being pulled in. A *part* of a hub (:func:`hub_parts`: a model cascading from a
  hub of its own models module, ``Plural`` of ``Language``) takes the hub's scale for relations
  from other models modules: they reference the hub's aggregate (against the truths such
  relations keep one domain 0 times in 31, those from the part's own module 11 in 14);
- *co-use*: the entities one code unit touches are tied pairwise, written with written
  :data:`CO_WRITE`, written with read :data:`CO_WRITE_READ`, read with read :data:`CO_READ`,
  divided by ``(k - 1) ** 2`` for a unit touching ``k`` entities (a function that touches two
  entities says more about them than a checkout touching eight); a read of a hub is scaled like a
  relation to it, a write never (only the hub's own domain writes it), and code of the hub's app
  writing the hub and reading one of its referrers ties nothing: that is the hub looking up what
  refers to it (``Language.objects.filter(translation=None)``), and every domain refers to the
  hub (against the truths such co-use keeps one domain in 2 % of its weight); the referrer's
  code writing the hub (a denormalised count) still ties them. A ``delete()`` is no use here: a
  unit deleting rows clears what refers to the data it works on (a voucher's carts before the
  voucher), a cascade by hand (two models a unit writes, one of them only deleting, keep one
  domain in 29 % of the weight, 4 of 14, against 90 % where neither is only deleted);
- the models of one module (``same-module``) and of one app (``same-app`` times
  :data:`APP_FACTOR`): each model's share sums to the weight (every pair of a group of ``k`` ties
  by ``weight / (k - 1)``; a group over :data:`CLIQUE_LIMIT` models, whose pairs would each tie by
  less than a 200th of it, is left out); two models of one module whose names share a prefix
  (``Order``, ``OrderPosition``: :func:`named_alike`) are tied again by :data:`NAME_SHARE` of the
  module weight (against the truths, 114 of 124 such pairs keep one domain, of a module's pairs
  745 of 969) unless both are written and no code unit writes both: two life cycles of their
  own (``Order`` and ``OrderPayment``, written by the checkout and by the payment providers;
  such pairs keep one domain 20 times in 26, no more often than any two models of a module, the
  other named-alike pairs 94 in 98), and a model alone in its app is
  tied to itself by :data:`LONE_FACTOR` times both (a self-loop: an app its developers made for
  that one model is evidence that it stands alone), a model alone in its file by
  :data:`LONE_IN_FILE_FACTOR` times the module weight (weaker: one model per file of a models
  package is a habit more than a boundary);
- the entities written directly in one atomic block, by :data:`TRANSACTION_SHARE` of
  ``transaction`` (a checkout is a saga, not a wall).

Tests, migrations and code tied to many apps (``skip``) say nothing about which data belong
together and are left out of the co-use ties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

import networkx as nx

from analyzer.boundaries.unit_edges import UnitEdges
from analyzer.graph.build import Transaction
from analyzer.graph.schema import READ_KINDS, RELATION_KINDS, WRITE_KINDS, NodeAttrs, node_attrs, successors

HUB_SHARE = 0.1  # a model referenced by more than this share of the models is a hub
HUB_MIN = 2.0
HUB_LABEL_SCALE = 0.5  # the relations of a model are scaled by at most this: it is called a hub
CASCADE_FACTOR = 1.5  # a CASCADE child belongs to its root's aggregate more than a PROTECT referrer
CROSS_MODULE_FACTOR = 0.7  # a relation across models modules (at 0.5 the sample's Review leaves catalog)
CROSS_APP_FACTOR = 0.5  # a relation into another app, unless the referrer's app writes the target
SET_NULL_FACTOR = 0.67  # a SET_NULL referrer outlives its target: an optional reference, not a part
CO_WRITE = 6.0
CO_WRITE_READ = 2.0
CO_READ = 0.5
APP_FACTOR = 1.5
LONE_FACTOR = 1.5  # a model alone in its app: a self-loop of this times the module and app weights
LONE_IN_FILE_FACTOR = 0.75  # a model alone in its file, not in its app: this times the module weight
NAME_SHARE = 0.5  # two models of one module, one name a prefix of the other: this times the module weight
TRANSACTION_SHARE = 0.25
CLIQUE_LIMIT = 200  # members of one group beyond which its ties are left out

Pair = tuple[str, str]
Uses = dict[str, dict[str, float]]  # code unit -> entity -> summed edge weight


def is_entity(attrs: NodeAttrs) -> bool:
    """A concrete model, or a table no model maps (raw SQL, a view) outside Django's own apps."""
    if attrs["kind"] == "model":
        return not attrs.get("abstract") and not attrs.get("proxy")
    return attrs["kind"] == "table" and not attrs.get("model") and not attrs.get("framework")


def referrers(graph: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    """Concrete model -> the other concrete models holding a relation (fk, o2o, m2m) to it."""
    attrs = node_attrs(graph)
    found: dict[str, set[str]] = defaultdict(set)
    for source, neighbours in successors(graph).items():
        if attrs[source]["kind"] != "model" or not is_entity(attrs[source]):
            continue
        for target, keyed in neighbours.items():
            if target != source and attrs[target]["kind"] == "model" and is_entity(attrs[target]) \
                    and any(data["kind"] in RELATION_KINDS for data in keyed.values()):
                found[target].add(source)
    return {model: frozenset(found[model]) for model in sorted(found)}


def hub_scales(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Concrete model -> the factor on relations pointing at it (below 1 for hubs only)."""
    models = sum(1 for attrs in node_attrs(graph).values() if attrs["kind"] == "model" and is_entity(attrs))
    limit = max(HUB_MIN, HUB_SHARE * models)
    return {model: min(1.0, limit / len(refs)) for model, refs in referrers(graph).items()}


def is_hub(scale: float) -> bool:
    """Whether a model of this hub scale is named a hub: referenced by twice the limit or more."""
    return scale <= HUB_LABEL_SCALE


def hub_parts(graph: nx.MultiDiGraph, scale: Mapping[str, float]) -> dict[str, str]:
    """Concrete model -> the hub it is part of: it cascades (fk, o2o) from a hub declared in its own
    models module (``Plural`` of ``Language``), sorted. A relation from another models module to such
    a part is a reference into the hub's aggregate and weighs as one to the hub."""
    attrs, arc = node_attrs(graph), arcs(graph)
    parts: dict[str, str] = {}
    for child, targets in successors(graph).items():
        if attrs[child]["kind"] != "model" or not is_entity(attrs[child]):
            continue
        for hub, keyed in targets.items():
            if hub != child and is_hub(scale.get(hub, 1.0)) \
                    and attrs[hub]["module"] == attrs[child]["module"] \
                    and cascades(keyed.values(), optional=child in arc):
                parts.setdefault(child, hub)
    return dict(sorted(parts.items()))


def cascades(edges: Iterable[Mapping[str, object]], optional: bool = True) -> bool:
    """Whether one of these edges is an ``fk`` or ``o2o`` with ``on_delete=CASCADE`` (an optional
    one, ``null=True``, only with ``optional``)."""
    return any(e["kind"] in ("fk", "o2o") and e.get("on_delete") == "CASCADE"
               and (optional or not e.get("null")) for e in edges)


def arcs(graph: nx.MultiDiGraph) -> frozenset[str]:
    """The models with optional CASCADE relations (``null=True``) to two or more other models: an
    answer that belongs to a cart position or to an order position, whichever is set (an exclusive
    arc), composes with each. A single optional CASCADE relation (``Ticket.kbitem``) is a reference
    the child lives without, not composition."""
    return frozenset(child for child, targets in successors(graph).items()
                     if sum(root != child and cascades(keyed.values())
                            and not cascades(keyed.values(), optional=False)
                            for root, keyed in targets.items()) >= 2)


def hubs(graph: nx.MultiDiGraph) -> tuple[str, ...]:
    """The hub entities (:func:`is_hub`), sorted."""
    return tuple(model for model, scale in hub_scales(graph).items() if is_hub(scale))


def entity_edges(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], weights: Mapping[str, float],
    transactions: Iterable[Transaction] = (), skip: Collection[str] = (),
) -> UnitEdges:
    """The weighted, undirected graph of the entities (sorted nodes and ties), for clustering."""
    attrs = node_attrs(graph)
    entities = sorted(n for n, a in attrs.items() if is_entity(a) and canon.get(n) == n)
    members, scale = set(entities), hub_scales(graph)
    ties: dict[Pair, float] = defaultdict(float)
    used = data_used(graph, canon, members, skip)
    kept = data_used(graph, canon, members, skip, deletes=False)
    _relation_ties(graph, members, scale, hub_parts(graph, scale), weights,
                   written_together(transactions, canon), apps_writing(attrs, kept[0]), ties)
    _co_use_ties(*kept, scale, own_lookups(attrs, referrers(graph), scale), ties)
    alone = _group_ties(entities, attrs, "module", weights["same-module"], ties)
    _name_ties(entities, attrs, writers_of(used[0]), weights["same-module"] * NAME_SHARE, ties)
    lone = _group_ties(entities, attrs, "app", weights["same-app"] * APP_FACTOR, ties)
    for model in sorted(set(alone) - set(lone)):
        _add(ties, model, model, LONE_IN_FILE_FACTOR * weights["same-module"])
    for model in lone:
        _add(ties, model, model, LONE_FACTOR * (weights["same-module"] + weights["same-app"] * APP_FACTOR))
    for transaction in transactions:
        written = sorted({c for w in transaction.writes if w.direct and (c := canon.get(w.table)) in members})
        if len(written) > 1:
            _clique(written, weights["transaction"] * TRANSACTION_SHARE, ties)
    return UnitEdges(tuple(entities), tuple((a, b, w) for (a, b), w in sorted(ties.items()) if w > 0))


def data_used(
    graph: nx.MultiDiGraph, canon: Mapping[str, str | None], entities: Collection[str],
    skip: Collection[str] = (), deletes: bool = True,
) -> tuple[Uses, Uses]:
    """Per code unit (not in ``skip``), the entities it writes and those it only reads, by weight;
    without ``deletes``, a ``delete()`` is no use of the data at all (:func:`entity_edges`' co-use)."""
    written: Uses = defaultdict(lambda: defaultdict(float))
    read: Uses = defaultdict(lambda: defaultdict(float))
    for source, neighbours in successors(graph).items():
        unit = canon.get(source)
        if unit is None or unit in entities or unit in skip:
            continue
        for target, keyed in neighbours.items():
            entity = canon.get(target)
            if entity is None or entity not in entities:
                continue
            for data in keyed.values():
                if data["kind"] in WRITE_KINDS:
                    if deletes or data.get("op") != "delete":
                        written[unit][entity] += data["weight"]
                elif data["kind"] in READ_KINDS:
                    read[unit][entity] += data["weight"]
    only_read = {u: {e: w for e, w in used.items() if e not in written.get(u, {})}
                 for u, used in read.items()}
    return {u: dict(e) for u, e in written.items()}, {u: e for u, e in only_read.items() if e}


def _add(ties: dict[Pair, float], a: str, b: str, weight: float) -> None:
    ties[(a, b) if a <= b else (b, a)] += weight


def _clique(members: list[str], weight: float, ties: dict[Pair, float]) -> None:
    """Tie ``members`` pairwise, each member's ties summing to ``weight`` (none over :data:`CLIQUE_LIMIT`)."""
    if len(members) > CLIQUE_LIMIT:
        return
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            _add(ties, a, b, weight / (len(members) - 1))


def written_together(
    transactions: Iterable[Transaction], canon: Mapping[str, str | None],
) -> set[Pair]:
    """Pairs of units (both orders) written directly in one atomic block."""
    pairs: set[Pair] = set()
    for transaction in transactions:
        units = sorted({c for w in transaction.writes if w.direct and (c := canon.get(w.table))})
        pairs |= {(a, b) for a in units for b in units if a != b}
    return pairs


def named_alike(one: NodeAttrs, other: NodeAttrs) -> bool:
    """Whether one model's name is a prefix of the other's (``OrderPosition``, ``Order``)."""
    a, b = str(one["label"]).rsplit(".", 1)[-1], str(other["label"]).rsplit(".", 1)[-1]
    return a.startswith(b) or b.startswith(a)


def apps_writing(attrs: Mapping[str, NodeAttrs], written: Uses) -> dict[str, frozenset[str]]:
    """Entity -> the apps whose code units write it (a ``delete()`` left out, as ``written`` has it)."""
    return {entity: frozenset(attrs[unit]["app"] for unit in units if attrs[unit]["app"])
            for entity, units in writers_of(written).items()}


def _relation_ties(graph: nx.MultiDiGraph, entities: set[str], scale: Mapping[str, float],
                   parts: Mapping[str, str], weights: Mapping[str, float], together: set[Pair],
                   writing: Mapping[str, frozenset[str]], ties: dict[Pair, float]) -> None:
    attrs = node_attrs(graph)
    for source, neighbours in successors(graph).items():
        if source not in entities:
            continue
        for target, keyed in neighbours.items():
            if target not in entities or target == source:
                continue
            into = scale.get(target, 1.0)
            if target in parts and attrs[source]["module"] != attrs[target]["module"]:
                into = min(into, scale[parts[target]])
            for data in keyed.values():
                if data["kind"] in RELATION_KINDS:
                    cascades = data.get("on_delete") == "CASCADE"
                    composed = cascades and named_alike(attrs[source], attrs[target]) \
                        and (source, target) in together
                    apart = 1.0 if composed or attrs[source]["module"] == attrs[target]["module"] \
                        else CROSS_MODULE_FACTOR * _across_apps(attrs, source, target, writing)
                    kept = SET_NULL_FACTOR if data.get("on_delete") == "SET_NULL" else 1.0
                    factor = (CASCADE_FACTOR if cascades else kept) * apart * into
                    _add(ties, source, target, weights[data["kind"]] * factor)


def _across_apps(attrs: Mapping[str, NodeAttrs], source: str, target: str,
                 writing: Mapping[str, frozenset[str]]) -> float:
    """The factor on a relation from ``source`` into another app's ``target``: :data:`CROSS_APP_FACTOR`
    unless code of the source's app writes the target (a payment plugin completing the payments it
    references, the reviews app keeping a product's rating)."""
    app = attrs[source]["app"]
    if app == attrs[target]["app"] or app in writing.get(target, ()):
        return 1.0
    return CROSS_APP_FACTOR


def own_lookups(attrs: Mapping[str, NodeAttrs], refs: Mapping[str, frozenset[str]],
                 scale: Mapping[str, float]) -> Callable[[str, str, str], bool]:
    """Whether a unit writing one entity and reading the other is a hub's own code (a unit of the
    hub's app) looking up one of the hub's referrers."""
    def own(unit: str, one: str, other: str) -> bool:
        return is_hub(scale.get(one, 1.0)) and other in refs.get(one, ()) \
            and bool(attrs[one]["app"]) and attrs[unit]["app"] == attrs[one]["app"]
    return own


def _co_use_ties(written: Uses, read: Uses, scale: Mapping[str, float],
                 own_lookup: Callable[[str, str, str], bool], ties: dict[Pair, float]) -> None:
    for unit in sorted(set(written) | set(read)):
        wrote = written.get(unit, {})
        touched = sorted({*wrote, *read.get(unit, {})})
        share = 1.0 / max(1, len(touched) - 1) ** 2
        for i, a in enumerate(touched):
            for b in touched[i + 1:]:
                if a in wrote and b in wrote:
                    _add(ties, a, b, CO_WRITE * share)
                elif a in wrote or b in wrote:  # only the read one may be a hub, read on every path
                    one, other = (a, b) if a in wrote else (b, a)
                    if own_lookup(unit, one, other):
                        continue
                    _add(ties, a, b, CO_WRITE_READ * share * scale.get(other, 1.0))
                else:
                    _add(ties, a, b, CO_READ * share * min(scale.get(a, 1.0), scale.get(b, 1.0)))


def _group_ties(entities: list[str], attrs: Mapping[str, NodeAttrs], key: str, weight: float,
                ties: dict[Pair, float]) -> list[str]:
    """Tie the models of each module (or app) pairwise; return the models alone in theirs."""
    groups: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        value = attrs[entity]["module"] if key == "module" else attrs[entity]["app"]
        if value and attrs[entity]["kind"] == "model":
            groups[value].append(entity)
    for members in groups.values():
        _clique(members, weight, ties)
    return sorted(members[0] for members in groups.values() if len(members) == 1)


def writers_of(written: Uses) -> dict[str, frozenset[str]]:
    """Entity -> the code units that write it."""
    found: dict[str, set[str]] = defaultdict(set)
    for unit, entities in written.items():
        for entity in entities:
            found[entity].add(unit)
    return {entity: frozenset(units) for entity, units in found.items()}


def _name_ties(entities: list[str], attrs: Mapping[str, NodeAttrs], writers: Mapping[str, frozenset[str]],
               weight: float, ties: dict[Pair, float]) -> None:
    """Tie each pair of models of one module whose names share a prefix by ``weight``, unless
    both are written and no code unit writes both (two life cycles of their own)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        if attrs[entity]["kind"] == "model" and attrs[entity]["module"]:
            groups[attrs[entity]["module"]].append(entity)
    for members in groups.values():
        if len(members) > CLIQUE_LIMIT:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if named_alike(attrs[a], attrs[b]) and _one_life(writers.get(a), writers.get(b)):
                    _add(ties, a, b, weight)


def _one_life(one: frozenset[str] | None, other: frozenset[str] | None) -> bool:
    """Whether two models share a life cycle: one is not written, or some unit writes both."""
    return not one or not other or bool(one & other)
