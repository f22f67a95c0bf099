"""Which of the demo's promises a run kept: the list of failed checks (empty when all held)."""

from __future__ import annotations

from demonolith.demo.report import DemoReport


def failed_checks(report: DemoReport) -> list[str]:
    """One sentence per broken promise of the walkthrough."""
    failures = [f"{s.name}: {s.errors} requests without an answer or with a 5xx"
                for s in report.stages if s.errors]
    failures += [f"{s.name}: {s.auth_lost} logged-in requests treated as anonymous"
                 for s in report.stages if s.auth_lost]
    if report.canary is not None and not report.canary.within_tolerance:
        failures.append(f"canary share {100 * report.canary.share:.1f} % is outside "
                        f"{report.canary.expected_percent} % ± {100 * report.canary.tolerance:.1f}")
    if report.canary is not None and not report.canary.sticky:
        failures.append("canary: a logged-in visitor was served by both sides")
    failures += [f"forged identity header reached the service on {f.path}"
                 for f in report.forged if not f.refused_or_stripped]
    if report.transparency is not None and not report.transparency.transparent:
        failures.append(f"the proxy changed {len(report.transparency.different)} answers")
    if report.pids_left:
        failures.append(f"processes still running: {report.pids_left}")
    return failures
