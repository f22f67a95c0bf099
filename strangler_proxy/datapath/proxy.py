"""The running proxy: listeners, routing table, upstream pools, shadow workers, metrics, logs.

State that changes at run time is held so that reloads and admin changes are safe: :attr:`Proxy.table` is an
immutable :class:`RoutingTable` replaced in one assignment, pools are owned per upstream name, and
all counters live in one :class:`PrometheusRegistry`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from time import monotonic
from typing import TYPE_CHECKING

from strangler_proxy.admin.server import AdminRequest, AdminResponse, AdminServer, Handler, json_response
from strangler_proxy.config.admin_tokens import Tokens
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.datapath.client import ClientProtocol
from strangler_proxy.datapath.cork import WriteCork
from strangler_proxy.datapath.forward import Forwarding
from strangler_proxy.datapath.guards import Guards
from strangler_proxy.datapath.health import check_forever
from strangler_proxy.datapath.request import Rejection
from strangler_proxy.datapath.shadow import Shadow
from strangler_proxy.datapath.tls import server_context
from strangler_proxy.datapath.upstream import UpstreamPool
from strangler_proxy.errors import ProxyError
from strangler_proxy.observe.accesslog import AccessLog
from strangler_proxy.observe.metrics import PrometheusRegistry
from strangler_proxy.observe.samples import Samples
from strangler_proxy.policy.breaker import STATE_VALUES
from strangler_proxy.policy.headers import request_id_from
from strangler_proxy.policy.paths import host_without_port, valid_host
from strangler_proxy.policy.routing import RoutingTable

if TYPE_CHECKING:
    from strangler_proxy.datapath.in_flight import InFlight
    from strangler_proxy.datapath.request import Request

logger = logging.getLogger("strangler_proxy")
SWEEP_SECONDS = 0.1
DRAIN_IDLE_GRACE = 1.0  # an idle keep-alive connection may still send one request when draining
FDS_KEPT = 64  # files the process keeps for itself (listeners, logs, admin, health checks)


def connection_cap(config: ProxyConfig) -> int:
    """How many client connections are served (``max_connections``, or, when 0, what the
    open-file limit leaves: each client may hold one upstream connection besides its own)."""
    if config.limits.max_connections:
        return config.limits.max_connections
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 20
    idle = sum(upstream.max_idle for upstream in config.upstreams)
    return max(16, (soft - FDS_KEPT - idle) // 2)


def parse_address(value: str, what: str) -> tuple[str, int]:
    """``host:port`` -> ``(host, port)``; raises ProxyError naming ``what``."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ProxyError(f"{what}: expected HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


class Proxy:
    """One proxy process: build it from a config, ``await start()``, ``await stop()``."""

    def __init__(
        self, config: ProxyConfig, access_log: AccessLog | None = None, admin_tokens: Tokens = ()
    ) -> None:
        self.config = config
        self.admin_tokens: Tokens = (*config.admin_tokens, *admin_tokens)
        self.admin_routes: dict[tuple[str, str], Handler] = {}  # the admin API adds its own
        self.draining = False
        self.drain_grace = DRAIN_IDLE_GRACE
        self.table = RoutingTable(config.routes, config.default)
        self.loop = asyncio.get_running_loop()
        self.cork = WriteCork(self.loop)
        self.pools = {upstream.name: UpstreamPool(upstream, self.cork) for upstream in config.upstreams}
        self.metrics = PrometheusRegistry()
        self.samples = Samples()  # of the routes under automatic promotion
        self.access_log = access_log or AccessLog(config.access_log)
        self.clients: set[ClientProtocol] = set()
        self.max_clients = connection_cap(config)
        self.shadow = Shadow(self.pools, self.metrics, config.shadow_queue, config.shadow_workers,
                             config.shadow_queue_bytes)
        self.shadow.use_keys(config, starting=True)
        self.guards = Guards(config, self.metrics)  # rate limits, faults, identity
        self.tls = server_context(config)
        self.scheme = b"https" if self.tls is not None else b"http"
        self.listen_port = 0
        self.admin_port = 0
        self._server: asyncio.Server | None = None
        self._admin: AdminServer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._health: dict[str, asyncio.Task[None]] = {}
        self._retired: list[UpstreamPool] = []
        self._listen_host = "127.0.0.1"
        self._hosts = frozenset({"localhost", "127.0.0.1", "[::1]", *config.hosts})
        self._host_names: dict[bytes, str] = {}
        self._register_gauges()

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self, listen: str, admin: str | None = None, *, reuse_port: bool = False) -> None:
        """Bind the listeners and start the background tasks (``reuse_port``: SO_REUSEPORT, so
        several worker processes share the listen address)."""
        host, port = parse_address(listen, "listen")
        try:
            self._server = await self.loop.create_server(
                lambda: ClientProtocol(self), host, port, backlog=1024, ssl=self.tls,
                reuse_port=reuse_port or None,
                ssl_handshake_timeout=self.config.limits.header_timeout if self.tls else None,
            )
            self.listen_port = int(self._server.sockets[0].getsockname()[1])
            self._listen_host = host.lower()
            self._hosts |= {host.lower()}
            if admin:
                admin_host, admin_port = parse_address(admin, "admin")
                self._admin = AdminServer(self.admin_handlers(), self.admin_tokens)
                self.admin_port = await self._admin.start(admin_host, admin_port)
        except OSError as exc:
            await self.stop()
            raise ProxyError(f"cannot listen: {exc.strerror or exc}") from exc
        self.shadow.start()
        self._tasks.append(asyncio.create_task(self._sweep()))
        for pool in self.pools.values():
            self._check_health(pool)

    def _check_health(self, pool: UpstreamPool) -> None:
        if pool.upstream.health is not None:
            task = asyncio.create_task(check_forever(pool, pool.upstream.health))
            self._health[pool.upstream.name] = task
            self._tasks.append(task)

    def apply_config(self, config: ProxyConfig) -> None:
        """Swap in a validated config at once (hot reload, admin change): the routing table, and
        new pools for new or changed upstreams. In-flight requests keep the route and pools they
        started with; retired pools close their idle connections, busy ones finish first."""
        old = self.pools
        pools = {}
        for upstream in config.upstreams:
            pool = old.get(upstream.name)
            pools[upstream.name] = (pool if pool and pool.upstream == upstream
                                    else UpstreamPool(upstream, self.cork))
        self.config, self.pools, self.shadow.pools = config, pools, pools
        self.max_clients = connection_cap(config)
        self.table = RoutingTable(config.routes, config.default)
        self.guards.apply_config(config)
        self.shadow.use_keys(config, starting=False)
        self._hosts = frozenset({"localhost", "127.0.0.1", "[::1]", self._listen_host, *config.hosts})
        for name, pool in old.items():
            if pools.get(name) is not pool:
                self._retired.append(pool)
                task = self._health.pop(name, None)
                if task is not None:
                    task.cancel()
        for name, pool in pools.items():
            if old.get(name) is not pool and self._server is not None:
                self._check_health(pool)

    async def drain(self, seconds: float) -> int:
        """Stop accepting; answer in-flight requests (and any that a keep-alive client sends
        meanwhile) with ``Connection: close``; close idle connections between requests only,
        after ``drain_grace``; wait up to ``seconds``. Returns how many were still busy."""
        self.draining = True
        self.drain_grace = min(DRAIN_IDLE_GRACE, seconds)
        if self._server is not None:
            self._server.close()
        for client in list(self.clients):
            client.drain()
        deadline = monotonic() + seconds
        while self.clients and monotonic() < deadline:
            await asyncio.sleep(0.02)
        return sum(1 for client in self.clients if client.busy or client.queue or client.tunnel)

    async def stop(self) -> None:
        """Stop listening, close connections and flush the access log."""
        if self._server is not None:
            self._server.close()
        for client in list(self.clients):
            client.close()
        if self._admin is not None:
            await self._admin.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.shadow.stop()
        self.guards.stop()
        for pool in self.pools.values():
            pool.close()
        if self._server is not None:
            await self._server.wait_closed()
        self.access_log.close()

    async def _sweep(self) -> None:
        """Deadlines (slow clients, upstream read timeouts, also of the requests still on pools a
        reload retired) every 0.1 s; idle pools and log flushing every second."""
        ticks = 0
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            now = monotonic()
            for client in [c for c in self.clients if c.deadline < now]:
                client.timed_out()
            for pool in [*self.pools.values(), *self._retired]:  # retired: requests still on them
                if pool.active:
                    pool.expire(now)
            ticks += 1
            if ticks % 10 == 0:
                for pool in self.pools.values():
                    pool.sweep(now)
                for pool in self._retired:
                    pool.sweep(float("inf"))  # closes every idle connection
                self._retired = [pool for pool in self._retired if pool.active]
                self.access_log.flush()

    # -- called by the data path -----------------------------------------------------------
    def serve(self, client: ClientProtocol, request: Request) -> None:
        """Start serving ``request`` in its own task."""
        forwarding = Forwarding(self, client, request)
        client.forwarding = forwarding
        client.task = None
        forwarding.start()

    def request_done(self, forwarding: InFlight) -> None:
        """Count, time and log one finished request."""
        duration = monotonic() - forwarding.request.started
        route = forwarding.route
        self.metrics.request_finished(route.name, forwarding.upstream or "-",
                                      forwarding.status, duration)
        if route.promotion is not None and forwarding.upstream:  # an upstream was tried
            chosen = forwarding.primary  # a fallback's answer is the chosen side's failure
            self.samples.record(route.name, chosen, forwarding.request.started, duration,
                                forwarding.status >= 500 or forwarding.upstream != chosen)
        if self.access_log.enabled:
            self.access_log.write_line(forwarding.log_line(duration))

    def client_gone(self, client: ClientProtocol) -> None:
        """A client disconnected: abort its exchange, or its task when none is running."""
        forwarding = client.forwarding
        if forwarding is None or not client.busy:
            return
        if forwarding.exchange is not None:
            forwarding.exchange.client_gone()
        elif client.task is not None and not client.task.done():
            forwarding.error = "client closed the connection"
            client.task.cancel()

    def rejected(self, client: ClientProtocol, rejection: Rejection) -> None:
        """Count and log a request the proxy refused itself."""
        self.metrics.rejected.inc((rejection.reason,))
        if self.access_log.enabled:
            self.access_log.write({"client": client.peer, "status": rejection.status,
                                   "rejected": rejection.reason, "error": str(rejection)})

    def log_error(self, request: Request, exc: BaseException) -> None:
        """Log an error that ended a request abnormally."""
        logger.error(json.dumps({"event": "request_failed", "error": str(exc),
                                 "request_id": request.request_id.decode("ascii", "replace")}))

    def host_name(self, host_raw: bytes) -> str:
        """The lower-case host name (no port) of a Host header; cached, hosts are few; raises
        a 400 Rejection for an invalid one (checked once per distinct value)."""
        host = self._host_names.get(host_raw)
        if host is None:
            if host_raw and not valid_host(host_raw):
                raise Rejection(400, "bad_host", "invalid Host header")
            host = host_without_port(host_raw.decode("latin-1"))
            if len(self._host_names) < 1024:
                self._host_names[host_raw] = host
        return host

    @staticmethod
    def request_id(value: bytes | None) -> bytes:
        """The request id to use (the client's when valid)."""
        return request_id_from(value)

    def serves_host(self, authority: bytes) -> bool:
        """Whether an absolute-form target names this proxy (never another host)."""
        host = host_without_port(authority.decode("latin-1"))
        if host in self._hosts:
            return True
        return any(
            route.host == host or (route.host.startswith("*.") and host.endswith(route.host[1:]))
            for route in self.config.routes
            if route.host
        )

    # -- admin and metrics -----------------------------------------------------------------
    def admin_handlers(self) -> dict[tuple[str, str], Handler]:
        """The admin listener's handlers: metrics, health, status, and the admin API's ``admin_routes``."""

        async def metrics(request: AdminRequest) -> AdminResponse:
            return AdminResponse(200, self.metrics.render().encode(),
                                 "text/plain; version=0.0.4; charset=utf-8")

        async def healthz(request: AdminRequest) -> AdminResponse:
            return json_response(200, {"status": "draining" if self.draining else "ok"})

        async def status(request: AdminRequest) -> AdminResponse:
            return json_response(200, self.status())

        return {("GET", "/metrics"): metrics, ("GET", "/healthz"): healthz,
                ("GET", "/status"): status, **self.admin_routes}

    def reset_breaker(self, name: str) -> bool:
        """Close the breaker of upstream ``name`` (the admin API); False when there is none."""
        pool = self.pools.get(name)
        if pool is None:
            return False
        pool.breaker.reset()
        return True

    def status(self) -> dict[str, object]:
        """Upstream health and breaker state, routes in precedence order, recent shadow diffs."""
        return {
            "routes": [compiled.route.name for compiled in self.table.routes],
            "upstreams": {
                name: {"healthy": pool.healthy, "breaker": pool.breaker.state,
                       "breaker_detail": pool.breaker.snapshot(),
                       "idle_connections": len(pool.idle)}
                for name, pool in sorted(self.pools.items())
            },
            "shadow_recent": list(self.shadow.recent),
            "shadow_writes": self.shadow.write_summary(),
        }

    def _register_gauges(self) -> None:
        self.metrics.add_gauge(
            "proxy_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
            ("upstream",),
            lambda: {(n,): float(STATE_VALUES[p.breaker.state]) for n, p in self.pools.items()},
            "max")
        self.metrics.add_gauge(
            "proxy_upstream_healthy", "1 when the upstream passes its health checks.",
            ("upstream",), lambda: {(n,): float(p.healthy) for n, p in self.pools.items()}, "min")
        self.metrics.add_gauge(
            "proxy_upstream_idle_connections", "Idle keep-alive connections per upstream.",
            ("upstream",), lambda: {(n,): float(len(p.idle)) for n, p in self.pools.items()})
        self.metrics.add_gauge(
            "proxy_shadow_queue_length", "Shadow jobs waiting.", (),
            lambda: {(): float(self.shadow.queue.qsize())})
        self.metrics.add_gauge(
            "proxy_shadow_queue_bytes", "Bytes held by the shadow jobs waiting.", (),
            lambda: {(): float(self.shadow.queued_bytes)})
        self.metrics.add_gauge("proxy_client_connections", "Open client connections.", (),
                               lambda: {(): float(len(self.clients))})
