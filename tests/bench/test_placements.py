"""bench/placements.py: the parts of a domain away from its home and what placing each at home gains."""

from __future__ import annotations

from bench.placements import majority, part_gains

TRUTH = {
    "Order": "orders",
    "Fee": "orders",
    "Line": "orders",
    "Payment": "payments",
    "Refund": "payments",
    "Bank": "payments",
    "Import": "payments",
    "Item": "catalog",
    "Quota": "catalog",
}


def test_each_part_away_from_home_is_listed_with_its_gain_largest_first() -> None:
    service = {
        "Order": "orders",
        "Fee": "orders",
        "Line": "orders",
        "Payment": "orders",
        "Refund": "orders",
        "Bank": "bank",
        "Import": "bank",
        "Item": "items",
        "Quota": "orders",
    }
    assert majority(service, TRUTH) == {"bank": "payments", "items": "catalog", "orders": "orders"}
    gains = part_gains(service, TRUTH)
    assert [(domain, name, models) for _, domain, name, models in gains] == [
        ("payments", "orders", ("Payment", "Refund")),
        ("catalog", "orders", ("Quota",)),
    ]
    assert gains[0][0] > gains[1][0] > 0


def test_a_domain_that_is_nowhere_the_most_common_goes_to_a_service_of_its_own() -> None:
    service = dict.fromkeys(TRUTH, "all") | {"Item": "items", "Quota": "items"}
    gains = part_gains(service, TRUTH)
    assert [(domain, name) for _, domain, name, _ in gains] == [("orders", "all")]  # payments: 4 of 7 there
    assert gains[0][0] > 0
    assert part_gains(TRUTH, TRUTH) == []  # every domain at home
