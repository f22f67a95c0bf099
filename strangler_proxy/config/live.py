"""The live routing config: routes file + state file -> effective config; reload it, change it.

One :class:`LiveRoutes` per process. The *owner* (the single proxy process, or the supervisor
with ``--workers``) watches both files (mtime polled every second, content hashed), reloads on
SIGHUP, validates before anything changes, keeps the old routes when the new file is bad (logged,
counted in ``demonolith_proxy_reload_failures_total``), serves admin changes and writes the state
file. *Followers* (workers) only re-read both files when told to. Whatever the outcome, the
running proxy only ever sees a complete, validated config, handed to ``apply`` in one call.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from strangler_proxy.config.changes import (
    ChangeError,
    changeable_route,
    requested_batch,
    requested_settings,
)
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.promotion_record import KeptPromotion
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.config.state import (
    Applied,
    Change,
    Override,
    RouteSettings,
    State,
    Who,
    apply_overrides,
    completed,
    find_route,
    read_state_text,
    record,
    settings_of,
    state_from_json,
    state_to_json,
    without_dropped,
    write_state,
)
from strangler_proxy.errors import RoutesError
from strangler_proxy.observe.metrics import Counter, PrometheusRegistry

logger = logging.getLogger("strangler_proxy.live")
Apply = Callable[[ProxyConfig], Awaitable[dict[str, Any]]]
_FAILURES = ("demonolith_proxy_reload_failures_total",
             "Reloads refused (the old routes kept), by the file at fault: routes or state.",
             ("file",))
RESTART_ONLY = ("listen", "admin", "access_log", "shadow_queue", "shadow_queue_bytes",
                "shadow_workers", "admin_tokens",
                "tls_cert", "tls_key")


@dataclass
class ReloadStatus:
    """What the last reload did (shown by the admin API)."""

    ok: bool = True
    at: float = field(default_factory=time.time)
    reason: str = "start"
    error: str | None = None
    digest: str = ""


def _digest(routes_text: str, state_text: str | None) -> str:
    content = routes_text.encode() + b"\0" + (state_text or "").encode()
    return hashlib.sha256(content).hexdigest()[:16]


def _routes_digest(routes_text: str, state: State) -> str:
    """What ``expect_digest`` compares: the routes and the run-time changes, not the promotion
    loop's kept state (a hold written meanwhile does not make a batch read before stale)."""
    return _digest(routes_text, state_to_json(replace(state, promotions=())))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _log(event: str, **fields: Any) -> None:
    logger.warning(json.dumps({"event": event, **fields}, sort_keys=True, default=str))


class LiveRoutes:
    """Holds the effective config and is the only place that changes it."""

    def __init__(self, routes_path: str | Path, state_path: Path, *, owner: bool,
                 adjust: Callable[[ProxyConfig], ProxyConfig] = lambda config: config) -> None:
        """Read and validate both files (raises RoutesError); :meth:`attach` before reloading.

        ``adjust`` is applied to every routes file read (command-line values that win over it).
        """
        self.routes_path = Path(routes_path)
        self._adjust = adjust
        self.state_path = state_path
        self.owner = owner
        self._apply: Apply | None = None
        self._lock = asyncio.Lock()
        self._failed_digest: str | None = None
        self._signature: tuple[object, ...] = ()
        self.status = ReloadStatus()
        self.file_config, self.state, applied, routes_text, state_text = self._build()
        self.config = applied.config
        self._routes_text = routes_text
        self.status.digest = _routes_digest(routes_text, self.state)
        self._files_digest = _digest(routes_text, state_text)
        self._failures = Counter(*_FAILURES)
        self._log_dropped(applied)

    def attach(self, apply: Apply, metrics: PrometheusRegistry | None) -> None:
        """Where validated configs go, and the registry that counts reloads (owner only)."""
        self._apply = apply
        if metrics is not None:
            self._failures = metrics.add_counter(*_FAILURES)
            self._register(metrics)

    # -- reading -----------------------------------------------------------------------------
    def _build(self) -> tuple[ProxyConfig, State, Applied, str, str | None]:
        try:
            routes_text = self.routes_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RoutesError(f"{self.routes_path}: cannot read routes file: {exc}") from exc
        file_config = self._adjust(parse_routes(routes_text, str(self.routes_path)))
        state_text = read_state_text(self.state_path)
        state = completed(state_from_json(state_text, str(self.state_path)), file_config) if (
            state_text) else State()
        return file_config, state, apply_overrides(file_config, state), routes_text, state_text

    def _file_signature(self) -> tuple[object, ...]:
        found: list[object] = []
        for path in (self.routes_path, self.state_path):
            try:
                stat = path.stat()
                found.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
            except OSError:
                found.append(None)
        return tuple(found)

    def _register(self, metrics: PrometheusRegistry) -> None:
        metrics.add_gauge("demonolith_proxy_last_reload_success",
                          "1 when the last reload (or the start) succeeded, 0 when it was refused.",
                          (), lambda: {(): float(self.status.ok)}, "min")
        metrics.add_gauge("demonolith_proxy_last_reload_timestamp_seconds",
                          "When the last reload was attempted (Unix time).",
                          (), lambda: {(): self.status.at})

    # -- reload ------------------------------------------------------------------------------
    async def reload(self, reason: str) -> ReloadStatus:
        """Re-read both files; apply them when valid, else keep the old routes and say why."""
        async with self._lock:
            self._signature = self._file_signature()
            try:
                file_config, state, applied, routes_text, state_text = self._build()
            except RoutesError as exc:
                return self._refused(reason, exc)
            self._files_digest = _digest(routes_text, state_text)
            if self.owner and applied.dropped:
                state = without_dropped(state, applied)
                self._files_digest = _digest(routes_text, write_state(self.state_path, state))
            digest = _routes_digest(routes_text, state)
            self._warn_restart_only(file_config)
            self._log_dropped(applied)
            self.file_config, self.state, self.config = file_config, state, applied.config
            self._routes_text = routes_text
            self._failed_digest = None
            self.status = ReloadStatus(True, time.time(), reason, None, digest)
            applied_to = await self._applied()
            _log("routes_reloaded", reason=reason, digest=digest, routes=len(file_config.routes),
                 overrides=[o.route for o in applied.active], **applied_to)
            return self.status

    async def _applied(self) -> dict[str, Any]:
        assert self._apply is not None, "attach() first"
        return await self._apply(self.config)

    def _refused(self, reason: str, exc: RoutesError) -> ReloadStatus:
        culprit = "state" if str(exc).startswith(str(self.state_path)) else "routes"
        self._failures.inc((culprit,))
        self.status = ReloadStatus(False, time.time(), reason, str(exc), self.status.digest)
        _log("reload_failed", reason=reason, file=culprit, error=str(exc),
             kept=self.status.digest)
        return self.status

    def _warn_restart_only(self, new: ProxyConfig) -> None:
        changed = [name for name in RESTART_ONLY
                   if getattr(new, name, None) != getattr(self.file_config, name, None)]
        if changed:
            _log("reload_needs_restart", changed=changed,
                 message="these settings take effect when the proxy restarts")

    def _log_dropped(self, applied: Applied) -> None:
        for override, why in applied.dropped:
            _log("override_dropped", route=override.route, reason=why, set_by=override.who.token,
                 set_at=override.at)

    async def watch(self, interval: float = 1.0) -> None:
        """Poll both files every ``interval`` seconds; reload when their content changed."""
        self._signature = self._file_signature()
        while True:
            await asyncio.sleep(interval)
            signature = self._file_signature()
            if signature == self._signature:
                continue
            self._signature = signature
            try:
                routes_text = self.routes_path.read_text(encoding="utf-8")
                digest = _digest(routes_text, read_state_text(self.state_path))
            except (OSError, UnicodeDecodeError, RoutesError):
                digest = "unreadable"
            if digest not in (self._files_digest, self._failed_digest):
                try:
                    status = await self.reload("file changed")
                except Exception:  # a bug must not stop the watching
                    logger.exception("reload failed unexpectedly")
                    continue
                self._failed_digest = None if status.ok else digest

    # -- admin changes (owner only) ---------------------------------------------------------
    async def change(self, name: str, request: object, who: Who) -> dict[str, Any]:
        """Apply the admin API's change of route ``name``; raises ChangeError when refused."""
        async with self._lock:
            route = changeable_route(self.config, name)
            settings = requested_settings(self.config, route, request)
            return _one(await self._store(((name, settings, "set"),), who))

    async def reset(self, name: str, who: Who) -> dict[str, Any]:
        """Drop the override of route ``name``: the routes file's settings apply again."""
        async with self._lock:
            changeable_route(self.config, name)
            file_route = find_route(self.file_config, name)
            assert file_route is not None
            return _one(await self._store(((name, settings_of(file_route), "reset"),), who))

    async def change_many(self, request: object, who: Who) -> dict[str, Any]:
        """Apply a batch of changes at once (one state file write, one swap), or none of them.

        ChangeError 409 when ``expect_digest`` is given and the routes changed since (someone
        else's change or a reload): the caller read them before, and should read them again.
        """
        async with self._lock:
            expected = request.get("expect_digest") if isinstance(request, dict) else None
            if expected is not None and expected != self.status.digest:
                raise ChangeError(409, f"the routes changed since they were read (digest now"
                                       f" {self.status.digest}, expected {expected}): read them again")
            return await self._store(requested_batch(self.config, self.file_config, request), who)

    async def keep_promotion(self, kept: KeptPromotion) -> None:
        """Write the promotion loop's state of one route to the state file (OSError when it
        cannot be written: nothing changes); the routes served stay as they are."""
        async with self._lock:
            assert self.owner, "only the owner writes the state file"
            state = self.state.with_promotion(kept)
            self._files_digest = _digest(self._routes_text, write_state(self.state_path, state))
            self._signature = self._file_signature()
            self.state = state

    async def _store(self, wanted: Sequence[tuple[str, RouteSettings, str]],
                     who: Who) -> dict[str, Any]:
        assert self.owner, "only the owner changes routes"
        at, state, done = _now(), self.state, []
        for name, settings, action in wanted:
            file_route = find_route(self.file_config, name)
            current = find_route(self.config, name)
            assert file_route is not None and current is not None
            base = settings_of(file_route)
            override = None if settings == base else Override(name, settings, base, who, at)
            change = Change(at, who, name, action, settings_of(current), settings)
            state = record(state, override, change)
            done.append((change, override is not None))
        self._files_digest = _digest(self._routes_text, write_state(self.state_path, state))
        digest = _routes_digest(self._routes_text, state)
        self._signature = self._file_signature()
        applied = apply_overrides(self.file_config, state)
        self.state, self.config = state, applied.config
        what = f"{done[0][0].action} {done[0][0].route}" if len(done) == 1 else f"batch of {len(done)}"
        self.status = ReloadStatus(True, time.time(), f"admin {what}", None, digest)
        applied_to = await self._applied()
        for change, _ in done:
            _log("admin_change", route=change.route, action=change.action, by=who.token,
                 client=who.client, user=who.user, at=at, before=dict(change.before.weights),
                 after=dict(change.after.weights), mirror_percent=change.after.mirror_percent,
                 batch=len(done), pid=os.getpid(), **applied_to)
        return {"routes": [{"route": change.route, "action": change.action, "overridden": kept}
                           for change, kept in done],
                "at": at, "by": {"token": who.token, "client": who.client, "user": who.user},
                **applied_to}


def _one(result: dict[str, Any]) -> dict[str, Any]:
    """The answer about a single-route change: the route's entry merged into the result."""
    (entry,) = result.pop("routes")
    return {**entry, **result}
