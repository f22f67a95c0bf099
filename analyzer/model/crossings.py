"""Crossings: the one count of how often code crosses the proposed boundaries.

A *crossing* is a boundary violation (cross-service FK, query, join, foreign write, distributed
transaction, signal) or a use of one service's unit from another (``cross-service-use``, one per
place listed in the Analysis' interfaces). ``analyze`` prints them, ``check`` compares them
against a baseline: both count with :func:`crossings` and print :func:`crossings_line`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.model.analysis import Analysis, Interface, Violation

USE_KIND = "cross-service-use"

# Every crossing kind and what it means (the rules of check's SARIF output).
CROSSING_KINDS: dict[str, str] = {
    "cross-service-fk": "A ForeignKey, OneToOne or ManyToMany to a model owned by another service.",
    "cross-service-query": "An ORM lookup traversing into another service's models.",
    "cross-service-join": "Raw SQL joining tables owned by different services.",
    "foreign-write": "Code writing a table owned by another service.",
    "distributed-transaction": "A transaction.atomic block writing tables of two or more services.",
    "cross-service-signal": "A signal whose sender and receiver live in different services.",
    USE_KIND: "A function, class or model of one service used from another service.",
}

Key = tuple[str, str]


@dataclass(frozen=True)
class Crossing:
    """One place where code crosses a proposed boundary."""

    kind: str
    source: str
    targets: tuple[str, ...]
    subject: str
    path: str
    line: int

    def key(self) -> Key:
        """What crosses, independent of where."""
        return (self.kind, self.subject)


def crossings(violations: Iterable[Violation], interfaces: Iterable[Interface]) -> tuple[Crossing, ...]:
    """All crossings of a placement: violations, then one per cross-service use location."""
    found = [Crossing(v.kind, v.source_service, tuple(v.target_services), v.subject, v.path, v.line)
             for v in violations]
    for interface in interfaces:
        consumers = ",".join(interface.used_by)
        found += [Crossing(USE_KIND, consumers, (interface.service,), interface.name, use.path, use.line)
                  for use in interface.uses]
    return tuple(sorted(found, key=lambda c: (c.key(), c.path, c.line)))


def analysis_crossings(analysis: Analysis) -> tuple[Crossing, ...]:
    """The crossings an Analysis records (its violations and its interfaces' uses)."""
    return crossings(analysis.violations, analysis.interfaces)


def count_by_kind(found: Iterable[Crossing]) -> tuple[tuple[str, int], ...]:
    """(kind, count) for every kind present, by kind."""
    return tuple(sorted(Counter(c.kind for c in found).items()))


def crossings_line(found: Iterable[Crossing]) -> str:
    """``crossings: 451 (cross-service-fk 15, ..., foreign-write 10)``: the total and each kind."""
    kinds = count_by_kind(found)
    listed = ", ".join(f"{kind} {count}" for kind, count in kinds) or "none"
    return f"crossings: {sum(count for _, count in kinds)} ({listed})"
