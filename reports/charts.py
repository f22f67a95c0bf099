"""Small inline SVG charts: the metrics beside the baselines, and the automatic-N score curve.

Pure functions from model values to SVG text; colours come from CSS classes so the charts follow
the page's light or dark theme. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from analyzer.model.analysis import CountScore, Metrics, MetricsComparison


@dataclass(frozen=True)
class MetricSpec:
    """How to show one metric: its field, a label, which direction is better, and the format."""

    field: str
    label: str
    better: str  # "higher" | "lower"
    fmt: str = "{:.2f}"


METRIC_SPECS = (
    MetricSpec("modularity", "Modularity", "higher"),
    MetricSpec("sm", "Structural modularity (SM)", "higher"),
    MetricSpec("icp", "Inter-call percentage (ICP)", "lower"),
    MetricSpec("ifn", "Interface number (IFN)", "lower"),
    MetricSpec("ned", "Non-extreme distribution (NED)", "lower"),
    MetricSpec("cross_service_data_edges", "Cross-service data edges", "lower", "{:d}"),
    MetricSpec("transactional_purity", "Transactional purity", "higher"),
    MetricSpec("shared_tables", "Shared tables", "lower", "{:d}"),
    MetricSpec("mean_services_per_route", "Services per request", "lower"),
)
SERIES = (("proposal", "proposal"), ("per_app", "one service per app"), ("monolith", "monolith"))


def metric_value(metrics: Metrics, spec: MetricSpec) -> str:
    """Return one metric formatted for display."""
    value = getattr(metrics, spec.field)
    return spec.fmt.format(value)


def _best(values: Sequence[float], better: str) -> float:
    return max(values) if better == "higher" else min(values)


def metrics_chart(comparison: MetricsComparison) -> Markup:
    """Return grouped horizontal bars: each metric for the proposal and the two baselines."""
    label_w, bar_w, bar_h, gap = 200, 270, 11, 12
    row_h = bar_h * len(SERIES) + gap
    height = 26 + row_h * len(METRIC_SPECS)
    parts = [f'<svg class="chart metrics-chart" viewBox="0 0 {label_w + bar_w + 70} {height}" '
             'role="img" aria-label="metrics of the proposal beside the two baselines">']
    for i, (key, label) in enumerate(SERIES):
        x = label_w + (0, 80, 215)[i]
        parts.append(f'<rect class="bar-{key}" x="{x}" y="4" width="10" height="10"/>'
                     f'<text x="{x + 14}" y="13" class="legend">{escape(label)}</text>')
    for row, spec in enumerate(METRIC_SPECS):
        parts.append(_metric_row(comparison, spec, 26 + row * row_h, label_w, bar_w, bar_h))
    parts.append("</svg>")
    return Markup("".join(parts))


def _metric_row(comparison: MetricsComparison, spec: MetricSpec, top: int, label_w: int,
                bar_w: int, bar_h: int) -> str:
    values = [float(getattr(getattr(comparison, key), spec.field)) for key, _ in SERIES]
    scale = max((abs(v) for v in values), default=0.0) or 1.0
    best = _best(values, spec.better)
    arrow = "↑" if spec.better == "higher" else "↓"
    parts = [f'<text x="0" y="{top + 10}" class="metric-label">{escape(spec.label)}</text>'
             f'<text x="0" y="{top + 24}" class="muted">{arrow} {spec.better} is better</text>']
    for i, ((key, label), value) in enumerate(zip(SERIES, values, strict=True)):
        y = top + i * bar_h
        width = max(1.0, bar_w * abs(value) / scale)
        shown = metric_value(getattr(comparison, key), spec)
        weight = ' font-weight="bold"' if value == best else ""
        parts.append(f'<rect class="bar-{key}" x="{label_w}" y="{y}" width="{width:.1f}" '
                     f'height="{bar_h - 2}"><title>{escape(label)}: {shown}</title></rect>'
                     f'<text x="{label_w + width + 4:.1f}" y="{y + bar_h - 3}" class="value"'
                     f'{weight}>{shown}</text>')
    return "".join(parts)


def score_curve(scores: Sequence[CountScore], chosen: int, final: int) -> Markup:
    """Return a line chart of score and modularity per service count, the count chosen on the curve
    marked, and ``final``, the services proposed after splits and folds, named beside it when it differs."""
    points = sorted(scores, key=lambda s: s.services)
    if not points:
        return Markup("")
    width, height, left, bottom, top = 520, 200, 44, 28, 14
    xs = [p.services for p in points]
    ys = [v for p in points for v in (p.score, p.modularity)]
    x_lo, x_hi = min(xs), max(max(xs), min(xs) + 1)
    y_lo, y_hi = min(0.0, *ys), max(ys) if max(ys) > min(0.0, *ys) else 1.0

    def sx(n: float) -> float:
        return left + (width - left - 10) * (n - x_lo) / (x_hi - x_lo)

    def sy(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - y_lo) / (y_hi - y_lo))

    parts = [f'<svg class="chart score-curve" viewBox="0 0 {width} {height}" role="img" '
             'aria-label="score per number of services">',
             f'<line class="axis" x1="{left}" y1="{sy(y_lo):.1f}" x2="{width - 10}" y2="{sy(y_lo):.1f}"/>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{sy(y_lo):.1f}"/>']
    for value in (y_lo, (y_lo + y_hi) / 2, y_hi):
        parts.append(f'<text class="tick" x="{left - 4}" y="{sy(value) + 3:.1f}" '
                     f'text-anchor="end">{value:.2f}</text>')
    for n in _ticks(x_lo, x_hi):
        parts.append(f'<text class="tick" x="{sx(n):.1f}" y="{height - 12}" '
                     f'text-anchor="middle">{n}</text>')
    if x_lo <= chosen <= x_hi:
        then = "" if final == chosen else f", {final} after splits and folds"
        anchor = "start" if sx(chosen) < (left + width) / 2 else "end"
        shift = 4 if anchor == "start" else -4
        parts.append(f'<line class="chosen" x1="{sx(chosen):.1f}" y1="{top}" x2="{sx(chosen):.1f}" '
                     f'y2="{sy(y_lo):.1f}"/><text class="tick" x="{sx(chosen) + shift:.1f}" '
                     f'y="{top + 8}" text-anchor="{anchor}">chosen: {chosen}{then}</text>')
    for series in ("score", "modularity"):
        coords = " ".join(f"{sx(p.services):.1f},{sy(getattr(p, series)):.1f}" for p in points)
        parts.append(f'<polyline class="line-{series}" fill="none" points="{coords}"/>')
        parts += [f'<circle class="dot-{series}" cx="{sx(p.services):.1f}" '
                  f'cy="{sy(getattr(p, series)):.1f}" r="3"><title>{p.services} services: '
                  f'{series} {getattr(p, series):.3f}</title></circle>' for p in points]
    parts.append(f'<text class="tick" x="{width - 10}" y="{height - 1}" text-anchor="end">'
                 'services</text></svg>')
    return Markup("".join(parts))


def _ticks(low: int, high: int) -> list[int]:
    step = max(1, (high - low) // 10)
    return list(range(low, high + 1, step))
