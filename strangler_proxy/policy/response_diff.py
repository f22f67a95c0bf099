"""Compare a primary and a shadow response (pure functions).

Bodies that both parse as JSON are compared structurally: the result is the list of JSON paths that
differ (``$.items[0].price``), so key order and whitespace never count. Other bodies are compared as
bytes. Ignore rules name a key anywhere (``updated_at``) or a path with ``[*]`` / ``*`` wildcards
(``$.items[*].id``). Noise is learned like Twitter's Diffy: the primary is asked twice, and every
path on which the primary disagrees with itself is ignored from then on.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class ComparedResponse:
    """What is compared of one answer: status, the selected headers, the body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Diff:
    """Where two answers differ; empty when they match."""

    paths: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        """Whether nothing differs."""
        return not self.paths


def json_differences(left: Any, right: Any, path: str = "$") -> Iterator[str]:
    """Yield the JSON paths at which ``left`` and ``right`` differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            child = f"{path}.{key}"
            if key not in left or key not in right:
                yield child
            else:
                yield from json_differences(left[key], right[key], child)
    elif isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            yield f"{path}.length"
        for index, (a, b) in enumerate(zip(left, right, strict=False)):
            yield from json_differences(a, b, f"{path}[{index}]")
    elif type(left) is not type(right) or left != right:
        yield path


def generalise(path: str) -> str:
    """``$.items[3].id`` -> ``$.items[*].id`` so learned noise covers every element."""
    return _INDEX.sub("[*]", path)


def is_ignored(path: str, rules: Iterable[str]) -> bool:
    """Whether ``path`` is covered by an ignore rule (a key name, or a path with wildcards)."""
    general = generalise(path)
    last = re.split(r"[.\[]", path)[-1]
    for rule in rules:
        if rule.startswith("$"):
            if general == rule or fnmatch.fnmatchcase(general, rule.replace("[", "[[]")):
                return True
            if general.startswith(rule + ".") or general.startswith(rule + "["):
                return True
        elif last == rule or path.startswith(f"$.{rule}."):
            return True
    return False


def _parse_json(body: bytes) -> tuple[bool, Any]:
    if not body or body[:1] not in b"{[":
        return False, None
    try:
        return True, json.loads(body)
    except ValueError:
        return False, None


def body_differences(left: bytes, right: bytes) -> list[str]:
    """Differing paths of two bodies: structural for JSON, ``$body`` for other bytes."""
    left_ok, left_json = _parse_json(left)
    right_ok, right_json = _parse_json(right)
    if left_ok and right_ok:
        return list(json_differences(left_json, right_json))
    return [] if left == right else ["$body"]


def compare(primary: ComparedResponse, shadow: ComparedResponse, ignore: Iterable[str] = ()) -> Diff:
    """Compare two answers; ``ignore`` holds configured and learned ignore rules."""
    rules = tuple(ignore)
    paths: list[str] = []
    if primary.status != shadow.status:
        paths.append("status")
    shadow_headers = dict(shadow.headers)
    for name, value in primary.headers:
        if shadow_headers.get(name) != value:
            paths.append(f"header:{name}")
    for name in shadow_headers.keys() - dict(primary.headers).keys():
        paths.append(f"header:{name}")
    paths.extend(p for p in body_differences(primary.body, shadow.body) if not is_ignored(p, rules))
    return Diff(tuple(sorted(paths)))


@dataclass
class NoiseLearner:
    """Paths on which the primary disagreed with itself, per route (Diffy's noise)."""

    noisy: dict[str, set[str]] = field(default_factory=dict)

    def learn(self, route: str, first: ComparedResponse, second: ComparedResponse) -> None:
        """Record every path at which two answers of the primary differ."""
        found = {generalise(p) for p in body_differences(first.body, second.body)}
        if found:
            self.noisy.setdefault(route, set()).update(found)

    def rules(self, route: str) -> tuple[str, ...]:
        """The learned ignore rules of ``route``."""
        return tuple(sorted(self.noisy.get(route, ())))
