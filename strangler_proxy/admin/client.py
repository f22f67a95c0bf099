"""A small client of the admin API (stdlib only): what ``demonolith routes set|rollback|breaker|promote``
call."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from strangler_proxy.errors import ProxyError


def parse_weights(text: str) -> dict[str, int]:
    """``catalog=10,monolith=90`` -> ``{"catalog": 10, "monolith": 90}`` (ProxyError if not)."""
    weights: dict[str, int] = {}
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or not name or not value.strip().isdigit():
            raise ProxyError(f"--weights: expected NAME=INT[,NAME=INT...], got {text!r}")
        weights[name.strip()] = int(value)
    return weights


def call(
    admin_url: str, method: str, path: str, token: str | None, body: Any = None,
    user: str | None = None, timeout: float = 30.0,
) -> dict[str, Any]:
    """One admin API call; the JSON answer, or ProxyError with the API's error message."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(admin_url.rstrip("/") + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if user:
        request.add_header("X-Admin-User", user)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("error", exc.reason)
        except ValueError:
            message = exc.reason
        raise ProxyError(f"admin API {method} {path}: {exc.code} {message}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProxyError(f"admin API at {admin_url}: cannot connect ({reason})") from exc


def set_route(
    admin_url: str, token: str | None, route: str, change: dict[str, Any], user: str | None = None
) -> dict[str, Any]:
    """``PATCH /api/routes/ROUTE`` with ``change``; ``{}`` drops the run-time override instead."""
    if not change:
        return call(admin_url, "DELETE", f"/api/routes/{route}/override", token, user=user)
    return call(admin_url, "PATCH", f"/api/routes/{route}", token, change, user=user)


def change_routes(
    admin_url: str, token: str | None, changes: list[dict[str, Any]], user: str | None = None,
    expect_digest: str | None = None,
) -> dict[str, Any]:
    """``PATCH /api/routes``: ``changes`` applied together, or none (ProxyError says why)."""
    body: dict[str, Any] = {"changes": changes}
    if expect_digest is not None:
        body["expect_digest"] = expect_digest
    return call(admin_url, "PATCH", "/api/routes", token, body, user=user)


def rollback_changes(
    listing: dict[str, Any], upstream: str | None = None, to: str | None = None,
    reset_all: bool = False,
) -> list[dict[str, Any]]:
    """The batch that rolls back the routes of ``listing`` (``GET /api/routes``), in its order.

    ``reset_all``: drop every run-time change (the routes file applies again). Otherwise every
    route sending a share to ``upstream`` (to anything but the target, without ``upstream``) is
    sent wholly to ``to``, by default the default route's only upstream; mirrors are untouched.
    """
    routes = [*listing["routes"], listing["default"]]
    if reset_all:
        return [{"route": r["name"], "reset": True} for r in routes if r.get("override")]
    target = to or _default_target(listing["default"])
    if upstream == target:
        raise ProxyError(f"{upstream} is where the routes would go back to: give another --to")
    changes = []
    for route in routes:
        sends = {name for name, weight in route["weights"].items() if weight > 0}
        moved = {upstream} if upstream is not None else sends - {target}
        if sends & moved and sends != {target}:
            changes.append({"route": route["name"], "to": target})
    return changes


def _default_target(default: dict[str, Any]) -> str:
    sends = sorted(str(name) for name, weight in default["weights"].items() if weight > 0)
    if len(sends) != 1:
        raise ProxyError(f"the default route is split between {', '.join(sends)}: give --to")
    return sends[0]


def upstream_states(admin_url: str, token: str | None, user: str | None = None) -> dict[str, Any]:
    """``GET /api/upstreams``: each upstream's health and breaker state, by name."""
    states: dict[str, Any] = call(admin_url, "GET", "/api/upstreams", token, user=user)["upstreams"]
    return states


def reset_breaker(admin_url: str, token: str | None, upstream: str,
                  user: str | None = None) -> dict[str, Any]:
    """``DELETE /api/upstreams/NAME/breaker``: close the upstream's breaker now."""
    return call(admin_url, "DELETE", f"/api/upstreams/{upstream}/breaker", token, user=user)


def promotion(admin_url: str, token: str | None, route: str, action: str | None = None,
              user: str | None = None) -> dict[str, Any]:
    """``GET /api/routes/ROUTE/promotion``, or with ``action`` (step, hold, rollback) ``POST``."""
    path = f"/api/routes/{route}/promotion"
    if action is None:
        return call(admin_url, "GET", path, token, user=user)
    return call(admin_url, "POST", path, token, {"action": action}, user=user)


def start_promotion(admin_url: str, token: str | None, route: str, policy: dict[str, Any],
                    canary: str | None = None, user: str | None = None) -> dict[str, Any]:
    """``POST /api/routes/ROUTE/promotion`` ``{"action": "start", ...}``: an automatic canary with
    ``policy`` (the ``promotion`` table's keys) on a route that has none."""
    body: dict[str, Any] = {"action": "start", "promotion": policy}
    if canary is not None:
        body["canary"] = canary
    return call(admin_url, "POST", f"/api/routes/{route}/promotion", token, body, user=user)
