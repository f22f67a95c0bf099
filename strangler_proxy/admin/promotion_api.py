"""The admin API of the automatic canary (the loop itself runs in the owner process):

==========================================  =====================================================
``GET    /api/routes/NAME/promotion``       state, canary weight, window sizes, next decision
                                            time, the last decisions with their reasons
``POST   /api/routes/NAME/promotion``       ``{"action": "step" | "hold" | "rollback"}``: one
                                            step up now, stop promoting (rollbacks still
                                            apply), or the canary to 0 now; logged with who
``POST   /api/routes/NAME/promotion``       ``{"action": "start", "promotion": {...},
                                            "canary": "UPSTREAM"}``: an automatic canary for a
                                            route without a ``promotion`` table (the table's
                                            keys; ``canary`` optional with two upstreams), kept
                                            in the state file like any run-time change
==========================================  =====================================================
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from strangler_proxy.admin.server import AdminResponse, error_response, json_response
from strangler_proxy.config.changes import ChangeError
from strangler_proxy.config.state import Who

SUFFIX = "/promotion"
_START_KEYS = frozenset({"action", "promotion", "canary"})


class Promotions(Protocol):
    """What the handlers need of the promotion loop."""

    def status(self, name: str) -> dict[str, Any] | None:
        """The promotion of route ``name``, or None when it has none."""

    async def command(self, name: str, action: str, who: Who) -> dict[str, Any]:
        """Apply ``action`` to route ``name`` now; ChangeError when refused."""

    async def start(self, name: str, request: dict[str, Any], who: Who) -> dict[str, Any]:
        """Start a promotion of route ``name`` as ``request`` asks; ChangeError when refused."""


async def promotion_status(promotions: Promotions | None, name: str) -> AdminResponse:
    """``GET /api/routes/NAME/promotion``."""
    shown = promotions.status(name) if promotions is not None else None
    if shown is None:
        return error_response(404, f"route {name!r} has no promotion table")
    return json_response(200, shown)


async def promotion_command(promotions: Promotions | None, name: str, body: bytes,
                            who: Who) -> AdminResponse:
    """``POST /api/routes/NAME/promotion``."""
    if promotions is None:
        return error_response(404, f"route {name!r} has no promotion table")
    try:
        request = json.loads(body or b"null")
    except ValueError:
        return error_response(400, "the body is not JSON")
    action = request.get("action") if isinstance(request, dict) else None
    if action == "start" and set(request) <= _START_KEYS:
        started = promotions.start(name, request, who)
    elif isinstance(action, str) and action != "start" and set(request) == {"action"}:
        started = promotions.command(name, action, who)
    else:
        return error_response(400, 'expected {"action": "step" | "hold" | "rollback"} or '
                                   '{"action": "start", "promotion": {...}, "canary": NAME}')
    try:
        return json_response(200, await started)
    except ChangeError as exc:
        return error_response(exc.status, str(exc))
    except OSError as exc:
        return error_response(500, f"cannot write the state file: {exc}")
