"""The demo's report: one table of per-stage figures, then the verdicts, as plain text lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from demonolith.demo.checks import ForgedIdentity
from demonolith.demo.flow import WriteFigures
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
    forged: tuple[ForgedIdentity, ...]
    identity_forwarding: bool
    transparency: TransparencyResult | None
    nginx_conf: Path | None
    pids: tuple[int, ...]
    pids_left: tuple[int, ...]
    unprobed: tuple[str, ...] = ()  # routes without known parameter values
    writes: WriteFigures | None = None

    def stage(self, name: str) -> StageResult:
        """The stage called ``name``."""
        return next(s for s in self.stages if s.name == name)


def stage_table(stages: Sequence[StageResult]) -> list[str]:
    """One line per stage: requests, errors, unanswered, logged-in failures, diffs, service share."""
    lines = [f"{'stage':<13} {'requests':>8} {'errors':>6} {'unanswered':>10} {'auth-lost':>9} "
             f"{'diffs':>5} {'moved-route req':>15} {'by service':>10} {'share':>6} {'fallbacks':>9}"]
    for s in stages:
        share = f"{100 * s.to_service / s.moved_requests:.0f} %" if s.moved_requests else "-"
        lines.append(f"{s.name:<13} {s.requests:>8} {s.errors:>6} {s.unanswered:>10} {s.auth_lost:>9} "
                     f"{s.diffs:>5} {s.moved_requests:>15} {s.to_service:>10} {share:>6} {s.fallbacks:>9}")
    return lines


def render(report: DemoReport) -> list[str]:
    """The whole report as lines of text."""
    lines = ["", f"== report: cut-over of {report.subject.service!r} ==", *stage_table(report.stages), ""]
    lines += [f"moved after shadow ({len(report.verified)}): {', '.join(report.verified) or 'none'}"]
    lines += [f"kept on the monolith: {route}: {why}" for route, why in report.held]
    lines += [f"not exercised (no sample values for its parameters): {r}" for r in report.unprobed]
    lines += [f"shadow difference: {example}" for s in report.stages[:1] for example in s.diff_examples]
    lines += write_lines(report) + _identity_lines(report) + _transparency_lines(report.transparency)
    if report.nginx_conf is not None:
        lines.append(f"nginx config of the final routes: {report.nginx_conf}")
    left = ", ".join(map(str, report.pids_left)) or "none"
    lines.append(f"processes started: {len(report.pids)}, still running: {left}")
    return lines


TARGET_REQUESTS = 5000


def write_lines(report: DemoReport) -> list[str]:
    """The writes, the live sync, the automatic canary and its rollback, rows and parity."""
    writes = report.writes
    if writes is None:
        return []
    shadow = writes.shadow
    unchanged = "unchanged" if shadow.before == shadow.after else "CHANGED"
    lines = [f"shadowed writes: {shadow.posts} POSTs mirrored with shadow_writes ("
             + ", ".join(f"{count} {kind}" for kind, count in shadow.compared)
             + f"); the service's tables: digest {shadow.before} before, {shadow.after} after: {unchanged}",
             f"live sync ({writes.relay_command}): lag p99 {writes.lag_p99:.3f} s, "
             f"max {writes.lag_max:.3f} s "
             f"over {writes.lag_samples} samples of /status (target < 1 s); {writes.conflicts} conflicts, "
             f"{writes.failed_changes} failed changes"]
    lines += [f"canary promoted by the proxy: {run.route}: {run.state} at {run.weight} % ("
              + ", ".join(f"{d.action} {d.weight} %" for d in run.decisions) + ")"
              for run in writes.promotion]
    lines += [f"planted regression (the service slowed): {run.route}: {run.state} at {run.weight} %, "
              f"reason: {run.rollback_reason or 'none'}" for run in writes.regression]
    verdicts = (("after the rollback", (writes.rows_after_rollback,), writes.parity_after_rollback),
                ("after cutting over again", writes.rows_final, writes.parity_final))
    for label, checks, parity in verdicts:
        lines += [f"{label}: {c.accepted} accepted writes on the {c.side}: {len(c.lost)} lost, "
                  f"{len(c.duplicated)} duplicated, {len(c.changed)} with other figures"
                  for c in checks if c is not None]
        if parity is not None:
            last = parity.output.splitlines()[-1] if parity.output else ""
            lines.append(f"{label}: demonolith parity exit {parity.exit_code}: {last}")
    tills = sum(o.actor.startswith("till-") for s in report.stages for o in s.outcomes)
    again = writes.writes_sent - tills  # a till's resends after a 502 replace the failed outcome
    sent = sum(s.requests for s in report.stages) + again
    lines.append(f"load: {sent} requests in all, {writes.writes_sent} of them the tills' writes "
                 f"({again} sent again after a 502 while the service died); target {TARGET_REQUESTS:,}: "
                 + ("met" if sent >= TARGET_REQUESTS else "not met (raise --requests)"))
    return lines


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
