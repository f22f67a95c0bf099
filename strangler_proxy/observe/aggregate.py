"""Metrics across worker processes: each worker sends a snapshot, the supervisor merges them.

A snapshot is plain JSON (one entry per metric). Merging adds counters and histogram buckets
label set by label set; gauges are combined as each declares (``sum`` for connection counts and
queue lengths, ``max`` for breaker state — the worst worker shows — and ``min`` for health and
reload success). The merged registry renders through the same classes as a single process, so
``/metrics`` looks the same with one worker or many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from strangler_proxy.observe.metrics import Counter, Gauge, Histogram, Metric, PrometheusRegistry

_COMBINE: dict[str, Callable[[float, float], float]] = {
    "sum": lambda a, b: a + b, "max": max, "min": min}


def snapshot(metrics: PrometheusRegistry) -> list[dict[str, Any]]:
    """Every metric of ``metrics`` as JSON-ready data (gauges are read now)."""
    found = []
    for metric in metrics.metrics:
        entry: dict[str, Any] = {"name": metric.name, "help": metric.help, "kind": metric.kind,
                                 "labels": list(metric.label_names)}
        if isinstance(metric, Histogram):
            entry["buckets"] = list(metric.buckets)
            entry["values"] = [[list(k), list(v)] for k, v in sorted(metric.series.items())]
        else:
            if isinstance(metric, Gauge):
                metric.collect_now()
                entry["aggregate"] = metric.aggregate
            entry["values"] = [[list(k), v] for k, v in sorted(metric.values.items())]
        found.append(entry)
    return found


def _empty(entry: dict[str, Any]) -> Metric:
    labels = tuple(entry["labels"])
    if entry["kind"] == "histogram":
        return Histogram(entry["name"], entry["help"], labels, tuple(entry["buckets"]))
    if entry["kind"] == "gauge":
        return Gauge(entry["name"], entry["help"], labels, None, entry.get("aggregate", "sum"))
    return Counter(entry["name"], entry["help"], labels)


def _add(metric: Metric, entry: dict[str, Any]) -> None:
    if isinstance(metric, Histogram):
        if list(metric.buckets) != entry["buckets"]:
            return  # a worker of another version: never mix incompatible buckets
        for labels, series in entry["values"]:
            key = tuple(labels)
            mine = metric.series.get(key)
            metric.series[key] = [a + b for a, b in zip(mine, series, strict=True)] if mine \
                else list(series)
        return
    combine = _COMBINE.get(getattr(metric, "aggregate", "sum"), _COMBINE["sum"])
    for labels, value in entry["values"]:
        key = tuple(labels)
        metric.values[key] = combine(metric.values[key], value) if key in metric.values else value


def merge(snapshots: Iterable[list[dict[str, Any]]]) -> list[Metric]:
    """One registry from many snapshots, metrics in first-seen order."""
    merged: dict[str, Metric] = {}
    for entries in snapshots:
        for entry in entries:
            metric = merged.get(entry["name"])
            if metric is None:
                metric = merged[entry["name"]] = _empty(entry)
            if metric.kind == entry["kind"]:
                _add(metric, entry)
    return list(merged.values())


def render(metrics: Iterable[Metric]) -> str:
    """Merged metrics in the Prometheus text format (as :meth:`PrometheusRegistry.render`)."""
    lines: list[str] = []
    for metric in metrics:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        lines.extend(metric.samples())
    return "\n".join(lines) + "\n"
