"""Validate run-time changes of routes (pure): the admin API's request -> new settings.

A change is a JSON object with any of ``weights`` (``{"catalog": 10, "monolith": 90}``), ``to``
(one upstream; the same as weights ``{to: 1}``), ``mirror_percent`` (0-100, for a route that
has a ``mirror``), ``shadow_writes`` (true or false, for a route whose mirror's upstream signs the
shadow marker) and ``promotion`` (an object with the routes file's ``promotion`` keys, or null:
no automatic canary; with weights given alongside, they name the primary first, then the canary).
Routes are changed by their ``name`` from the routes file; a route without one (named
``routes[N]`` after its position) cannot be changed, because its name would move when the file
does. A batch (:func:`requested_batch`) lists such changes, or resets, of several routes,
validated together so that either all apply or none does.
"""

from __future__ import annotations

import re
from typing import Any

from strangler_proxy.config.model import PromotionPolicy, ProxyConfig, Route
from strangler_proxy.config.promotion_record import policy_from_json, policy_json
from strangler_proxy.config.state import RouteSettings, find_route, settings_of
from strangler_proxy.errors import RoutesError

UNNAMED = re.compile(r"^routes\[\d+\]$")
_KEYS = frozenset({"weights", "to", "mirror_percent", "shadow_writes", "promotion"})


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
        raise ChangeError(400, "expected a JSON object with weights, to, mirror_percent,"
                               " shadow_writes or promotion")
    unknown = sorted(set(request) - _KEYS)
    if unknown:
        raise ChangeError(400, f"unknown field(s): {', '.join(unknown)}")
    if "weights" in request and "to" in request:
        raise ChangeError(400, "give weights or to, not both")
    current = settings_of(route)
    policy = requested_promotion(request["promotion"]) if "promotion" in request else (
        current.promotion)
    weights = current.weights
    if "to" in request:
        weights = ((_upstream(config, request["to"], "to"), 1),)
    elif "weights" in request:
        weights = _weights(config, route, request["weights"], keep_order="promotion" in request)
    if policy is not None and len(weights) != 2:
        raise ChangeError(400, f"promotion: route {route.name} needs two upstreams in weights: "
                               "the primary, then the canary")
    percent = current.mirror_percent
    if "mirror_percent" in request:
        percent = _percent(route, request["mirror_percent"])
    shadow_writes = current.shadow_writes
    if "shadow_writes" in request:
        shadow_writes = _shadow_writes(config, route, request["shadow_writes"])
    return RouteSettings(weights, percent, policy, shadow_writes)


def requested_promotion(value: Any) -> PromotionPolicy | None:
    """The policy a change's ``promotion`` value asks for (null: none); ChangeError 400."""
    if value is None:
        return None
    try:
        return policy_from_json(value, "request")
    except RoutesError as exc:
        raise ChangeError(400, str(exc).removeprefix("request: ")) from exc


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


def start_weights(route: Route, canary: Any, first_step: int) -> dict[str, int]:
    """The weights that start a promotion of ``route`` (the primary first, then ``canary``, by
    default the second of its two upstreams): the canary keeps its share when it has at least
    ``first_step`` percent, else gets that; ChangeError 400 when the canary is unclear."""
    names = [name for name, _ in route.weights]
    if canary is None and len(names) != 2:
        raise ChangeError(400, f"route {route.name} sends to {', '.join(names)}: name the canary")
    if canary is not None and not isinstance(canary, str):
        raise ChangeError(400, f"canary: expected an upstream's name, got {canary!r}")
    canary = names[1] if canary is None else canary
    others = [name for name in names if name != canary]
    if len(others) != 1:
        raise ChangeError(400, f"route {route.name} sends to {', '.join(names)}: the canary "
                               f"{canary} needs exactly one other upstream there, the primary")
    total = sum(weight for _, weight in route.weights)
    share = round(100 * dict(route.weights).get(canary, 0) / total) if total else 0
    weight = share if share >= first_step else first_step
    return {others[0]: 100 - weight, canary: weight}


def _upstream(config: ProxyConfig, name: Any, what: str) -> str:
    known = sorted(upstream.name for upstream in config.upstreams)
    if not isinstance(name, str) or name not in known:
        raise ChangeError(400, f"{what}: unknown upstream {name!r} (known: {', '.join(known)})")
    return name


def _weights(config: ProxyConfig, route: Route, given: Any,
             keep_order: bool = False) -> tuple[tuple[str, int], ...]:
    if not isinstance(given, dict) or not given:
        raise ChangeError(400, "weights: expected an object {upstream: weight}")
    for name, weight in given.items():
        _upstream(config, name, "weights")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise ChangeError(400, f"weights.{name}: expected an integer >= 0, got {weight!r}")
    if sum(given.values()) == 0:
        raise ChangeError(400, "weights: at least one upstream needs a positive weight")
    # keep the route's order for upstreams it had (readability; stickiness sorts by name),
    # unless a promotion comes with them: then the order is the request's (primary, canary)
    order = list(given) if keep_order else [name for name, _ in route.weights if name in given]
    order += sorted(name for name in given if name not in order)
    return tuple((name, int(given[name])) for name in order)


def _percent(route: Route, value: Any) -> float:
    if route.mirror is None:
        raise ChangeError(400, f"mirror_percent: route {route.name} has no mirror")
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ChangeError(400, f"mirror_percent: expected a number from 0 to 100, got {value!r}")
    return float(value)


def _shadow_writes(config: ProxyConfig, route: Route, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ChangeError(400, f"shadow_writes: expected true or false, got {value!r}")
    if value and route.mirror is None:
        raise ChangeError(400, f"shadow_writes: route {route.name} has no mirror")
    if value and route.mirror is not None and not config.upstream(route.mirror.upstream).signs_shadow:
        raise ChangeError(400, f"shadow_writes: upstream {route.mirror.upstream} has no"
                               " shadow_secret_env or shadow_secret_file (the key that signs the"
                               " shadow marker)")
    return value


def settings_json(route: Route, settings: RouteSettings) -> dict[str, Any]:
    """How the API shows a route's changeable settings."""
    return {"weights": dict(settings.weights),
            "mirror": None if route.mirror is None else {"upstream": route.mirror.upstream,
                                                          "percent": settings.mirror_percent},
            "shadow_writes": settings.shadow_writes,
            "promotion": None if settings.promotion is None else policy_json(settings.promotion)}
