"""A reference decomposition (``--reference FILE``) and how far a proposal is from it.

The file maps model labels (``orders.Order``) or dotted modules/packages (``orders.models``,
``orders``) to service names, in JSON or TOML, in either of two shapes::

    {"orders.Order": "orders", "catalog": "catalog"}              # flat: key -> service
    [models]                                                     # flat, in sections
    "orders.Order" = "orders"
    [services]                                                   # grouped: service -> keys
    orders = ["orders", "payments.models"]
    catalog = { models = ["catalog.Product"], modules = ["catalog"] }

A file with sections reads ``[models]``, ``[modules]``, ``[apps]`` and ``[framework_models]``
(each ``key = "service"``) and ignores the others (``[tables]``, notes such as
``[shared_libraries]``), as in ``sample_monolith/reference_decomposition.toml``.

Comparison happens at the model level: a model takes the service of its label, else of the
longest dotted prefix of its module. Scores are the adjusted Rand index
(:mod:`analyzer.metrics.adjusted_rand`) and MoJoFM (:mod:`analyzer.metrics.mojofm`), both with the
reference as the target.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.metrics.adjusted_rand import adjusted_rand_index
from analyzer.metrics.mojofm import mojofm
from analyzer.model.analysis import ReferenceDifference

MODEL_SECTIONS = frozenset({"models", "modules", "apps", "framework_models"})


@dataclass(frozen=True)
class ReferenceDecomposition:
    """A target decomposition: ``(key, service)`` pairs sorted by key; keys are labels or modules."""

    source: str
    entries: tuple[tuple[str, str], ...]

    def service_of(self, label: str, module: str) -> str | None:
        """The reference service of a model: by its label, else by the longest prefix of its module."""
        mapping = dict(self.entries)
        if label in mapping:
            return mapping[label]
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            service = mapping.get(".".join(parts[:end]))
            if service is not None:
                return service
        return None


def load_reference(path: Path) -> ReferenceDecomposition:
    """Read a JSON or TOML reference file; raise ConfigError naming the file and the key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the reference decomposition: {exc.strerror}") from exc
    return parse_reference(text, str(path), toml=path.suffix.lower() == ".toml")


def parse_reference(text: str, source: str, toml: bool) -> ReferenceDecomposition:
    """Parse reference text (TOML when ``toml``, else JSON) into a :class:`ReferenceDecomposition`."""
    try:
        document: Any = tomllib.loads(text) if toml else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{source}: not valid {'TOML' if toml else 'JSON'}: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: expected a table mapping models or modules to services")
    grouped = document.get("services")
    pairs = _grouped(grouped, source) if isinstance(grouped, dict) else _flat(document, source)
    if not pairs:
        raise ConfigError(f"{source}: the reference decomposition names no model or module")
    return ReferenceDecomposition(source=source, entries=tuple(sorted(pairs.items())))


def _flat(document: Mapping[str, Any], source: str, section: str = "") -> dict[str, str]:
    pairs = {}
    sectioned = not section and any(isinstance(value, dict) for value in document.values())
    for key, value in document.items():
        if sectioned:
            if key in MODEL_SECTIONS:
                if not isinstance(value, dict):
                    raise ConfigError(f"{source}: [{key}]: expected a table of model or module = service")
                pairs.update(_flat(value, source, f"{key}."))
            continue
        if not isinstance(value, str) or not value:
            raise ConfigError(
                f"{source}: key {section + key!r}: expected a service name string, got {value!r}"
            )
        pairs[key] = value
    return pairs


def _grouped(services: Mapping[str, Any], source: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for service, members in services.items():
        where = f"services.{service}"
        keys = _member_keys(members, source, where)
        for key in keys:
            if pairs.get(key, service) != service:
                raise ConfigError(f"{source}: {where}: {key!r} is already in service {pairs[key]!r}")
            pairs[key] = service
    return pairs


def _member_keys(members: Any, source: str, where: str) -> list[str]:
    if isinstance(members, dict):
        keys: list[str] = []
        for name, value in members.items():
            if isinstance(value, list):
                keys.extend(_member_keys(value, source, f"{where}.{name}"))
        return keys
    if not isinstance(members, list) or not all(isinstance(m, str) and m for m in members):
        raise ConfigError(f"{source}: {where}: expected a list of model labels or modules")
    return list(members)


def reference_partition(
    reference: ReferenceDecomposition, models: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Map each ``(label, module)`` model the reference places to its reference service."""
    placed = {}
    for label, module in sorted(models):
        service = reference.service_of(label, module)
        if service is not None:
            placed[label] = service
    return placed


def placed_differently(
    partition: Mapping[str, str], reference: Mapping[str, str]
) -> tuple[ReferenceDifference, ...]:
    """The models (label -> proposal service) not in the proposal service that holds most of
    their reference service's models (ties: the first service by name), sorted by reference
    service then label. Models the reference does not place are left out."""
    groups: dict[str, Counter[str]] = {}
    for label, service in partition.items():
        if label in reference:
            groups.setdefault(reference[label], Counter())[service] += 1
    expected = {group: min(counts, key=lambda s: (-counts[s], s)) for group, counts in groups.items()}
    placed = sorted((reference[label], label, service) for label, service in partition.items()
                    if label in reference)
    return tuple(ReferenceDifference(label, group, expected[group], service)
                 for group, label, service in placed if service != expected[group])


def scores_against(partition: Mapping[str, str], reference: Mapping[str, str]) -> tuple[float, float]:
    """``(ARI, MoJoFM)`` of a model-level partition against the reference, rounded to 4 digits."""
    return (round(adjusted_rand_index(partition, reference), 4), round(mojofm(partition, reference), 4))
