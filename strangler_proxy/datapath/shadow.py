"""Shadow traffic: copy sampled requests to a mirror upstream, compare, log and count differences.

The client never waits for the shadow: after the primary answered, a job is put on a queue bounded
in jobs and in bytes (the request copy and the primary's answer it holds; dropped and counted as
``dropped`` when either bound would be passed) and a few background workers send the copy, marked with the
``X-Demonolith-Shadow`` header (signed per target, :mod:`strangler_proxy.datapath.shadow_marking`),
and compare the answers. With ``learn_noise`` the primary is asked a second time first (safe
methods only: a write is never run twice), and whatever differs between its two answers is ignored
(Diffy). Only safe methods are copied unless the route has ``shadow_writes`` (then writes too, to a
mirror with a shadow key only) or the mirror says ``allow_unsafe`` (writes run there for real).

A shadowed write is compared like a read and also counted in ``proxy_shadow_writes_total``; its
answer must confirm the rollback (``X-Demonolith-Shadow: rolled-back``, what a generated service
sends), else it counts as ``unconfirmed``: the mirror may have run the write for real.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from strangler_proxy.datapath.exchange import Exchange, framing_lines, request_head
from strangler_proxy.datapath.fetch import fetch, selected_headers
from strangler_proxy.datapath.shadow_marking import ShadowKeys, load_keys
from strangler_proxy.datapath.upstream import UpstreamFailure, UpstreamPool
from strangler_proxy.errors import ProxyError
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.policy.response_diff import ComparedResponse, Diff, NoiseLearner, compare
from strangler_proxy.policy.routing import sample
from strangler_proxy.policy.shadow_marker import SUPPRESSED, UNSUPPRESSED, effect_counts

if TYPE_CHECKING:
    from strangler_proxy.config.model import Mirror, ProxyConfig, Route
    from strangler_proxy.datapath.in_flight import InFlight
    from strangler_proxy.datapath.request import Request

logger = logging.getLogger("strangler_proxy.shadow")
CONFIRMATION = "x-demonolith-shadow"  # the answer's header saying the shadow write was rolled back
REPORTS = (CONFIRMATION, SUPPRESSED, UNSUPPRESSED)
ROLLED_BACK = "rolled-back"


@dataclass(frozen=True)
class ShadowJob:
    """Everything a worker needs, captured when the primary answered."""

    route: Route
    mirror: Mirror
    request_id: str
    primary_upstream: str
    head: bytes  # the request head up to the identity header (signed per target) ...
    tail: bytes  # ... and the framing and body after it
    identity: Callable[[str], bytes] | None
    head_request: bool
    primary: ComparedResponse
    safe: bool
    method: str
    path: bytes  # percent-decoded, what the marker is signed for

    @property
    def size(self) -> int:
        """Bytes the job holds while it waits."""
        return len(self.head) + len(self.tail) + len(self.primary.body)


class Shadow:
    """The bounded queue, its workers, the noise learner and the recent differences."""

    def __init__(
        self, pools: dict[str, UpstreamPool], metrics: PrometheusRegistry, size: int, workers: int,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.pools = pools
        self.metrics = metrics
        self.queue: asyncio.Queue[ShadowJob] = asyncio.Queue(maxsize=size)
        self.max_bytes = max_bytes
        self.queued_bytes = 0
        self.noise = NoiseLearner()
        self.recent: deque[dict[str, Any]] = deque(maxlen=100)
        self.keys = ShadowKeys()
        self.writes = metrics.add_counter(
            "proxy_shadow_writes_total",
            "Shadowed writes: match, diff, error, unconfirmed (no rollback confirmed).",
            ("route", "result"))
        self.effects = metrics.add_counter(
            "proxy_shadow_effects_total",
            "Effects of shadowed writes the service reported: held back (suppressed) or not.",
            ("route", "effect", "held"))
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start the workers."""
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self) -> None:
        """Stop the workers (pending jobs are dropped)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def use_keys(self, config: ProxyConfig, *, starting: bool) -> None:
        """Read the shadow keys of ``config``; at start, a configured key that cannot be read
        stops the proxy (after a reload its upstream is unsigned, logged: its writes are skipped)."""
        keys = load_keys(config)
        if starting and keys.problems:
            raise ProxyError(f"shadow: {keys.problems[0]}")
        for problem in keys.problems:
            logger.error(json.dumps({"event": "shadow_key_missing", "problem": problem}))
        self.keys = keys

    def wants(self, route: Route, request: Request, safe: bool, replay: bytes | None) -> bool:
        """Whether this request is copied (sampled, allowed method, replayable body): safe
        methods only unless the route has ``shadow_writes`` (and its mirror a key) or the mirror
        has ``allow_unsafe``."""
        mirror = route.mirror
        if mirror is None or request.upgrade:
            return False
        writes = mirror.allow_unsafe or (route.shadow_writes and mirror.upstream in self.keys.secrets)
        if not (safe or writes) or replay is None:
            self.metrics.shadow.inc((route.name, "skipped"))
            return False
        return sample(mirror.percent)

    def capture_limit(self, forwarding: InFlight) -> int:
        """How much of the primary body to keep for comparison."""
        mirror = forwarding.route.mirror
        return mirror.max_body_bytes if forwarding.shadow and mirror else 0

    def submit(self, forwarding: InFlight, exchange: Exchange) -> None:
        """Queue a comparison for a request the primary answered; never blocks."""
        route, request = forwarding.route, forwarding.request
        mirror = route.mirror
        assert mirror is not None
        if exchange.captured is None:
            self.metrics.shadow.inc((route.name, "skipped"))
            return
        primary = ComparedResponse(
            exchange.status,
            selected_headers(exchange.response_lines, mirror.compare_headers),
            b"".join(exchange.captured),
        )
        job = ShadowJob(
            route=route, mirror=mirror, request_id=request.request_id.decode(),
            primary_upstream=forwarding.upstream, **self._message(forwarding),
            identity=forwarding.identity,
            head_request=request.method == "HEAD", primary=primary,
            safe=forwarding.safe, method=request.method, path=unquote_to_bytes(request.forward_path),
        )
        if self.queued_bytes + job.size > self.max_bytes:
            self.metrics.shadow.inc((route.name, "dropped"))
            return
        try:
            self.queue.put_nowait(job)
        except asyncio.QueueFull:
            self.metrics.shadow.inc((route.name, "dropped"))
            return
        self.queued_bytes += job.size

    @staticmethod
    def _message(forwarding: InFlight) -> dict[str, bytes]:
        request = forwarding.request
        parts = request_head(request, request.host_raw, forwarding.client.peer, upgrade=False,
                             proto=forwarding.proxy.scheme)
        replay = forwarding.replay if request.body is not None else None
        tail = framing_lines(request, replay) + (replay or b"")
        return {"head": b"".join(parts), "tail": tail}

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            self.queued_bytes -= job.size
            try:
                await self._compare(job)
            except UpstreamFailure as failure:
                self._failed(job, {"error": str(failure)})
            except Exception as exc:  # a worker never dies of one bad job
                logger.exception("shadow comparison failed")
                self._failed(job, {"error": repr(exc)})

    def _failed(self, job: ShadowJob, detail: dict[str, Any]) -> None:
        self._record(job, "error", detail)
        if not job.safe:
            self._record_write(job, "error", {})

    async def _compare(self, job: ShadowJob) -> None:
        mirror = job.mirror
        if mirror.learn_noise and job.safe:  # never run a write twice on the primary
            again = await self._fetch(job.primary_upstream, job)
            self.noise.learn(job.route.name, job.primary, again)
        confirm = self._confirms(job)
        names = (*mirror.compare_headers, *REPORTS) if confirm else mirror.compare_headers
        shadow = await self._fetch(mirror.upstream, job, names)
        confirmed = dict(shadow.headers).get(CONFIRMATION) == ROLLED_BACK
        if confirm:
            self._effects(job, dict(shadow.headers))
            shadow = ComparedResponse(shadow.status, tuple(
                h for h in shadow.headers if h[0] not in REPORTS or h[0] in mirror.compare_headers),
                shadow.body)
        ignore = (*mirror.ignore, *self.noise.rules(job.route.name))
        diff = compare(job.primary, shadow, ignore)
        result = "match" if diff.matches else "diff"
        self._record(job, result, {} if diff.matches else self._describe(job, shadow, diff))
        if confirm and not confirmed:
            self._record_write(job, "unconfirmed", {"shadow_status": shadow.status,
                                                    "comparison": result})
        elif not job.safe:
            self._record_write(job, result, {})

    def _effects(self, job: ShadowJob, headers: dict[str, str]) -> None:
        """Count what the service held back and what it could not (logged when any happened)."""
        for held, name in (("suppressed", SUPPRESSED), ("unsuppressed", UNSUPPRESSED)):
            for effect, count in effect_counts(headers.get(name)).items():
                if count:
                    self.effects.inc((job.route.name, effect, held), count)
        happened = {k: v for k, v in effect_counts(headers.get(UNSUPPRESSED)).items() if v}
        if happened:
            entry = {"event": "shadow_unsuppressed", "route": job.route.name,
                     "method": job.method, "request_id": job.request_id,
                     "shadow": job.mirror.upstream, "effects": happened}
            self.recent.append(entry)
            logger.warning(json.dumps(entry, sort_keys=True))

    def _confirms(self, job: ShadowJob) -> bool:
        """Whether the answer to this copy must confirm a rollback: a write sent signed for
        ``shadow_writes`` (``allow_unsafe`` alone runs writes on the mirror for real)."""
        return (not job.safe and job.route.shadow_writes
                and job.mirror.upstream in self.keys.secrets)

    async def _fetch(self, upstream: str, job: ShadowJob,
                     names: tuple[str, ...] | None = None) -> ComparedResponse:
        identity = b"" if job.identity is None else job.identity(upstream)
        marker = self.keys.line(upstream, job.method, job.path)
        return await fetch(
            self.pools[upstream], job.head + marker + identity + job.tail,
            head_request=job.head_request, limit=job.mirror.max_body_bytes,
            names=job.mirror.compare_headers if names is None else names,
        )

    @staticmethod
    def _describe(job: ShadowJob, shadow: ComparedResponse, diff: Diff) -> dict[str, Any]:
        return {
            "differences": list(diff.paths),
            "primary_status": job.primary.status,
            "shadow_status": shadow.status,
        }

    def _record(self, job: ShadowJob, result: str, detail: dict[str, Any]) -> None:
        self.metrics.shadow.inc((job.route.name, result))
        if result == "match":
            return
        entry = {"event": f"shadow_{result}", "route": job.route.name, "method": job.method,
                 "request_id": job.request_id, "shadow": job.mirror.upstream, **detail}
        self.recent.append(entry)
        logger.warning(json.dumps(entry, sort_keys=True))

    def _record_write(self, job: ShadowJob, result: str, detail: dict[str, Any]) -> None:
        self.writes.inc((job.route.name, result))
        if result == "unconfirmed":
            entry = {"event": "shadow_write_unconfirmed", "route": job.route.name,
                     "method": job.method, "request_id": job.request_id,
                     "shadow": job.mirror.upstream, **detail}
            self.recent.append(entry)
            logger.error(json.dumps(entry, sort_keys=True))

    def write_summary(self) -> dict[str, dict[str, int]]:
        """Shadowed writes per route and result (the admin API's ``shadow_writes``)."""
        summary: dict[str, dict[str, int]] = {}
        for (route, result), count in sorted(self.writes.values.items()):
            summary.setdefault(route, {})[result] = int(count)
        return summary
