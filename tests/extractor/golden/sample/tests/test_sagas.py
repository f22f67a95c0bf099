"""Each saga: the happy path completes; a failing step triggers the compensations in reverse."""

from dataclasses import replace
from typing import Any

from django.test import SimpleTestCase

from sagas import saga_place_order_saga
from sagas.orchestrator import Step, run_saga


def _recording(steps: list[Step], log: list[str], fail_at: int | None) -> list[Step]:
    def action(index: int, step: Step) -> Any:
        def run(context: dict[str, Any]) -> None:
            if index == fail_at:
                raise RuntimeError(f"step {index} failed")
            log.append(f"do {step.description}")
        return run

    def compensation(step: Step) -> Any:
        return lambda context: log.append(f"undo {step.description}")

    return [replace(s, action=action(i, s), compensation=compensation(s)) for i, s in enumerate(steps)]


class SagaTests(SimpleTestCase):
    SAGAS: tuple[Any, ...] = (saga_place_order_saga, )

    def test_steps_are_stubs_until_implemented(self) -> None:
        for saga in self.SAGAS:
            with self.subTest(saga.__name__):
                result = saga.run({})
                self.assertFalse(result.succeeded)
                self.assertIsInstance(result.error, NotImplementedError)

    def test_happy_path_runs_every_step(self) -> None:
        for saga in self.SAGAS:
            log: list[str] = []
            result = run_saga(_recording(saga.steps(), log, None), {})
            self.assertTrue(result.succeeded)
            self.assertEqual(log, [f"do {s.description}" for s in saga.steps()])

    def test_failure_compensates_completed_steps_in_reverse(self) -> None:
        for saga in self.SAGAS:
            steps = saga.steps()
            with self.subTest(saga.__name__):
                log: list[str] = []
                last = len(steps) - 1
                result = run_saga(_recording(steps, log, last), {})
                self.assertFalse(result.succeeded)
                done = [s.description for s in steps[:last]]
                self.assertEqual(log, [f"do {d}" for d in done] + [f"undo {d}" for d in reversed(done)])
                self.assertEqual(result.compensated, list(reversed(done)))
