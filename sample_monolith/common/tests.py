from decimal import Decimal

from django.test import SimpleTestCase, TestCase, override_settings

from common.money import money_str, percent_of, sum_money, to_money
from common.tasks import REGISTRY, TASK_LOG, shared_task
from common.utils import make_reference, parse_positive_int


@shared_task
def add(a: int, b: int) -> int:
    return a + b


@shared_task(name="tests.explode", max_retries=1)
def explode() -> None:
    raise RuntimeError("boom")


class MoneyTests(SimpleTestCase):
    def test_rounding_and_rendering(self) -> None:
        self.assertEqual(to_money("1.005"), Decimal("1.01"))
        self.assertEqual(money_str(Decimal("3")), "3.00")
        self.assertEqual(percent_of(Decimal("19.99"), 10), Decimal("2.00"))
        self.assertEqual(sum_money([]), Decimal("0.00"))

    def test_utils(self) -> None:
        self.assertEqual(make_reference("SO", 42), "SO0000042")
        self.assertEqual(parse_positive_int("abc", 5), 5)
        self.assertEqual(parse_positive_int("500", 5, maximum=100), 100)


class TaskTests(SimpleTestCase):
    def test_delay_runs_inline_and_records(self) -> None:
        result = add.delay(2, 3)
        self.assertTrue(result.ok)
        self.assertEqual(result.get(), 5)
        self.assertEqual(TASK_LOG[-1].name, "common.tests.add")
        self.assertIn("tests.explode", REGISTRY)

    def test_failure_is_recorded_not_raised(self) -> None:
        with self.assertLogs("shop.tasks", "WARNING") as logs:
            result = explode.apply_async()
        self.assertEqual(len(logs.output), 2)  # first try and one retry
        self.assertFalse(result.ok)
        self.assertIn("boom", result.error)
        self.assertFalse(TASK_LOG[-1].ok)

    @override_settings(SHOP_TASKS_EAGER_PROPAGATES=True)
    def test_failure_propagates_when_configured(self) -> None:
        with self.assertRaises(RuntimeError), self.assertLogs("shop.tasks", "WARNING"):
            explode.delay()


class HealthTests(TestCase):
    def test_health(self) -> None:
        self.assertEqual(self.client.get("/healthz/").json(), {"status": "ok"})
