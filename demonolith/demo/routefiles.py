"""The proxy routes file of each stage: where every moved route goes, rendered as TOML.

A stage is a placement per route — ``shadow`` (the monolith answers, the service gets a compared
copy), ``canary`` (a sticky weighted share goes to the service), ``promoted`` (a canary whose share
the proxy raises by itself, the routes file's ``promotion`` table), ``service`` (all of it, with the
monolith as fallback) or ``monolith``. Everything that matches no route goes to the monolith.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from demonolith.demo.prepare import MovedRoute
from extractor.project import shadow_secret_env

Placement = Literal["shadow", "canary", "promoted", "service", "monolith"]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
STICKY_COOKIE = "sessionid"  # Django's session cookie: one logged-in user stays on one side


@dataclass(frozen=True)
class Topology:
    """The upstreams the proxy may contact and what the proxy build supports."""

    monolith_url: str
    service: str
    service_url: str
    identity: bool = False  # routes to the service get ``identity = true``


@dataclass(frozen=True)
class Promotion:
    """The ``promotion`` table of a promoted route: steps, pace, bounds, the relay's status."""

    steps: tuple[int, ...]
    every: str
    sync_status_url: str
    min_samples: int = 30
    max_latency_ratio: float = 2.0
    max_error_rate_increase: float = 0.02
    max_lag_seconds: float = 1.0

    def table(self) -> dict[str, Any]:
        """The routes-file keys of the table."""
        return {"steps": list(self.steps), "every": self.every, "min_samples": self.min_samples,
                "max_latency_ratio": self.max_latency_ratio,
                "max_error_rate_increase": self.max_error_rate_increase,
                "sync_status_url": self.sync_status_url, "max_lag_seconds": self.max_lag_seconds}


@dataclass(frozen=True)
class StageRouting:
    """Placement of each moved route (by route name) and the canary's share for the service."""

    placements: tuple[tuple[str, Placement], ...]
    canary_percent: int = 10
    promotion: Promotion | None = None  # for ``promoted`` routes
    mirrored: bool = True  # the routes file in force mirrors the moved routes (changes turn it off)

    def placement_of(self, name: str) -> Placement:
        """Where the route ``name`` goes; ``monolith`` when the stage does not mention it."""
        return dict(self.placements).get(name, "monolith")


def routing(routes: Sequence[MovedRoute], placement: Placement, *, only: Sequence[str] = (),
            others: Placement = "monolith", canary_percent: int = 10) -> StageRouting:
    """``placement`` for the routes named in ``only`` (all when empty), ``others`` for the rest."""
    chosen = set(only) if only else {route.name for route in routes}
    return StageRouting(
        tuple((r.name, placement if r.name in chosen else others) for r in routes), canary_percent)


def routes_document(topology: Topology, routes: Sequence[MovedRoute], stage: StageRouting) -> str:
    """The routes file (TOML text) of one stage."""
    service = topology.service
    lines = [
        "# Written by `demonolith demo`: one file per stage of the cut-over.",
        "",
        "[upstreams.monolith]",
        f"url = {_value(topology.monolith_url)}",
        "connect_timeout = 2.0",
        "",
        f"[upstreams.{_key(service)}]",
        f"url = {_value(topology.service_url)}",
        "connect_timeout = 1.0",
        "read_timeout = 10.0",
        "retries = 0",
        f"shadow_secret_env = {_value(shadow_secret_env(service))}  # signs the shadow marker",
        "",
        f"[upstreams.{_key(service)}.breaker]",
        "failures = 3",
        "open_seconds = 2.0",
    ]
    for route in routes:
        lines += ["", "[[routes]]", f"name = {_value(route.name)}",
                  f"{route.match_key} = {_value(route.match_value)}"]
        placement = stage.placement_of(route.name)
        keys = route_keys(placement, service, stage.canary_percent)
        if placement == "promoted" and stage.promotion is not None:
            keys["promotion"] = stage.promotion.table()
        if topology.identity and placement != "monolith":
            keys["identity"] = True
        lines += [f"{key} = {_value(value)}" for key, value in keys.items()]
    if topology.identity:
        lines += ["", "[identity]  # who the user is: the monolith's session, asked here, signed",
                  'upstream = "monolith"', 'path = "/internal/whoami/"']
    lines += ["", "[default]", 'to = "monolith"', ""]
    return "\n".join(lines)


def route_keys(placement: Placement, service: str, canary_percent: int) -> dict[str, Any]:
    """The routes-file keys that send a route where ``placement`` says."""
    if placement == "shadow":  # sticky and fallback ready for the canary the admin API sets
        return {"to": "monolith", "mirror": {"upstream": service, "percent": 100}, "shadow_writes": True,
                "sticky": {"cookie": STICKY_COOKIE}, "fallback": "monolith"}
    if placement in ("canary", "promoted"):  # promoted: the primary first, the canary second
        return {"weights": {"monolith": 100 - canary_percent, service: canary_percent},
                "sticky": {"cookie": STICKY_COOKIE}, "fallback": "monolith"}
    if placement == "service":
        return {"to": service, "fallback": "monolith"}
    return {"to": "monolith"}


def admin_change(placement: Placement, service: str, canary_percent: int,
                 mirrored: bool = True) -> dict[str, Any]:
    """The admin API change (``routes set``) that moves a route of the shadow file to ``placement``.

    ``{}`` drops the run-time change: the routes file (shadow, the monolith answers) applies again.
    """
    off = {"mirror_percent": 0} if mirrored else {}
    if placement == "canary":  # the primary first: a promoted route's canary is the second
        return {"weights": {"monolith": 100 - canary_percent, service: canary_percent}, **off}
    if placement == "service":
        return {"to": service, **off}
    return {}


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for everything a route name or path holds
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")
