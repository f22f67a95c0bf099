"""The demo's report: one table of per-stage figures, then the verdicts, as plain text lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from demonolith.demo.checks import CanaryCheck, ForgedIdentity
from demonolith.demo.prepare import Subject
from demonolith.demo.stages import StageResult
from demonolith.demo.transparency import TransparencyResult


@dataclass(frozen=True)
class DemoReport:
    """Everything one run of the demo found."""

    subject: Subject
    verified: tuple[str, ...]
    held: tuple[tuple[str, str], ...]  # route -> why it stays on the monolith
    stages: tuple[StageResult, ...]
    canary: CanaryCheck | None
    forged: tuple[ForgedIdentity, ...]
    identity_forwarding: bool
    transparency: TransparencyResult | None
    nginx_conf: Path | None
    pids: tuple[int, ...]
    pids_left: tuple[int, ...]
    unprobed: tuple[str, ...] = ()  # routes without known parameter values

    def stage(self, name: str) -> StageResult:
        """The stage called ``name``."""
        return next(s for s in self.stages if s.name == name)


def stage_table(stages: Sequence[StageResult]) -> list[str]:
    """One line per stage: requests, errors, unanswered, logged-in failures, diffs, service share."""
    lines = [f"{'stage':<9} {'requests':>8} {'errors':>6} {'unanswered':>10} {'auth-lost':>9} "
             f"{'diffs':>5} {'moved-route req':>15} {'by service':>10} {'share':>6} {'fallbacks':>9}"]
    for s in stages:
        share = f"{100 * s.to_service / s.moved_requests:.0f} %" if s.moved_requests else "-"
        lines.append(f"{s.name:<9} {s.requests:>8} {s.errors:>6} {s.unanswered:>10} {s.auth_lost:>9} "
                     f"{s.diffs:>5} {s.moved_requests:>15} {s.to_service:>10} {share:>6} {s.fallbacks:>9}")
    return lines


def render(report: DemoReport) -> list[str]:
    """The whole report as lines of text."""
    lines = ["", f"== report: cut-over of {report.subject.service!r} ==", *stage_table(report.stages), ""]
    lines += [f"moved after shadow ({len(report.verified)}): {', '.join(report.verified) or 'none'}"]
    lines += [f"kept on the monolith: {route}: {why}" for route, why in report.held]
    lines += [f"not exercised (no sample values for its parameters): {r}" for r in report.unprobed]
    lines += [f"shadow difference: {example}" for s in report.stages[:1] for example in s.diff_examples]
    lines += _canary_lines(report.canary) + _identity_lines(report) + _transparency_lines(report.transparency)
    if report.nginx_conf is not None:
        lines.append(f"nginx config of the final routes: {report.nginx_conf}")
    left = ", ".join(map(str, report.pids_left)) or "none"
    lines.append(f"processes started: {len(report.pids)}, still running: {left}")
    return lines


def _canary_lines(canary: CanaryCheck | None) -> list[str]:
    if canary is None:
        return ["canary: skipped (no route was proven in shadow)"]
    verdict = "ok" if canary.within_tolerance else "OUT OF TOLERANCE"
    sticky = "ok" if canary.sticky else "BROKEN"
    return [f"canary: {canary.spread_to_service}/{canary.spread_requests} anonymous requests to the "
            f"service = {100 * canary.share:.1f} % (weight {canary.expected_percent} %, tolerance "
            f"±{100 * canary.tolerance:.1f} points): {verdict}",
            f"canary stickiness: {sticky} — {len(canary.sessions)} (logged-in visitor, route) pairs, "
            f"{sum(len(ups) == 1 for _, ups in canary.sessions)} on one side only, "
            f"{sum(ups != ('monolith',) for _, ups in canary.sessions)} on the service"]


def _identity_lines(report: DemoReport) -> list[str]:
    lines = [f"identity forwarding in the proxy: {'on' if report.identity_forwarding else 'NOT AVAILABLE'}"]
    served = [(s, o) for s in report.stages for o in s.outcomes
              if o.logged_in and o.route and s.upstream_of(o.request_id) == report.subject.service]
    lines.append(f"logged-in requests answered by the service: {len(served)}, refused as unauthenticated: "
                 f"{sum(o.status == 401 for _, o in served)}")
    for forged in report.forged:
        verdict = "refused or stripped" if forged.refused_or_stripped else "REACHED THE SERVICE"
        lines.append(f"forged identity header on {forged.path}: {forged.status} "
                     f"(without it: {forged.baseline_status}): {verdict}")
    return lines


def _transparency_lines(result: TransparencyResult | None) -> list[str]:
    if result is None:
        return []
    verdict = "transparent" if result.transparent else "NOT TRANSPARENT"
    lines = [f"transparency (all routes on the monolith): {result.identical}/{result.requests} identical, "
             f"{len(result.noisy)} parts noisy in the monolith itself, {len(result.different)} "
             f"changed by the proxy: {verdict}"]
    lines += [f"  noise: {part}" for part in result.noisy[:5]]
    lines += [f"  changed: {part}" for part in result.different[:10]]
    return lines
