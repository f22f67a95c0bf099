"""Element ids: readable for plain names, unique and safe for anything else."""

from __future__ import annotations

from reports.ids import dom_id, service_item_id


def test_plain_names_stay_readable() -> None:
    assert dom_id("svc", "orders") == "svc-orders"
    assert dom_id("v", "V-cross-service-fk-0001") == "v-V-cross-service-fk-0001"


def test_unsafe_names_are_cleaned_and_never_collide() -> None:
    made = {service_item_id("a", "route", "/x/<int:pk>/"), service_item_id("a", "route", "/x/<pk>/"),
            service_item_id("a-route", "route", "x"), service_item_id("a", "route", "route-x"),
            dom_id("svc", 'a"b'), dom_id("svc", "a b")}
    assert len(made) == 6
    assert all(set(i) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
               for i in made)
