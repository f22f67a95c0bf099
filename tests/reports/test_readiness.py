"""The readiness verdict's reasons read as sentences for one and for several (reports.readiness)."""

from __future__ import annotations

import dataclasses

from analyzer.model.analysis import Analysis, Violation
from reports.readiness import readiness
from tests.helpers.small_analysis import small_analysis


def with_violations(transactions: int, writes: int) -> Analysis:
    """The small analysis with that many distributed transactions and foreign writes."""
    def violation(kind: str, number: int) -> Violation:
        return Violation(f"V-{kind}-{number:04d}", kind, "orders/views.py", number, "orders",
                         ("catalog",), "orders.views.checkout writes catalog_product", "Use a saga.")

    made = [violation("distributed-transaction", n) for n in range(transactions)]
    made += [violation("foreign-write", 100 + n) for n in range(writes)]
    return dataclasses.replace(small_analysis(), violations=tuple(made))


def test_one_transaction_and_one_write_read_in_the_singular() -> None:
    reasons = readiness(with_violations(1, 1)).reasons
    assert "1 transaction spans services and would become a saga" in reasons
    assert "1 place writes tables another service would own" in reasons


def test_several_read_in_the_plural() -> None:
    reasons = readiness(with_violations(3, 2)).reasons
    assert "3 transactions span services and would become sagas" in reasons
    assert "2 places write tables another service would own" in reasons
    assert "0 transactions span services and would become sagas" in readiness(with_violations(0, 0)).reasons
