"""Run-time route changes kept across restarts: the sidecar state file next to the routes file.

The admin API changes a route's weights (or target), mirror percentage, ``shadow_writes`` and
automatic canary (``promotion``, see :mod:`strangler_proxy.config.promotion_record`). Each change is an
:class:`Override` of one named route, recorded with the values the routes file had (``base``),
who made it and when. Precedence, applied on every start and reload by :func:`apply_overrides`:

* an override applies while the routes file still has the ``base`` values for that route;
* once the routes file itself changes any of those settings of that route, the file
  wins: the override is *superseded*, dropped and logged (the newest intent wins);
* an override of a route no longer in the file, or naming an upstream no longer in it, is dropped.

The state file (``routes.toml.state.json`` by default) is JSON, written atomically (a temporary
file renamed over it), and holds the overrides, the last :data:`HISTORY` changes and the promotion
loop's state of each promoted route (:class:`KeptPromotion`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from strangler_proxy.config.model import PromotionPolicy, ProxyConfig, Route
from strangler_proxy.config.promotion_record import (
    KeptPromotion,
    kept_from_json,
    kept_json,
    policy_from_json,
    policy_json,
)
from strangler_proxy.errors import RoutesError

STATE_VERSION = 1
HISTORY = 200


@dataclass(frozen=True)
class RouteSettings:
    """The part of a route the admin API changes."""

    weights: tuple[tuple[str, int], ...]
    mirror_percent: float | None = None
    promotion: PromotionPolicy | None = None
    shadow_writes: bool = False


@dataclass(frozen=True)
class Who:
    """Who made a change: the token's identity, the client address, the ``X-Admin-User`` value."""

    token: str
    client: str
    user: str | None = None


@dataclass(frozen=True)
class Override:
    """Settings of route ``route`` changed at run time over the file's ``base`` settings."""

    route: str
    settings: RouteSettings
    base: RouteSettings
    who: Who
    at: str
    partial: bool = False  # read from a state file without promotion/shadow_writes: the file's apply


@dataclass(frozen=True)
class Change:
    """One entry of the change log."""

    at: str
    who: Who
    route: str
    action: str
    before: RouteSettings
    after: RouteSettings


@dataclass(frozen=True)
class State:
    """The whole state file."""

    overrides: tuple[Override, ...] = ()
    history: tuple[Change, ...] = ()
    promotions: tuple[KeptPromotion, ...] = ()

    def override(self, route: str) -> Override | None:
        """The override of ``route``, if any."""
        return next((o for o in self.overrides if o.route == route), None)

    def promotion(self, route: str) -> KeptPromotion | None:
        """The promotion loop's kept state of ``route``, if any."""
        return next((p for p in self.promotions if p.route == route), None)

    def with_promotion(self, kept: KeptPromotion) -> State:
        """This state with ``kept`` replacing what it kept of that route."""
        others = [p for p in self.promotions if p.route != kept.route]
        return replace(self, promotions=tuple(sorted((*others, kept), key=lambda p: p.route)))


@dataclass(frozen=True)
class Applied:
    """The effective config and which overrides were dropped, with the reason."""

    config: ProxyConfig
    active: tuple[Override, ...]
    dropped: tuple[tuple[Override, str], ...]


def state_path_for(routes: str | Path) -> Path:
    """The default sidecar of a routes file: ``routes.toml`` -> ``routes.toml.state.json``."""
    path = Path(routes)
    return path.with_name(path.name + ".state.json")


def settings_of(route: Route) -> RouteSettings:
    """The changeable settings of ``route``."""
    return RouteSettings(route.weights, route.mirror.percent if route.mirror else None,
                         route.promotion, route.shadow_writes)


def with_settings(route: Route, settings: RouteSettings) -> Route:
    """``route`` with ``settings`` applied."""
    mirror = route.mirror
    if mirror is not None and settings.mirror_percent is not None:
        mirror = replace(mirror, percent=settings.mirror_percent)
    return replace(route, weights=settings.weights, mirror=mirror, promotion=settings.promotion,
                   shadow_writes=settings.shadow_writes)


def find_route(config: ProxyConfig, name: str) -> Route | None:
    """The route called ``name`` (``default`` is the default route)."""
    if name == config.default.name:
        return config.default
    return next((route for route in config.routes if route.name == name), None)


def replace_route(config: ProxyConfig, route: Route) -> ProxyConfig:
    """``config`` with the route of the same name replaced by ``route``."""
    if route.name == config.default.name:
        return replace(config, default=route)
    return replace(config, routes=tuple(route if r.name == route.name else r for r in config.routes))


def apply_overrides(config: ProxyConfig, state: State) -> Applied:
    """The file's ``config`` with the still-valid overrides of ``state`` applied (see above)."""
    upstreams = {upstream.name for upstream in config.upstreams}
    active, dropped = [], []
    for override in state.overrides:
        route = find_route(config, override.route)
        reason = None
        if route is None:
            reason = "route no longer in the routes file"
        elif settings_of(route) != override.base:
            reason = "superseded: the routes file changed this route"
        elif any(name not in upstreams for name, _ in override.settings.weights):
            reason = "names an upstream no longer in the routes file"
        if reason is not None:
            dropped.append((override, reason))
            continue
        assert route is not None
        config = replace_route(config, with_settings(route, override.settings))
        active.append(override)
    return Applied(config, tuple(active), tuple(dropped))


def _filled(settings: RouteSettings, file: RouteSettings) -> RouteSettings:
    return replace(settings, promotion=file.promotion, shadow_writes=file.shadow_writes)


def completed(state: State, config: ProxyConfig) -> State:
    """``state`` with each override read without ``promotion``/``shadow_writes`` (a state file
    written before they were run-time settings) given the routes file's values of them on both
    sides, so that it still applies."""
    overrides = []
    for override in state.overrides:
        route = find_route(config, override.route)
        if override.partial and route is not None:
            file = settings_of(route)
            override = replace(override, settings=_filled(override.settings, file),
                               base=_filled(override.base, file), partial=False)
        overrides.append(override)
    return replace(state, overrides=tuple(overrides))


def without_dropped(state: State, applied: Applied) -> State:
    """``state`` keeping only the overrides that still apply, the drops added to the history."""
    changes = [
        Change(o.at, o.who, o.route, "dropped: " + reason, o.settings, o.base)
        for o, reason in applied.dropped
    ]
    return replace(state, overrides=applied.active, history=(*state.history, *changes)[-HISTORY:])


def record(state: State, override: Override | None, change: Change) -> State:
    """``state`` with ``change`` logged and the override of its route replaced (None: removed)."""
    overrides = [o for o in state.overrides if o.route != change.route]
    if override is not None:
        overrides.append(override)
    return replace(state, overrides=tuple(sorted(overrides, key=lambda o: o.route)),
                   history=(*state.history, change)[-HISTORY:])


# -- JSON ------------------------------------------------------------------------------------------


def _settings_json(settings: RouteSettings) -> dict[str, Any]:
    data: dict[str, Any] = {"weights": [[name, weight] for name, weight in settings.weights],
                            "mirror_percent": settings.mirror_percent}
    data["promotion"] = None if settings.promotion is None else policy_json(settings.promotion)
    data["shadow_writes"] = settings.shadow_writes
    return data


def _who_json(who: Who) -> dict[str, Any]:
    return {"token": who.token, "client": who.client, "user": who.user}


def state_to_json(state: State) -> str:
    """The state file's text (deterministic)."""
    data: dict[str, Any] = {
        "version": STATE_VERSION,
        "overrides": [
            {"route": o.route, **_settings_json(o.settings), "base": _settings_json(o.base),
             "by": _who_json(o.who), "at": o.at}
            for o in state.overrides
        ],
        "history": [
            {"at": c.at, "by": _who_json(c.who), "route": c.route, "action": c.action,
             "before": _settings_json(c.before), "after": _settings_json(c.after)}
            for c in state.history
        ],
    }
    if state.promotions:
        data["promotions"] = [kept_json(kept) for kept in state.promotions]
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _settings(data: Any, source: str) -> RouteSettings:
    weights = tuple((str(name), int(weight)) for name, weight in data["weights"])
    percent = data.get("mirror_percent")
    policy = data.get("promotion")
    return RouteSettings(weights, None if percent is None else float(percent),
                         None if policy is None else policy_from_json(policy, source),
                         bool(data.get("shadow_writes", False)))


def _who(data: Any) -> Who:
    return Who(str(data["token"]), str(data["client"]), data.get("user"))


def state_from_json(text: str, source: str) -> State:
    """Parse a state file; raises RoutesError naming ``source``."""
    try:
        data = json.loads(text)
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        overrides = tuple(
            Override(str(o["route"]), _settings(o, source), _settings(o["base"], source),
                     _who(o["by"]), str(o["at"]), not {"promotion", "shadow_writes"} <= set(o))
            for o in data["overrides"]
        )
        history = tuple(
            Change(str(c["at"]), _who(c["by"]), str(c["route"]), str(c["action"]),
                   _settings(c["before"], source), _settings(c["after"], source))
            for c in data["history"]
        )
        promotions = tuple(kept_from_json(kept) for kept in data.get("promotions", []))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RoutesError(f"{source}: invalid state file ({exc!r}); fix or remove it") from exc
    return State(overrides, history, promotions)


def read_state_text(path: Path) -> str | None:
    """The state file's text, or None when there is none; raises RoutesError when unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutesError(f"{path}: cannot read state file: {exc}") from exc


def read_applied(config: ProxyConfig, path: Path) -> Applied | None:
    """``config`` with the state file at ``path`` applied as the proxy would; None without one."""
    text = read_state_text(path)
    if text is None:
        return None
    return apply_overrides(config, completed(state_from_json(text, str(path)), config)
                           if text else State())


def write_state(path: Path, state: State) -> str:
    """Write ``state`` atomically (temporary file, fsync, rename); returns the text written."""
    text = state_to_json(state)
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return text
