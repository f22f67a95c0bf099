"""Read what the proxy reports: Prometheus samples from ``/metrics`` and JSON access-log lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    """One Prometheus sample: metric name, sorted labels, value."""

    name: str
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str:
        """The value of label ``key`` ("" when absent)."""
        return dict(self.labels).get(key, "")


def parse_metrics(text: str) -> tuple[Sample, ...]:
    """Samples of a Prometheus text exposition (comments and malformed lines skipped)."""
    samples = []
    for line in text.splitlines():
        match = _SAMPLE.match(line.strip())
        if match is None or line.startswith("#"):
            continue
        labels = tuple(sorted((k, v.replace('\\"', '"').replace("\\\\", "\\"))
                              for k, v in _LABEL.findall(match[2] or "")))
        try:
            samples.append(Sample(match[1], labels, float(match[3])))
        except ValueError:
            continue
    return tuple(samples)


def increase(before: Iterable[Sample], after: Iterable[Sample]) -> tuple[Sample, ...]:
    """Counter increase per series between two scrapes; a series that went down was reset."""
    old = {(s.name, s.labels): s.value for s in before}
    result = []
    for sample in after:
        previous = old.get((sample.name, sample.labels), 0.0)
        grown = sample.value - previous if sample.value >= previous else sample.value
        result.append(Sample(sample.name, sample.labels, grown))
    return tuple(result)


def total(samples: Iterable[Sample], name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(s.value for s in samples if s.name == name and wanted <= set(s.labels))


@dataclass(frozen=True)
class AccessEntry:
    """The part of an access-log line the demo reads."""

    request_id: str
    route: str
    upstream: str
    status: int


def read_access_log(path: Path) -> dict[str, AccessEntry]:
    """Access-log entries by request id (``"shadow": true`` marks a request that was also mirrored)."""
    entries: dict[str, AccessEntry] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(data, dict) or "request_id" not in data:
            continue
        entry = AccessEntry(str(data["request_id"]), str(data.get("route", "")),
                            str(data.get("upstream", "")), int(data.get("status", 0)))
        entries[entry.request_id] = entry
    return entries
