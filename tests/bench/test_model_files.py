"""bench/model_files.py: strays of a models module, whether they are related to it, isolated models."""

from __future__ import annotations

from bench.model_files import mixing

DOMAIN = {
    "Order": "orders",
    "OrderPosition": "orders",
    "CachedTicket": "tickets",
    "Gate": "checkin",
    "Item": "catalog",
    "Quota": "catalog",
    "Lone": "catalog",
}
RELATED = {
    "OrderPosition": frozenset({"Order"}),
    "Order": frozenset({"OrderPosition"}),
    "CachedTicket": frozenset({"OrderPosition"}),
}


def test_a_stray_beside_what_it_references_is_related_and_one_dropped_in_a_file_is_not() -> None:
    found = mixing(
        {
            "models/orders": ["Order", "OrderPosition", "CachedTicket", "Gate"],
            "models/items": ["Item", "Quota"],
            "models/lone": ["Lone"],
        },
        DOMAIN,
        RELATED | {"Quota": frozenset({"Order"})},
    )  # a relation out of its module only
    assert found.models == 6  # the module of one model is left out
    assert found.strays == ("CachedTicket", "Gate")
    assert found.unrelated == ("Gate",)
    # Gate (no mate of its domain) and Item and Quota (each other's only mate, of their domain)
    assert found.isolated == 3
    assert abs(found.isolated_kept - 2 / 3) < 1e-9


def test_a_relation_within_the_strays_own_domain_does_not_make_it_related_to_its_module() -> None:
    domain = DOMAIN | {"Refund": "payments", "Payment": "payments"}
    related = RELATED | {"Refund": frozenset({"Payment"}), "Payment": frozenset({"Refund"})}
    found = mixing({"models/orders": ["Order", "OrderPosition", "Payment", "Refund"]}, domain, related)
    assert found.strays == ("Payment", "Refund")
    assert found.unrelated == ("Payment", "Refund")
    assert found.isolated == 0 and found.isolated_kept == 1.0
