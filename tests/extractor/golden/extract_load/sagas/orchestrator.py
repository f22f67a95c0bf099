"""A minimal saga orchestrator: run steps in order; on failure, compensate the done ones in reverse.

Each step is a local transaction in one service (or a call to that service's API); its compensation
undoes it semantically. Compensations must be idempotent: they may run again after a crash.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("sagas")

Action = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Step:
    """One step: the service that runs it, what it does, and how to undo it."""

    service: str
    description: str
    action: Action
    compensation: Action


@dataclass
class SagaResult:
    """What happened: completed steps, the failure (if any), compensations run."""

    completed: list[str] = field(default_factory=list)
    failed: str | None = None
    error: BaseException | None = None
    compensated: list[str] = field(default_factory=list)
    compensation_errors: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.failed is None


def run_saga(steps: list[Step], context: dict[str, Any]) -> SagaResult:
    """Run ``steps``; when one raises, run the compensations of the completed steps in reverse."""
    result = SagaResult()
    done: list[Step] = []
    for step in steps:
        try:
            step.action(context)
        except Exception as exc:  # noqa: BLE001 - any failure triggers compensation
            result.failed, result.error = step.description, exc
            log.warning("saga step %r failed: %s; compensating", step.description, exc)
            break
        done.append(step)
        result.completed.append(step.description)
    else:
        return result
    for step in reversed(done):
        try:
            step.compensation(context)
            result.compensated.append(step.description)
        except Exception as exc:  # noqa: BLE001 - keep compensating the others, report
            result.compensation_errors.append(f"{step.description}: {exc}")
    return result
