"""The proxy's configuration as frozen value objects, built and validated by :mod:`routes_file`.

Nothing here does I/O. A :class:`ProxyConfig` is immutable, so a running proxy can swap one for
another atomically (hot reload and admin changes build a new config and a new routing table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
# Safe methods (RFC 9110 §9.2.1) change nothing: the only ones copied to a shadow (unless the route
# has ``shadow_writes`` or its mirror ``allow_unsafe``), asked twice to learn noise, or sent to a
# fallback (another system of record) after the service may have run them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class BreakerConfig:
    """Circuit breaker thresholds of one upstream."""

    failures: int = 5
    open_seconds: float = 10.0
    half_open_requests: int = 1


@dataclass(frozen=True)
class HealthConfig:
    """Active health check of one upstream: ``GET path`` every ``interval`` seconds."""

    path: str = "/"
    interval: float = 5.0
    timeout: float = 2.0
    unhealthy_after: int = 2
    healthy_after: int = 1


@dataclass(frozen=True)
class Upstream:
    """One backend the proxy may contact; the only hosts it ever connects to come from here."""

    name: str
    host: str
    port: int
    connect_timeout: float = 2.0
    read_timeout: float = 30.0
    retries: int = 1
    max_idle: int = 64
    idle_timeout: float = 4.0
    breaker: BreakerConfig = field(default_factory=BreakerConfig)
    health: HealthConfig | None = None
    shadow_secret_env: str | None = None  # where the key that signs shadow markers sent here is
    shadow_secret_file: str | None = None  # read from (never held here; see datapath.shadow_marking)

    @property
    def signs_shadow(self) -> bool:
        """Whether shadow copies sent here carry a signed marker (a shadow secret is configured)."""
        return self.shadow_secret_env is not None or self.shadow_secret_file is not None

    @property
    def authority(self) -> str:
        """``host:port`` as sent in a rewritten Host header."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Sticky:
    """How a weighted route keeps one user on one side: by a cookie or a header value."""

    cookie: str | None = None
    header: str | None = None


@dataclass(frozen=True)
class Mirror:
    """Shadow traffic: a share of the route's requests is also sent to ``upstream`` and compared."""

    upstream: str
    percent: float = 100.0
    allow_unsafe: bool = False
    compare_headers: tuple[str, ...] = ("content-type",)
    ignore: tuple[str, ...] = ()
    learn_noise: bool = False
    max_body_bytes: int = 1 << 20


@dataclass(frozen=True)
class PathMatch:
    """How a route matches the normalised path: ``exact``, ``pattern``, ``prefix`` or ``regex`` (a
    Python regex from ``^/``, matched against the path with its percent-escapes decoded)."""

    kind: str
    value: str


@dataclass(frozen=True)
class RateLimit:
    """A token bucket per route: ``rate`` tokens a second, at most ``burst`` saved up.

    ``per`` keys the buckets: ``route`` (one bucket), ``client_ip`` (one per client address) or
    ``header`` (one per value of ``header``; requests without it share one bucket).
    """

    rate: float
    burst: int
    per: str = "route"
    header: str | None = None
    max_keys: int = 10_000


@dataclass(frozen=True)
class Faults:
    """Fault injection for resilience drills: a share of requests delayed, a share aborted."""

    delay: float = 0.0
    delay_percent: float = 0.0
    abort_status: int = 503
    abort_percent: float = 0.0


@dataclass(frozen=True)
class IdentityConfig:
    """How the proxy resolves the monolith session into the signed identity header.

    The secret itself is never held here (configs are logged and shown): it is read from
    ``secret_file`` or the environment variable ``secret_env`` when the proxy starts.
    """

    upstream: str
    path: str = "/internal/whoami/"
    session_cookie: str = "sessionid"
    cache_ttl: float = 5.0
    cache_size: int = 10_000
    header_ttl: int = 10
    secret_env: str = "DEMONOLITH_IDENTITY_SECRET"
    secret_file: str | None = None


@dataclass(frozen=True)
class PromotionPolicy:
    """Automatic canary: the steps (weights in percent, rising, ending at 100), the tick, and the
    bounds the canary must keep (decided in :mod:`strangler_proxy.policy.promotion`)."""

    steps: tuple[int, ...] = (1, 5, 25, 50, 100)
    every_seconds: float = 300.0
    min_samples: int = 50
    alpha: float = 0.01
    max_error_rate_increase: float = 0.01
    max_latency_ratio: float = 1.2
    max_lag_seconds: float | None = None
    rollback_on_sync_errors: bool = False
    sync_status_url: str | None = None  # the sync relay's GET /status, read at every decision

    def __post_init__(self) -> None:
        if not self.steps or list(self.steps) != sorted(set(self.steps)):
            raise ValueError(f"steps must be distinct and rising, got {list(self.steps)}")
        if self.steps[0] <= 0 or self.steps[-1] != 100:
            raise ValueError(f"steps must be within 1..100, ending at 100, got {list(self.steps)}")
        if self.every_seconds <= 0 or self.min_samples < 1 or not 0 < self.alpha < 1:
            raise ValueError("every must be positive, min_samples >= 1, 0 < alpha < 1")
        reads_sync = self.max_lag_seconds is not None or self.rollback_on_sync_errors
        if reads_sync and self.sync_status_url is None:
            raise ValueError("max_lag_seconds and rollback_on_sync_errors need sync_status_url")


@dataclass(frozen=True)
class Route:
    """One routing rule: what it matches and where the matched requests go."""

    name: str
    index: int
    path: PathMatch | None = None
    methods: frozenset[str] = frozenset()
    host: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    weights: tuple[tuple[str, int], ...] = ()
    sticky: Sticky | None = None
    fallback: str | None = None
    fallback_on: frozenset[int] = frozenset({500, 502, 503, 504})
    host_header: str = "keep"
    mirror: Mirror | None = None
    rate_limit: RateLimit | None = None
    faults: Faults | None = None
    identity: bool = False
    fallback_shares_data: bool = False  # the fallback and the targets use the same data: an
    # idempotent write (PUT, DELETE) that may have reached the target may be sent to the fallback
    promotion: PromotionPolicy | None = None
    shadow_writes: bool = False  # writes are mirrored too, signed as shadow (rolled back there)

    @cached_property
    def guarded(self) -> bool:
        """Whether a rate limit, fault injection or identity applies (one check on the hot path)."""
        return self.rate_limit is not None or self.faults is not None or self.identity

    @property
    def upstream_names(self) -> tuple[str, ...]:
        """Every upstream this route may contact (targets, fallback, mirror)."""
        names = [name for name, _ in self.weights]
        if self.fallback:
            names.append(self.fallback)
        if self.mirror:
            names.append(self.mirror.upstream)
        return tuple(names)


@dataclass(frozen=True)
class Limits:
    """Limits and timeouts protecting the proxy from large or slow clients."""

    max_header_bytes: int = 64 * 1024
    max_headers: int = 100
    max_request_line: int = 8 * 1024
    max_body_bytes: int = 1 << 30
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keepalive_timeout: float = 60.0
    replay_body_bytes: int = 64 * 1024
    tunnel_idle_timeout: float = 300.0
    max_connections: int = 0  # 0: derived from the open-file limit (see datapath.proxy)


DEFAULT_LISTEN = "127.0.0.1:8000"  # the client listener when neither the command line nor [listen] says


@dataclass(frozen=True)
class ProxyConfig:
    """A whole validated routes file."""

    source: str
    upstreams: tuple[Upstream, ...]
    routes: tuple[Route, ...]
    default: Route
    limits: Limits = field(default_factory=Limits)
    listen: str | None = None
    admin: str | None = None
    access_log: str = "-"
    hosts: tuple[str, ...] = ()
    shadow_queue: int = 1000
    shadow_queue_bytes: int = 64 * 1024 * 1024
    shadow_workers: int = 4
    admin_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    tls_cert: str | None = None
    tls_key: str | None = None
    identity: IdentityConfig | None = None

    def upstream(self, name: str) -> Upstream:
        """The upstream called ``name`` (validated to exist when the config was built)."""
        for upstream in self.upstreams:
            if upstream.name == name:
                return upstream
        raise KeyError(name)
