"""The state file and run-time changes, pure: precedence between file and state, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from strangler_proxy.config.changes import (
    ChangeError,
    changeable_route,
    requested_settings,
    start_weights,
)
from strangler_proxy.config.model import PromotionPolicy, ProxyConfig
from strangler_proxy.config.promotion_record import KeptDecision, KeptPromotion
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.config.state import (
    Change,
    Override,
    RouteSettings,
    State,
    Who,
    apply_overrides,
    completed,
    find_route,
    record,
    state_from_json,
    state_to_json,
    without_dropped,
    write_state,
)
from strangler_proxy.errors import RoutesError

FILE = """
[upstreams.monolith]
url = "http://127.0.0.1:18000"
[upstreams.catalog]
url = "http://127.0.0.1:18100"

[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
weights = {{ monolith = {monolith}, catalog = {catalog} }}

[default]
to = "monolith"
"""
WHO = Who("ops", "127.0.0.1", "alice")


def config(monolith: int = 100, catalog: int = 0, text: str = FILE) -> ProxyConfig:
    return parse_routes(text.format(monolith=monolith, catalog=catalog), "routes.toml")


def override_to(weights: tuple[tuple[str, int], ...], base: tuple[tuple[str, int], ...]) -> State:
    settings, file = RouteSettings(weights), RouteSettings(base)
    return record(State(), Override("catalog", settings, file, WHO, "t1"),
                  Change("t1", WHO, "catalog", "set", file, settings))


def test_override_applies_while_the_file_is_unchanged() -> None:
    state = override_to((("monolith", 50), ("catalog", 50)), (("monolith", 100), ("catalog", 0)))
    applied = apply_overrides(config(), state)
    route = find_route(applied.config, "catalog")
    assert route is not None and route.weights == (("monolith", 50), ("catalog", 50))
    assert applied.dropped == ()


def test_a_later_edit_of_the_file_supersedes_the_override() -> None:
    state = override_to((("monolith", 50), ("catalog", 50)), (("monolith", 100), ("catalog", 0)))
    applied = apply_overrides(config(90, 10), state)
    route = find_route(applied.config, "catalog")
    assert route is not None and route.weights == (("monolith", 90), ("catalog", 10))
    assert [reason for _, reason in applied.dropped] == [
        "superseded: the routes file changed this route"]
    pruned = without_dropped(state, applied)
    assert pruned.overrides == () and pruned.history[-1].action.startswith("dropped: superseded")


def test_override_of_a_removed_route_or_upstream_is_dropped() -> None:
    state = override_to((("catalog", 1),), (("monolith", 100), ("catalog", 0)))
    renamed = FILE.replace('name = "catalog"', 'name = "other"')
    applied = apply_overrides(config(text=renamed), state)
    assert [reason for _, reason in applied.dropped] == ["route no longer in the routes file"]


def test_state_file_round_trips_and_names_itself_when_broken(tmp_path: Path) -> None:
    state = override_to((("catalog", 1),), (("monolith", 100), ("catalog", 0)))
    path = tmp_path / "routes.toml.state.json"
    text = write_state(path, state)
    assert path.read_text() == text == state_to_json(state)
    assert state_from_json(text, str(path)) == state
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    for broken in ("{", '{"version": 9, "overrides": [], "history": []}', '{"version": 1}'):
        with pytest.raises(RoutesError, match=r"routes\.toml\.state\.json: invalid state file"):
            state_from_json(broken, str(path))


@pytest.mark.parametrize(
    ("request_body", "status"),
    [
        ({"weights": {"catalog": -1}}, 400), ({"weights": {"catalog": True}}, 400),
        ({"weights": {"catalog": 1}, "to": "catalog"}, 400), ([1], 400), ({}, 400),
        ({"mirror_percent": 5}, 400),
    ],
)
def test_invalid_changes_are_refused(request_body: object, status: int) -> None:
    proxy_config = config()
    route = changeable_route(proxy_config, "catalog")
    with pytest.raises(ChangeError) as raised:
        requested_settings(proxy_config, route, request_body)
    assert raised.value.status == status


def test_new_weights_keep_the_routes_order_for_stickiness() -> None:
    proxy_config = config()
    route = changeable_route(proxy_config, "catalog")
    settings = requested_settings(proxy_config, route,
                                  {"weights": {"catalog": 10, "monolith": 90}})
    assert settings.weights == (("monolith", 90), ("catalog", 10))


def test_route_names_must_be_stable_words() -> None:
    with pytest.raises(RoutesError, match=r"routes\[0\].name"):
        config(text=FILE.replace('name = "catalog"', 'name = "default"'))
    with pytest.raises(RoutesError, match=r"routes\[0\].name"):
        config(text=FILE.replace('name = "catalog"', 'name = "a b"'))


PROMOTED = FILE.replace('[default]', '[routes.promotion]\nsteps = [25, 50, 100]\nevery = "1m"\n\n[default]')
OLD_STATE = """{"version": 1, "history": [], "overrides": [{"route": "catalog", "at": "t1",
  "by": {"token": "ops", "client": "-", "user": null},
  "weights": [["monolith", 50], ["catalog", 50]], "mirror_percent": null,
  "base": {"weights": [["monolith", 75], ["catalog", 25]], "mirror_percent": null}}]}"""


def test_a_state_file_without_promotion_keys_still_applies_to_a_promoted_route() -> None:
    file_config = config(75, 25, PROMOTED)
    state = completed(state_from_json(OLD_STATE, "old.json"), file_config)
    applied = apply_overrides(file_config, state)
    route = find_route(applied.config, "catalog")
    assert applied.dropped == (), "not superseded by the keys the old file lacks"
    assert route is not None and route.weights == (("monolith", 50), ("catalog", 50))
    assert route.promotion is not None and route.promotion.steps == (25, 50, 100)
    again = apply_overrides(file_config, state_from_json(state_to_json(state), "new.json"))
    assert again.dropped == () and again.config == applied.config, "rewritten, it still applies"
    assert apply_overrides(file_config, state_from_json(OLD_STATE, "old.json")).dropped, (
        "without completing, the file's promotion would supersede it")


def test_promotions_and_shadow_writes_round_trip_through_the_state_file() -> None:
    policy = PromotionPolicy(steps=(1, 100), every_seconds=0.5, min_samples=3)
    settings = RouteSettings((("monolith", 99), ("catalog", 1)), None, policy, True)
    kept = KeptPromotion("catalog", "held", 1, (KeptDecision(12.5, "hold", 1, "why", "cli", 3),))
    state = record(State(), Override("catalog", settings, RouteSettings((("monolith", 1),)), WHO,
                                     "t1"),
                   Change("t1", WHO, "catalog", "set", RouteSettings((("monolith", 1),)), settings))
    state = state.with_promotion(kept)
    read = state_from_json(state_to_json(state), "state.json")
    assert read == state
    assert state_to_json(read) == state_to_json(state)


def test_start_weights_name_the_primary_first_and_keep_a_larger_share() -> None:
    one = find_route(config(), "catalog")
    assert one is not None
    assert start_weights(one, None, 5) == {"monolith": 95, "catalog": 5}
    assert start_weights(one, "monolith", 5) == {"catalog": 0, "monolith": 100}, "its share kept"
    larger = find_route(config(70, 30), "catalog")
    assert larger is not None and start_weights(larger, "catalog", 5) == {"monolith": 70, "catalog": 30}
    single = find_route(config(text=FILE.replace("weights = {{ monolith = {monolith}, catalog = "
                                                 "{catalog} }}", 'to = "monolith"')), "catalog")
    assert single is not None
    assert start_weights(single, "catalog", 1) == {"monolith": 99, "catalog": 1}
    with pytest.raises(ChangeError, match="name the canary"):
        start_weights(single, None, 1)
    with pytest.raises(ChangeError, match="needs exactly one other upstream"):
        start_weights(single, "monolith", 1)
