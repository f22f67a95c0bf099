"""The admin API of the automatic canary (the loop itself runs in the owner process):

==========================================  =====================================================
``GET    /api/routes/NAME/promotion``       state, canary weight, window sizes, next decision
                                            time, the last decisions with their reasons
``POST   /api/routes/NAME/promotion``       ``{"action": "step" | "hold" | "rollback"}``: one
                                            step up now, stop promoting (rollbacks still
                                            apply), or the canary to 0 now; logged with who
==========================================  =====================================================
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from strangler_proxy.admin.server import AdminResponse, error_response, json_response
from strangler_proxy.config.changes import ChangeError
from strangler_proxy.config.state import Who

SUFFIX = "/promotion"


class Promotions(Protocol):
    """What the handlers need of the promotion loop."""

    def status(self, name: str) -> dict[str, Any] | None:
        """The promotion of route ``name``, or None when it has none."""

    async def command(self, name: str, action: str, who: Who) -> dict[str, Any]:
        """Apply ``action`` to route ``name`` now; ChangeError when refused."""


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
    if not isinstance(action, str) or set(request) != {"action"}:
        return error_response(400, 'expected {"action": "step" | "hold" | "rollback"}')
    try:
        return json_response(200, await promotions.command(name, action, who))
    except ChangeError as exc:
        return error_response(exc.status, str(exc))
    except OSError as exc:
        return error_response(500, f"cannot write the state file: {exc}")
