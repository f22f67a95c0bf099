"""Validate run-time changes of routes (pure): the admin API's request -> new settings.

A change is a JSON object with any of ``weights`` (``{"catalog": 10, "monolith": 90}``), ``to``
(one upstream; the same as weights ``{to: 1}``) and ``mirror_percent`` (0-100, for a route that
has a ``mirror``). Routes are changed by their ``name`` from the routes file; a route without one
(named ``routes[N]`` after its position) cannot be changed, because its name would move when the
file does. A batch (:func:`requested_batch`) lists such changes, or resets, of several routes,
validated together so that either all apply or none does.
"""

from __future__ import annotations

import re
from typing import Any

from strangler_proxy.config.model import ProxyConfig, Route
from strangler_proxy.config.state import RouteSettings, find_route, settings_of

UNNAMED = re.compile(r"^routes\[\d+\]$")
_KEYS = frozenset({"weights", "to", "mirror_percent"})


class ChangeError(Exception):
    """A change the admin API refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def changeable_route(config: ProxyConfig, name: str) -> Route:
    """The named route ``name``; ChangeError 404 when unknown, 409 when it has no stable name."""
    route = find_route(config, name)
    if route is None:
        raise ChangeError(404, f"no route named {name!r}")
    if UNNAMED.match(route.name):
        raise ChangeError(409, f"route {name} has no name in the routes file: add name = \"...\" "
                               "to change it at run time")
    return route


def requested_settings(config: ProxyConfig, route: Route, request: Any) -> RouteSettings:
    """The settings ``request`` (a parsed JSON body) asks for; ChangeError 400 when invalid."""
    if not isinstance(request, dict) or not request:
        raise ChangeError(400, "expected a JSON object with weights, to or mirror_percent")
    unknown = sorted(set(request) - _KEYS)
    if unknown:
        raise ChangeError(400, f"unknown field(s): {', '.join(unknown)}")
    if "weights" in request and "to" in request:
        raise ChangeError(400, "give weights or to, not both")
    current = settings_of(route)
    weights = current.weights
    if "to" in request:
        weights = ((_upstream(config, request["to"], "to"), 1),)
    elif "weights" in request:
        weights = _weights(config, route, request["weights"])
    percent = current.mirror_percent
    if "mirror_percent" in request:
        percent = _percent(route, request["mirror_percent"])
    return RouteSettings(weights, percent)


def requested_batch(
    config: ProxyConfig, file_config: ProxyConfig, request: Any
) -> tuple[tuple[str, RouteSettings, str], ...]:
    """``(route, settings, action)`` per item of a batch; ChangeError when any item is refused.

    ``request`` is ``{"changes": [{"route": NAME, ...change...} | {"route": NAME, "reset": true}]}``
    (plus ``expect_digest``, checked by the caller); each route at most once. ``reset`` asks for
    the routes file's settings (``file_config``) again.
    """
    if not isinstance(request, dict) or set(request) - {"changes", "expect_digest"}:
        raise ChangeError(400, 'expected a JSON object {"changes": [...]} (and expect_digest)')
    items = request.get("changes")
    if not isinstance(items, list) or not items:
        raise ChangeError(400, "changes: expected a non-empty list of {route: NAME, ...}")
    wanted: list[tuple[str, RouteSettings, str]] = []
    for position, item in enumerate(items):
        name = item.get("route") if isinstance(item, dict) else None
        if not isinstance(name, str):
            raise ChangeError(400, f"changes[{position}]: expected an object with a route name")
        if any(name == done for done, _, _ in wanted):
            raise ChangeError(400, f"changes[{position}]: route {name} appears twice")
        change = {key: value for key, value in item.items() if key != "route"}
        try:
            route = changeable_route(config, name)
            if change == {"reset": True}:
                file_route = find_route(file_config, name)
                assert file_route is not None  # a changeable route is in the routes file
                wanted.append((name, settings_of(file_route), "reset"))
            else:
                wanted.append((name, requested_settings(config, route, change), "set"))
        except ChangeError as exc:
            raise ChangeError(exc.status, f"changes[{position}] ({name}): {exc}") from exc
    return tuple(wanted)


def _upstream(config: ProxyConfig, name: Any, what: str) -> str:
    known = sorted(upstream.name for upstream in config.upstreams)
    if not isinstance(name, str) or name not in known:
        raise ChangeError(400, f"{what}: unknown upstream {name!r} (known: {', '.join(known)})")
    return name


def _weights(config: ProxyConfig, route: Route, given: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(given, dict) or not given:
        raise ChangeError(400, "weights: expected an object {upstream: weight}")
    for name, weight in given.items():
        _upstream(config, name, "weights")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise ChangeError(400, f"weights.{name}: expected an integer >= 0, got {weight!r}")
    if sum(given.values()) == 0:
        raise ChangeError(400, "weights: at least one upstream needs a positive weight")
    # keep the route's order for upstreams it had (readability; stickiness sorts by name)
    order = [name for name, _ in route.weights if name in given]
    order += sorted(name for name in given if name not in order)
    return tuple((name, int(given[name])) for name in order)


def _percent(route: Route, value: Any) -> float:
    if route.mirror is None:
        raise ChangeError(400, f"mirror_percent: route {route.name} has no mirror")
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ChangeError(400, f"mirror_percent: expected a number from 0 to 100, got {value!r}")
    return float(value)


def settings_json(route: Route, settings: RouteSettings) -> dict[str, Any]:
    """How the API shows a route's changeable settings."""
    return {"weights": dict(settings.weights),
            "mirror": None if route.mirror is None else {"upstream": route.mirror.upstream,
                                                          "percent": settings.mirror_percent}}
