"""Why the proposal places each model and module where it does: the explanations an Analysis carries.

Filled in by :mod:`analyzer.boundaries.reasons`; part of the Analysis since schema 3, ties with
their direction since schema 5. :func:`tie_phrase` is the one wording of a tie, for the analyzer's
reasons and the report alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PlacementTie:
    """One of the ties that put a model in its service: its kind, the unit at the other end, where."""

    kind: str  # edge kind: fk, orm-write, transaction, ...
    other: str  # the model label or code unit at the other end, in the same service
    weight: float  # the summed weight of the ties of this kind with that unit
    path: str
    line: int
    direction: str = ""  # OUT: from the model (or its table) to ``other``; IN: from ``other``; "": unknown


OUT = "out"
IN = "in"

# "{other}" is the unit at the other end; a tie whose direction is unknown (an analysis older
# than schema 5) between two models claims none.
_IN_PHRASES = {
    "orm-write": "{other} writes it", "sql-write": "{other} writes its table in SQL",
    "orm-read": "{other} reads it", "sql-read": "{other} reads its table in SQL",
    "sql-join": "{other} joins its table in SQL", "transaction": "{other} writes it in the same transaction",
    "fk": "a foreign key from {other} points at it",
    "m2m": "a many-to-many relation from {other} points at it",
    "call": "{other} calls it", "import": "{other} imports it", "signal": "{other} receives its signals",
    "inherit": "{other} inherits from it", "route-view": "the route {other} serves it",
}
_OUT_PHRASES = {
    "orm-write": "it writes {other}", "sql-write": "it writes the table of {other} in SQL",
    "orm-read": "it reads {other}", "sql-read": "it reads the table of {other} in SQL",
    "sql-join": "it joins the table of {other} in SQL",
    "transaction": "it writes {other} in the same transaction",
    "fk": "its foreign key points at {other}", "m2m": "its many-to-many relation points at {other}",
    "call": "it calls {other}", "import": "it imports {other}",
    "signal": "it receives the signals of {other}", "inherit": "it inherits from {other}",
}
_UNDIRECTED = {
    "orm-write": "an ORM write ties it to {other}", "orm-read": "an ORM read ties it to {other}",
    "call": "a call ties it to {other}", "transaction": "one transaction writes it and {other}",
    "fk": "a foreign key ties it to {other}", "m2m": "a many-to-many relation ties it to {other}",
    "signal": "a signal ties it to {other}", "inherit": "inheritance ties it to {other}",
}


def tie_phrase(tie: PlacementTie, other_is_model: bool = False) -> str:
    """A tie in words, its direction said: ``orders.views.checkout writes it``, ``its foreign key
    points at orders.Order``; a module node (``module:x.y``) reads ``the module x.y``. Without a
    direction, a tie between two models (``other_is_model``) says none."""
    kind, other = tie.kind, tie.other
    if other.startswith("module:"):
        other = "the module " + other.removeprefix("module:")
    if tie.direction == OUT:
        phrases = _OUT_PHRASES
    elif tie.direction == IN or not other_is_model:
        phrases = _IN_PHRASES
    else:
        phrases = _UNDIRECTED
    return phrases.get(kind, "{other} is tied to it (" + kind + ")").format(other=other)


def app_home(services: Mapping[str, int]) -> str:
    """The service holding at least half of an app's models (``services``: service -> how many;
    ties: the first name), "" when none does: a god app spread over many services has no home."""
    total = sum(services.values())
    top = min(services, key=lambda s: (-services[s], s), default="")
    return top if top and services[top] * 2 >= total else ""


@dataclass(frozen=True)
class ModelPlacement:
    """Why one concrete model is where it is: its aggregate, its strongest ties, and a sentence."""

    label: str
    service: str
    app_label: str
    root: str  # the aggregate root it belongs to through CASCADE relations ("" when it is a root)
    hub: bool  # referenced by so many models that their relations to it were scaled down
    ties: tuple[PlacementTie, ...]  # the strongest ties inside its service, strongest first
    reason: str  # why, said when its service is not its app's (or it is a hub); "" otherwise


@dataclass(frozen=True)
class ModuleSplit:
    """A module whose code units went to several services, and why."""

    module: str
    services: tuple[str, ...]
    reason: str
