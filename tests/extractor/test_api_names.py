"""The client's names: acronyms kept whole, every method name distinct and free."""

from __future__ import annotations

import pytest

from extractor.api_names import method_names, model_class_names, snake_case


@pytest.mark.parametrize(("name", "expected"), [
    ("HTTPResponse", "http_response"),
    ("get_URL_map", "get_url_map"),
    ("URLAlias", "url_alias"),
    ("parseJSON", "parse_json"),
    ("getHTTPResponseCode", "get_http_response_code"),
    ("HTTP2Response", "http2_response"),
    ("OrderLine", "order_line"),
    ("get_user_ID", "get_user_id"),
    ("already_snake_case", "already_snake_case"),
    ("_private_helper", "private_helper"),
    ("class", "class_"),
    ("2fa_codes", "n_2fa_codes"),
    ("__", "call"),
])
def test_snake_case_keeps_acronyms_whole(name: str, expected: str) -> None:
    assert snake_case(name) == expected
    assert snake_case(name).isidentifier()


def test_method_names_are_the_functions_own_when_free() -> None:
    names = method_names(["shop.pricing.get_URL_map", "shop.tax.compute_VAT"])
    assert names == {"shop.pricing.get_URL_map": "get_url_map", "shop.tax.compute_VAT": "compute_vat"}


def test_colliding_names_are_qualified_by_their_modules() -> None:
    names = method_names(["a.pricing.get_price", "b.pricing.get_price", "c.tax.get_price_total"])
    assert names == {"a.pricing.get_price": "a_pricing_get_price",
                     "b.pricing.get_price": "b_pricing_get_price",
                     "c.tax.get_price_total": "get_price_total"}


def test_a_name_the_client_already_has_is_not_reused() -> None:
    names = method_names(["orders.services.create_shipment", "orders.services.health"],
                         taken={"create_shipment", "health", "services_health"})
    assert names == {"orders.services.create_shipment": "services_create_shipment",
                     "orders.services.health": "orders_services_health"}
    assert len(set(names.values())) == len(names)


def test_names_that_stay_equal_at_every_depth_are_numbered() -> None:
    names = method_names(["a.b", "a_b"], taken={"b"})
    assert sorted(names.values()) == ["a_b", "a_b_2"]


def test_names_that_collide_at_every_depth_still_end() -> None:
    names = method_names(["x.a_b", "x_a.b"], taken={"a_b", "b"})
    assert names == {"x.a_b": "x_a_b_2", "x_a.b": "x_a_b_3"}


def test_model_class_names_add_the_app_only_when_two_models_share_a_name() -> None:
    assert model_class_names(["basket.Line", "wishlists.Line", "catalog.Product"]) == {
        "basket.Line": "BasketLine", "wishlists.Line": "WishlistsLine", "catalog.Product": "Product"}
