"""The analyzer's explanations as sentences a newcomer reads: per model, per aggregate, per split module.

Pure: the Analysis' ``model_placements``, ``module_splits`` and ``Service.aggregates`` in, frozen
views with sentences and ``path:line`` out, the same for the HTML report and report.md. A model
reads "orders.OrderLine is here because it is a CASCADE child of orders.Order (orders/models.py:41)";
a tie reads "orders.views.checkout writes it" or "its foreign key points at orders.Order".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from analyzer.model.analysis import Analysis, ModelInfo
from analyzer.model.explanations import ModelPlacement, ModuleSplit, PlacementTie, app_home, tie_phrase
from analyzer.model.wording import plural


@dataclass(frozen=True)
class TieLine:
    """One tie in words, and the first place that shows it."""

    text: str  # "orders.views.checkout writes it"
    kind: str
    weight: float
    where: str  # "path:line"


@dataclass(frozen=True)
class ModelStory:
    """Why one model is in its service, as the report shows it."""

    label: str
    service: str
    app_label: str
    root: str  # its aggregate root, "" when it is a root
    hub: bool
    moved: bool  # its service is not the one holding most of its app's models
    home: str  # the service holding at least half of its app's models, "" when none does
    sentence: str
    ties: tuple[TieLine, ...]


@dataclass(frozen=True)
class Aggregate:
    """An aggregate root and the models that belong to it through CASCADE relations."""

    root: str
    members: tuple[str, ...]  # without the root, sorted

    @property
    def sentence(self) -> str:
        """``orders.Order with 2 models: orders.OrderLine, orders.Payment`` or the root alone."""
        if not self.members:
            return self.root
        return f"{self.root} with {plural(len(self.members), 'model')}: {', '.join(self.members)}"


@dataclass(frozen=True)
class SplitStory:
    """A module spread over services, and what each part writes."""

    module: str
    services: tuple[str, ...]
    sentence: str


def tie_text(tie: PlacementTie, models: frozenset[str] = frozenset()) -> str:
    """A tie in words (:func:`analyzer.model.explanations.tie_phrase`); ``models``: the model labels,
    so that a tie of an older analysis between two models claims no direction."""
    return tie_phrase(tie, tie.other in models)


def tie_lines(placement: ModelPlacement, models: frozenset[str] = frozenset()) -> tuple[TieLine, ...]:
    """The placement's ties in words, strongest first."""
    return tuple(TieLine(tie_text(t, models), t.kind, t.weight, f"{t.path}:{t.line}") for t in placement.ties)


def model_stories(analysis: Analysis) -> dict[str, ModelStory]:
    """Model label -> its story, for every model the analyzer explained (sorted by label)."""
    homes = app_homes(analysis.model_placements)
    models = {m.label: m for m in analysis.models}
    labels = frozenset(models)
    children = _children(analysis.model_placements)
    stories = {}
    for p in sorted(analysis.model_placements, key=lambda p: p.label):
        home = homes.get(p.app_label, "")
        sentence = model_sentence(p, home, models.get(p.label), children, labels)
        stories[p.label] = ModelStory(p.label, p.service, p.app_label, p.root, p.hub,
                                      bool(home) and home != p.service, home, sentence, tie_lines(p, labels))
    return stories


def model_sentence(placement: ModelPlacement, home: str, model: ModelInfo | None,
                   aggregates: dict[str, tuple[str, ...]], models: frozenset[str] = frozenset()) -> str:
    """The one sentence that says why a model is in its service (``aggregates``: root -> members;
    ``home``: the service holding at least half of its app, "" when its app is spread wider)."""
    p = placement
    children = aggregates.get(p.label, ())
    if p.hub:
        return f"{p.label} is {p.reason}." if p.reason.startswith("a hub") else f"{p.label} is a hub."
    moved = bool(home) and home != p.service
    lead = f"{p.label} is in {p.service}, away from most of {p.app_label} (in {home})," if moved \
        else f"{p.label} is here"
    first = p.ties[0] if p.ties else None
    if p.root:
        site = _cascade_site(model, p.root, aggregates.get(p.root, ()))
        return f"{lead} because it is a CASCADE child of {p.root}{site}."
    if children:
        because = f"it is the root of an aggregate of {plural(len(children) + 1, 'model')}"
        return f"{lead} because {because}" + (f", and {_tie_clause(first, models)}." if first else ".")
    if first:
        return f"{lead} because {_tie_clause(first, models)}."
    if moved or not home:
        return f"{lead.removesuffix(',')}; no tie of it there is strong enough to name."
    return f"{lead} with the rest of its app {p.app_label}."


def _tie_clause(tie: PlacementTie, models: frozenset[str]) -> str:
    return f"{tie_text(tie, models)} ({tie.path}:{tie.line})"


def _cascade_site(model: ModelInfo | None, root: str, aggregate: tuple[str, ...]) -> str:
    """`` (path:line)`` of the relation from ``model`` toward its root: to the root itself, else to
    another model of the root's ``aggregate`` (the chain goes through it), else ""."""
    if model is None:
        return ""
    relations = [f for f in model.fields if f.relation in ("fk", "o2o") and f.target]
    chosen = next((f for f in relations if f.target == root),
                  next((f for f in relations if f.target in aggregate and f.target != model.label), None))
    return f" ({model.path}:{chosen.line})" if chosen else ""


def _children(placements: tuple[ModelPlacement, ...]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for p in placements:
        if p.root:
            found[p.root].append(p.label)
    return {root: tuple(sorted(members)) for root, members in found.items()}


def app_homes(placements: tuple[ModelPlacement, ...]) -> dict[str, str]:
    """App label -> the service holding at least half of its explained models
    (:func:`analyzer.model.explanations.app_home`); an app spread wider has none."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for p in placements:
        counts[p.app_label][p.service] += 1
    return {app: home for app, c in counts.items() if (home := app_home(c))}


def aggregates_of(analysis: Analysis) -> dict[str, tuple[Aggregate, ...]]:
    """Service -> its aggregates (``Service.aggregates``, each with its CASCADE members), sorted."""
    children = _children(analysis.model_placements)
    return {s.name: tuple(Aggregate(root, children.get(root, ())) for root in s.aggregates)
            for s in analysis.services}


def split_stories(analysis: Analysis) -> tuple[SplitStory, ...]:
    """Every split module with its sentence, sorted by module."""
    return tuple(SplitStory(s.module, s.services, split_sentence(s))
                 for s in sorted(analysis.module_splits, key=lambda s: s.module))


def splits_by_service(stories: tuple[SplitStory, ...]) -> dict[str, tuple[SplitStory, ...]]:
    """Service -> the split modules it holds a part of, by module."""
    found: dict[str, list[SplitStory]] = defaultdict(list)
    for story in stories:
        for service in story.services:
            found[service].append(story)
    return {service: tuple(held) for service, held in found.items()}


def split_sentence(split: ModuleSplit) -> str:
    """``orders.views is split over 2 services (catalog, orders): <the analyzer's reason>.``"""
    names = ", ".join(split.services)
    reason = split.reason.rstrip(".") or "its code units went to different services"
    return f"{split.module} is split over {plural(len(split.services), 'service')} ({names}): {reason}."


def notable_stories(stories: dict[str, ModelStory]) -> tuple[ModelStory, ...]:
    """The stories worth a reader's attention first: hubs and models away from their app, by label."""
    return tuple(s for _, s in sorted(stories.items()) if s.hub or s.moved)
