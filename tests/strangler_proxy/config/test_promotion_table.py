"""The routes file's ``promotion`` table: read into a PromotionPolicy, wrong values named by key."""

from __future__ import annotations

import pytest

from strangler_proxy.config.model import PromotionPolicy
from strangler_proxy.config.promotion_table import duration_seconds
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.errors import RoutesError

ROUTES = """
[upstreams.monolith]
url = "http://127.0.0.1:8000"
[upstreams.catalog]
url = "http://127.0.0.1:8001"

[[routes]]
name = "catalog"
path_prefix = "/catalog/"
weights = { monolith = 99, catalog = 1 }
PROMOTION
"""


def route_promotion(table: str) -> PromotionPolicy | None:
    config = parse_routes(ROUTES.replace("PROMOTION", table))
    return config.routes[0].promotion


def test_a_promotion_table_is_read_with_its_defaults() -> None:
    policy = route_promotion('promotion = { steps = [1, 10, 100], every = "200ms", '
                             'max_lag_seconds = 1.5, sync_status_url = "http://127.0.0.1:9/status" }')
    assert policy == PromotionPolicy(steps=(1, 10, 100), every_seconds=0.2, max_lag_seconds=1.5,
                                     sync_status_url="http://127.0.0.1:9/status")


def test_a_route_without_the_table_has_no_promotion() -> None:
    assert route_promotion("") is None


@pytest.mark.parametrize(("table", "message"), [
    ('promotion = { steps = [5, 1, 100] }', "routes[0].promotion: steps must be distinct"),
    ('promotion = { every = "soon" }', "routes[0].promotion.every: a duration such as"),
    ('promotion = { alpha = 2 }', "routes[0].promotion.alpha: must be <= 1.0"),
    ('promotion = { stepz = [1, 100] }', "stepz"),
    ('promotion = { sync_status_url = "ftp://x/status" }',
     "routes[0].promotion.sync_status_url: an http:// or https:// URL, got 'ftp://x/status'"),
    ('promotion = { max_lag_seconds = 1.0 }', "routes[0].promotion: max_lag_seconds and "
                                             "rollback_on_sync_errors need sync_status_url"),
    ('promotion = { rollback_on_sync_errors = true }', "need sync_status_url"),
])
def test_wrong_values_are_named(table: str, message: str) -> None:
    with pytest.raises(RoutesError) as caught:
        route_promotion(table)
    assert message in str(caught.value)


def test_promotion_needs_a_primary_and_a_canary() -> None:
    text = ROUTES.replace("weights = { monolith = 99, catalog = 1 }", 'to = "catalog"')
    with pytest.raises(RoutesError, match="needs two upstreams in weights"):
        parse_routes(text.replace("PROMOTION", "promotion = { steps = [1, 100] }"))


@pytest.mark.parametrize(("text", "seconds"), [
    ("200ms", 0.2), ("30s", 30.0), ("5m", 300.0), ("1h", 3600.0), ("1.5s", 1.5), ("5", None),
    ("m", None),
])
def test_durations(text: str, seconds: float | None) -> None:
    assert duration_seconds(text) == seconds


def test_promotion_needs_the_routes_name() -> None:
    text = ROUTES.replace('name = "catalog"\n', "")
    with pytest.raises(RoutesError, match=r"routes\[0\].promotion: needs the route's name"):
        parse_routes(text.replace("PROMOTION", "promotion = { steps = [1, 100] }"))
