"""Which of the demo's promises a run kept: the list of failed checks (empty when all held)."""

from __future__ import annotations

from demonolith.demo.report import DemoReport
from demonolith.demo.writes import RowCheck

LAG_P99_LIMIT = 1.0  # seconds


def failed_checks(report: DemoReport) -> list[str]:
    """One sentence per broken promise of the walkthrough."""
    failures = [f"{s.name}: {s.errors} requests without an answer or with a 5xx"
                for s in report.stages if s.errors]
    failures += [f"{s.name}: {s.auth_lost} logged-in requests treated as anonymous"
                 for s in report.stages if s.auth_lost]
    failures += write_failures(report)
    failures += [f"forged identity header reached the service on {f.path}"
                 for f in report.forged if not f.refused_or_stripped]
    if report.transparency is not None and not report.transparency.transparent:
        failures.append(f"the proxy changed {len(report.transparency.different)} answers")
    if report.pids_left:
        failures.append(f"processes still running: {report.pids_left}")
    return failures


def write_failures(report: DemoReport) -> list[str]:
    """The broken promises about writes: shadow, automatic canary, rollback, rows, parity, lag."""
    writes = report.writes
    if writes is None:
        return []
    shadow = writes.shadow
    failures = []
    if shadow.before != shadow.after:
        failures.append(f"the shadowed POSTs changed the service's tables "
                        f"({shadow.before} -> {shadow.after})")
    if (shadow.posts and shadow.count("match") == 0) or shadow.posts - shadow.count("match"):
        failures.append(f"shadowed writes: {shadow.count('match')} of {shadow.posts} matched")
    failures += [f"the canary of {run.route} ended {run.state or 'never started'} at {run.weight} %, "
                 "not complete"
                 for run in writes.promotion if run.state != "complete"]
    failures += [f"the planted regression on {run.route} was not rolled back ({run.state} at {run.weight} %)"
                 for run in writes.regression if run.state != "rolled_back" or not run.rollback_reason]
    checks: list[RowCheck | None] = [writes.rows_after_rollback, *writes.rows_final]
    failures += [f"{c.side}: {len(c.lost)} accepted writes lost, {len(c.duplicated)} duplicated, "
                 f"{len(c.changed)} changed (e.g. {(c.lost + c.duplicated + c.changed)[0]})"
                 for c in checks if c is not None and not c.ok]
    parities = (("after the rollback", writes.parity_after_rollback), ("at the end", writes.parity_final))
    failures += [f"demonolith parity {label} exited {parity.exit_code}"
                 for label, parity in parities if parity is not None and not parity.ok]
    if writes.lag_p99 >= LAG_P99_LIMIT:
        failures.append(f"sync lag p99 {writes.lag_p99:.3f} s is not under {LAG_P99_LIMIT:g} s")
    return failures
