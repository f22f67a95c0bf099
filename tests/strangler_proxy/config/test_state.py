"""The state file and run-time changes, pure: precedence between file and state, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from strangler_proxy.config.changes import ChangeError, changeable_route, requested_settings
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.config.state import (
    Change,
    Override,
    RouteSettings,
    State,
    Who,
    apply_overrides,
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
