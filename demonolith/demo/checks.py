"""Checks the demo makes on top of the figures: the canary's share and stickiness, and that a
client cannot forge the identity header the proxy vouches for."""

from __future__ import annotations

import hashlib
import hmac
import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from demonolith.demo.http import Client
from demonolith.demo.stages import StageResult

IDENTITY_HEADER = "X-Demonolith-Identity"


@dataclass(frozen=True)
class CanaryCheck:
    """Share of the service among requests spread by weight, and stickiness of logged-in visitors."""

    expected_percent: int
    spread_requests: int  # requests without the sticky cookie (spread by weight)
    spread_to_service: int
    sessions: tuple[tuple[str, tuple[str, ...]], ...]  # "visitor on route" -> upstreams seen

    @property
    def share(self) -> float:
        """Observed share of the service among the spread requests (0..1)."""
        return self.spread_to_service / self.spread_requests if self.spread_requests else 0.0

    @property
    def tolerance(self) -> float:
        """Four binomial standard deviations (plus 2 points): a wrong weight fails, chance does not."""
        p, n = self.expected_percent / 100, max(self.spread_requests, 1)
        return 4 * math.sqrt(p * (1 - p) / n) + 0.02

    @property
    def within_tolerance(self) -> bool:
        """Whether the observed share is close enough to the weight."""
        return self.spread_requests > 0 and abs(self.share - self.expected_percent / 100) <= self.tolerance

    @property
    def sticky(self) -> bool:
        """Every logged-in visitor saw one side only, on each route."""
        return all(len(upstreams) == 1 for _, upstreams in self.sessions)


def canary_check(stage: StageResult, moved: Sequence[str], percent: int) -> CanaryCheck:
    """Measure the canary stage from the access log (which upstream answered each request)."""
    spread = [o for o in stage.outcomes if o.route in moved and not o.logged_in]
    to_service = sum(stage.upstream_of(o.request_id) not in ("", "monolith") for o in spread)
    sessions: dict[str, set[str]] = {}
    for outcome in stage.outcomes:
        if outcome.route in moved and outcome.logged_in:
            upstream = stage.upstream_of(outcome.request_id)
            if upstream:  # the proxy hashes the cookie with the route name: sticky per route
                sessions.setdefault(f"{outcome.actor} on {outcome.route}", set()).add(upstream)
    return CanaryCheck(percent, len(spread), to_service,
                       tuple(sorted((actor, tuple(sorted(ups))) for actor, ups in sessions.items())))


@dataclass(frozen=True)
class ForgedIdentity:
    """A request with a forged identity header to a route the service answers."""

    path: str
    status: int
    baseline_status: int  # the same request without the forged header

    @property
    def refused_or_stripped(self) -> bool:
        """The forged header did not reach the service (it answers 401 to a bad signature)."""
        return self.status != 401 and (self.status == self.baseline_status or 400 <= self.status < 500)


def forged_identity_check(proxy_url: str, path: str) -> ForgedIdentity:
    """Send ``path`` through the proxy with a header signed with a wrong secret, and without it."""
    expires = int(time.time()) + 120
    message = f"v1.1.{expires}"
    signature = hmac.new(b"not-the-secret", message.encode(), hashlib.sha256).hexdigest()
    forged = Client(proxy_url).get(path, {IDENTITY_HEADER: f"{message}.{signature}"})
    baseline = Client(proxy_url).get(path)
    return ForgedIdentity(path, forged.status, baseline.status)


def proxy_supports_identity() -> bool:
    """Whether this proxy build accepts ``identity = true`` on a route (issue 9 item 6)."""
    from strangler_proxy.config.routes_file import load_routes
    from strangler_proxy.errors import ProxyError

    text = ('[upstreams.monolith]\nurl = "http://127.0.0.1:1"\n[upstreams.s]\nurl = "http://127.0.0.1:2"\n'
            '[identity]\nupstream = "monolith"\n[[routes]]\npath = "/x"\nto = "s"\nidentity = true\n')
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "routes.toml"
        path.write_text(text, encoding="utf-8")
        try:
            load_routes(path)
        except ProxyError:
            return False
    return True
