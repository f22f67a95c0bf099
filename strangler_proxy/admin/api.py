"""The admin API's handlers (every path needs the bearer token; see :mod:`strangler_proxy.admin.server`).

==========================================  =====================================================
``GET    /api/routes``                      routes in precedence order, the default, last reload
``GET    /api/routes/NAME``                 one route
``PATCH  /api/routes/NAME``                 change it: ``{"weights": {...}}``, ``{"to": "..."}``,
                                            ``{"mirror_percent": N}`` (combinable)
``DELETE /api/routes/NAME/override``        drop the run-time change: the routes file applies
``PATCH  /api/routes``                      several routes at once, all or none:
                                            ``{"changes": [{"route": NAME, ...change...},
                                            {"route": NAME, "reset": true}], "expect_digest": D}``
``GET    /api/upstreams``                   health and breaker state (per worker with --workers)
``DELETE /api/upstreams/NAME/breaker``      reset the upstream's circuit breaker to closed (every
                                            worker); logged with who asked
``POST   /api/reload``                      reload the routes and state files now (like SIGHUP)
``GET    /api/changes``                     the change log kept in the state file
``GET|POST /api/routes/NAME/promotion``     the automatic canary (see
                                            :mod:`strangler_proxy.admin.promotion_api`)
==========================================  =====================================================

Every change is logged (who: the token's identity, the client address and ``X-Admin-User``;
when) and written to the state file before it is applied; a batch is one write and one swap.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from strangler_proxy.admin.promotion_api import (
    SUFFIX,
    Promotions,
    promotion_command,
    promotion_status,
)
from strangler_proxy.admin.server import AdminRequest, AdminResponse, Handler, error_response, json_response
from strangler_proxy.config.changes import ChangeError, settings_json
from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import Route
from strangler_proxy.config.state import Who, find_route, settings_of
from strangler_proxy.policy.routing import specificity

ROUTES = "/api/routes/"
UPSTREAMS = "/api/upstreams/"
BreakerReset = Callable[[str], Awaitable[bool]]
logger = logging.getLogger("strangler_proxy.admin")
_USER = re.compile(r"[^A-Za-z0-9@._+ -]")


def who_of(request: AdminRequest) -> Who:
    """Who made a request: token identity, client address, ``X-Admin-User`` (sanitised)."""
    user = request.headers.get("x-admin-user")
    user = _USER.sub("", user)[:64] if user else None
    return Who(request.who or "-", request.peer, user or None)


def route_json(route: Route, live: LiveRoutes) -> dict[str, Any]:
    """How the API shows one route."""
    override = live.state.override(route.name)
    return {
        "name": route.name,
        "match": {
            "path": None if route.path is None else {route.path.kind: route.path.value},
            "methods": sorted(route.methods), "host": route.host, "headers": dict(route.headers),
        },
        **settings_json(route, settings_of(route)),
        "fallback": route.fallback,
        "override": None if override is None else {
            "by": {"token": override.who.token, "client": override.who.client,
                   "user": override.who.user},
            "at": override.at, "file": settings_json(route, override.base),
        },
    }


def _route_name(path: str, suffix: str = "") -> str:
    name = path[len(ROUTES):]
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name


class AdminApi:
    """The handlers over ``live``; ``upstreams`` reports health and breakers."""

    def __init__(
        self,
        live: LiveRoutes,
        upstreams: Callable[[], Awaitable[dict[str, Any]]],
        reset_breaker: BreakerReset | None = None,
        promotions: Promotions | None = None,
    ) -> None:
        self.live = live
        self.upstreams = upstreams
        self.reset_breaker = reset_breaker
        self.promotions = promotions

    async def list_routes(self, request: AdminRequest) -> AdminResponse:
        """``GET /api/routes``."""
        config, status = self.live.config, self.live.status
        return json_response(200, {
            "routes": [route_json(r, self.live) for r in sorted(config.routes, key=specificity)],
            "default": route_json(config.default, self.live),
            "reload": {"ok": status.ok, "at": status.at, "reason": status.reason,
                       "error": status.error, "digest": status.digest},
        })

    async def one_route(self, request: AdminRequest) -> AdminResponse:
        """``GET /api/routes/NAME`` (and ``/api/routes/NAME/promotion``)."""
        if request.path.endswith(SUFFIX):
            return await promotion_status(self.promotions, _route_name(request.path, SUFFIX))
        route = find_route(self.live.config, _route_name(request.path))
        if route is None:
            return error_response(404, f"no route named {_route_name(request.path)!r}")
        return json_response(200, route_json(route, self.live))

    async def change_route(self, request: AdminRequest) -> AdminResponse:
        """``PATCH /api/routes/NAME``."""
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return error_response(400, "the body is not JSON")
        return await self._changed(
            self.live.change(_route_name(request.path), body, who_of(request)))

    async def command_promotion(self, request: AdminRequest) -> AdminResponse:
        """``POST /api/routes/NAME/promotion``."""
        if not request.path.endswith(SUFFIX):
            return error_response(404, "POST /api/routes/NAME/promotion commands a promotion")
        return await promotion_command(self.promotions, _route_name(request.path, SUFFIX),
                                       request.body, who_of(request))

    async def change_routes(self, request: AdminRequest) -> AdminResponse:
        """``PATCH /api/routes``: a batch of changes and resets, applied atomically."""
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return error_response(400, "the body is not JSON")
        return await self._changed(self.live.change_many(body, who_of(request)))

    async def reset_route(self, request: AdminRequest) -> AdminResponse:
        """``DELETE /api/routes/NAME/override``."""
        if not request.path.endswith("/override"):
            return error_response(404, "DELETE /api/routes/NAME/override drops a run-time change")
        name = _route_name(request.path, "/override")
        return await self._changed(self.live.reset(name, who_of(request)))

    async def _changed(self, change: Awaitable[dict[str, Any]]) -> AdminResponse:
        try:
            result = await change
        except ChangeError as exc:
            return error_response(exc.status, str(exc))
        except OSError as exc:
            return error_response(500, f"cannot write the state file: {exc}")
        if "routes" in result:  # a batch
            shown = [{**entry, "route": self._shown(entry["route"])} for entry in result["routes"]]
            return json_response(200, {**result, "routes": shown})
        return json_response(200, {**result, "route": self._shown(result["route"])})

    def _shown(self, name: str) -> dict[str, Any]:
        route = find_route(self.live.config, name)
        assert route is not None
        return route_json(route, self.live)

    async def reload(self, request: AdminRequest) -> AdminResponse:
        """``POST /api/reload``: 200 when applied, 422 (old routes kept) when refused."""
        status = await self.live.reload(f"admin API ({who_of(request).token})")
        body = {"ok": status.ok, "error": status.error, "digest": status.digest}
        return json_response(200 if status.ok else 422, body)

    async def list_upstreams(self, request: AdminRequest) -> AdminResponse:
        """``GET /api/upstreams``."""
        return json_response(200, await self.upstreams())

    async def reset_upstream_breaker(self, request: AdminRequest) -> AdminResponse:
        """``DELETE /api/upstreams/NAME/breaker``: close the breaker now."""
        name = request.path[len(UPSTREAMS):]
        if not name.endswith("/breaker") or self.reset_breaker is None:
            return error_response(404, "DELETE /api/upstreams/NAME/breaker resets a breaker")
        name = name[: -len("/breaker")]
        if not any(upstream.name == name for upstream in self.live.config.upstreams):
            return error_response(404, f"no upstream named {name!r}")
        who = who_of(request)
        logger.warning(json.dumps({"event": "breaker_reset", "upstream": name, "by": {
            "token": who.token, "client": who.client, "user": who.user}}))
        await self.reset_breaker(name)
        return json_response(200, {"upstream": name, "breaker": "closed"})

    async def changes(self, request: AdminRequest) -> AdminResponse:
        """``GET /api/changes``: the change log of the state file."""
        history = [
            {"at": c.at, "route": c.route, "action": c.action,
             "by": {"token": c.who.token, "client": c.who.client, "user": c.who.user},
             "before": dict(c.before.weights), "after": dict(c.after.weights),
             "mirror_percent": [c.before.mirror_percent, c.after.mirror_percent]}
            for c in self.live.state.history
        ]
        return json_response(200, {"changes": history})


def api_handlers(
    live: LiveRoutes,
    upstreams: Callable[[], Awaitable[dict[str, Any]]],
    reset_breaker: BreakerReset | None = None,
    promotions: Promotions | None = None,
) -> dict[tuple[str, str], Handler]:
    """The admin API's handler table over ``live`` (``reset_breaker``: close one upstream's
    breaker in every process that serves traffic; ``promotions``: the automatic canary)."""
    api = AdminApi(live, upstreams, reset_breaker, promotions)
    return {
        ("GET", "/api/routes"): api.list_routes, ("GET", ROUTES + "*"): api.one_route,
        ("PATCH", ROUTES + "*"): api.change_route, ("DELETE", ROUTES + "*"): api.reset_route,
        ("PATCH", "/api/routes"): api.change_routes, ("POST", ROUTES + "*"): api.command_promotion,
        ("POST", "/api/reload"): api.reload, ("GET", "/api/upstreams"): api.list_upstreams,
        ("GET", "/api/changes"): api.changes,
        ("DELETE", UPSTREAMS + "*"): api.reset_upstream_breaker,
    }
