"""Why the proposal places each model and module where it does: the explanations an Analysis carries.

Filled in by :mod:`analyzer.boundaries.reasons`; part of the Analysis since schema 3.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlacementTie:
    """One of the ties that put a model in its service: its kind, the unit at the other end, where."""

    kind: str  # edge kind: fk, orm-write, transaction, ...
    other: str  # the model label or code unit at the other end, in the same service
    weight: float  # the summed weight of the ties of this kind with that unit
    path: str
    line: int


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
