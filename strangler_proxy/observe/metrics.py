"""A small Prometheus registry: counters, gauges and histograms rendered in the text format.

The hot path only increments numbers in dicts keyed by label tuples; rendering happens on scrape.
Gauges that describe live state (breaker state, health) are read through callbacks at scrape time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                   10.0, 30.0)
Labels = tuple[str, ...]
_CODES = {code: str(code) for code in range(100, 600)}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Labels, values: Labels, extra: str = "") -> str:
    parts = [f'{name}="{_escape(value)}"' for name, value in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


class Counter:
    """A monotonically increasing value per label set."""

    kind = "counter"

    def __init__(self, name: str, help_text: str, labels: Labels) -> None:
        self.name, self.help, self.label_names = name, help_text, labels
        self.values: dict[Labels, float] = {}

    def inc(self, labels: Labels, amount: float = 1.0) -> None:
        """Add ``amount`` to the series of ``labels``."""
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def samples(self) -> Iterable[str]:
        """Text-format sample lines."""
        for labels, value in sorted(self.values.items()):
            yield f"{self.name}{_labels(self.label_names, labels)} {value:g}"


class Gauge(Counter):
    """A value read at scrape time from ``collect`` (or set directly)."""

    kind = "gauge"

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: Labels,
        collect: Callable[[], dict[Labels, float]] | None = None,
        aggregate: str = "sum",
    ) -> None:
        super().__init__(name, help_text, labels)
        self._collect = collect
        self.aggregate = aggregate  # how --workers combines the processes' values: sum/min/max

    def collect_now(self) -> dict[Labels, float]:
        """The current values (read through the callback when one is set)."""
        if self._collect is not None:
            self.values = self._collect()
        return self.values

    def samples(self) -> Iterable[str]:
        """Text-format sample lines, collected now when a callback is set."""
        self.collect_now()
        return super().samples()


class Histogram:
    """Cumulative buckets, sum and count per label set."""

    kind = "histogram"

    def __init__(
        self, name: str, help_text: str, labels: Labels, buckets: tuple[float, ...]
    ) -> None:
        self.name, self.help, self.label_names, self.buckets = name, help_text, labels, buckets
        self.series: dict[Labels, list[float]] = {}

    def observe(self, labels: Labels, value: float) -> None:
        """Count one observation; the series list is [bucket counts..., +Inf, sum]."""
        series = self.series.get(labels)
        if series is None:
            series = self.series[labels] = [0.0] * (len(self.buckets) + 2)
        series[bisect_left(self.buckets, value)] += 1
        series[-1] += value

    def samples(self) -> Iterable[str]:
        """Text-format bucket, sum and count lines."""
        for labels, series in sorted(self.series.items()):
            running = 0.0
            for bound, count in zip((*self.buckets, float("inf")), series, strict=False):
                running += count
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                label_text = _labels(self.label_names, labels, 'le="' + le + '"')
                yield f"{self.name}_bucket{label_text} {running:g}"
            yield f"{self.name}_sum{_labels(self.label_names, labels)} {series[-1]:.6f}"
            yield f"{self.name}_count{_labels(self.label_names, labels)} {running:g}"


Metric = Counter | Histogram


class PrometheusRegistry:
    """Every metric of the proxy; one instance per process."""

    def __init__(self) -> None:
        self.requests = Counter(
            "proxy_requests_total", "Requests answered, by route, upstream and status code.",
            ("route", "upstream", "code"))
        self.latency = Histogram(
            "proxy_request_duration_seconds", "Time from request head to response end.",
            ("route", "upstream"), LATENCY_BUCKETS)
        self.upstream_errors = Counter(
            "proxy_upstream_errors_total", "Failed upstream attempts by kind.",
            ("upstream", "kind"))
        self.retries = Counter("proxy_retries_total", "Retried attempts.", ("upstream",))
        self.fallbacks = Counter(
            "proxy_fallbacks_total", "Requests answered by a route's fallback.", ("route", "to"))
        self.rejected = Counter(
            "proxy_rejected_requests_total", "Requests refused by the proxy itself.", ("reason",))
        self.shadow = Counter(
            "proxy_shadow_comparisons_total",
            "Shadow outcomes: match, diff, error, dropped (queue full in jobs or bytes), skipped.",
            ("route", "result"))
        self.metrics: list[Metric] = [
            self.requests, self.latency, self.upstream_errors, self.retries, self.fallbacks,
            self.rejected, self.shadow,
        ]

    def request_finished(self, route: str, upstream: str, status: int, duration: float) -> None:
        """Count and time one answered request (the per-request path, in one call)."""
        values = self.requests.values
        key = (route, upstream, _CODES.get(status) or str(status))
        values[key] = values.get(key, 0.0) + 1.0
        latency = self.latency
        series = latency.series.get((route, upstream))
        if series is None:
            series = latency.series[(route, upstream)] = [0.0] * (len(latency.buckets) + 2)
        series[bisect_left(latency.buckets, duration)] += 1
        series[-1] += duration

    def add_counter(self, name: str, help_text: str, labels: Labels) -> Counter:
        """Register and return a counter (features that are off never increment theirs)."""
        counter = Counter(name, help_text, labels)
        self.metrics.append(counter)
        return counter

    def add_gauge(
        self, name: str, help_text: str, labels: Labels,
        collect: Callable[[], dict[Labels, float]], aggregate: str = "sum",
    ) -> None:
        """Register a gauge read at scrape time (breaker state, health, pool sizes); with
        ``--workers``, ``aggregate`` (sum, min, max) combines the workers' values."""
        self.metrics.append(Gauge(name, help_text, labels, collect, aggregate))

    def render(self) -> str:
        """The whole registry in the Prometheus text exposition format (version 0.0.4)."""
        lines: list[str] = []
        for metric in self.metrics:
            lines.append(f"# HELP {metric.name} {metric.help}")
            lines.append(f"# TYPE {metric.name} {metric.kind}")
            lines.extend(metric.samples())
        return "\n".join(lines) + "\n"
