"""Shadow traffic: copy sampled requests to a mirror upstream, compare, log and count differences.

The client never waits for the shadow: after the primary answered, a job is put on a queue bounded
in jobs and in bytes (the request copy and the primary's answer it holds; dropped and counted as
``dropped`` when either bound would be passed) and a few background workers send the copy, marked with the
``X-Demonolith-Shadow: 1`` header, and compare the answers. With ``learn_noise`` the primary is
asked a second time first, and whatever differs between its two answers is ignored (Diffy).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strangler_proxy.datapath.exchange import Exchange, framing_lines, request_head
from strangler_proxy.datapath.fetch import fetch, selected_headers
from strangler_proxy.datapath.upstream import UpstreamFailure, UpstreamPool
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.policy.headers import SHADOW_MARKER
from strangler_proxy.policy.response_diff import ComparedResponse, Diff, NoiseLearner, compare
from strangler_proxy.policy.routing import sample

if TYPE_CHECKING:
    from strangler_proxy.config.model import Mirror, Route
    from strangler_proxy.datapath.in_flight import InFlight
    from strangler_proxy.datapath.request import Request

logger = logging.getLogger("strangler_proxy.shadow")


@dataclass(frozen=True)
class ShadowJob:
    """Everything a worker needs, captured when the primary answered."""

    route: Route
    mirror: Mirror
    request_id: str
    primary_upstream: str
    message: bytes
    head_request: bool
    primary: ComparedResponse
    idempotent: bool

    @property
    def size(self) -> int:
        """Bytes the job holds while it waits."""
        return len(self.message) + len(self.primary.body)


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

    def wants(self, route: Route, request: Request, idempotent: bool, replay: bytes | None) -> bool:
        """Whether this request is copied (sampled, allowed method, replayable body)."""
        mirror = route.mirror
        if mirror is None or request.upgrade:
            return False
        if not (idempotent or mirror.allow_unsafe) or replay is None:
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
            primary_upstream=forwarding.upstream, message=self._message(forwarding),
            head_request=request.method == "HEAD", primary=primary,
            idempotent=forwarding.idempotent,
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
    def _message(forwarding: InFlight) -> bytes:
        request = forwarding.request
        parts = request_head(request, request.host_raw, forwarding.client.peer, upgrade=False,
                             proto=forwarding.proxy.scheme)
        parts.append(SHADOW_MARKER + b": 1\r\n")
        replay = forwarding.replay if request.body is not None else None
        parts.append(framing_lines(request, replay))
        if replay:
            parts.append(replay)
        return b"".join(parts)

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            self.queued_bytes -= job.size
            try:
                await self._compare(job)
            except UpstreamFailure as failure:
                self._record(job, "error", {"error": str(failure)})
            except Exception as exc:  # a worker never dies of one bad job
                logger.exception("shadow comparison failed")
                self._record(job, "error", {"error": repr(exc)})

    async def _compare(self, job: ShadowJob) -> None:
        mirror = job.mirror
        if mirror.learn_noise and job.idempotent:
            again = await self._fetch(job.primary_upstream, job)
            self.noise.learn(job.route.name, job.primary, again)
        shadow = await self._fetch(mirror.upstream, job)
        ignore = (*mirror.ignore, *self.noise.rules(job.route.name))
        diff = compare(job.primary, shadow, ignore)
        if diff.matches:
            self._record(job, "match", {})
        else:
            self._record(job, "diff", self._describe(job, shadow, diff))

    async def _fetch(self, upstream: str, job: ShadowJob) -> ComparedResponse:
        return await fetch(
            self.pools[upstream], job.message, head_request=job.head_request,
            limit=job.mirror.max_body_bytes, names=job.mirror.compare_headers,
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
        entry = {"event": f"shadow_{result}", "route": job.route.name,
                 "request_id": job.request_id, "shadow": job.mirror.upstream, **detail}
        self.recent.append(entry)
        logger.warning(json.dumps(entry, sort_keys=True))
