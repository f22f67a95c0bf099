"""A check the demo makes on top of the figures: a client cannot forge the identity header the
proxy vouches for."""

from __future__ import annotations

import hashlib
import hmac
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from demonolith.demo.http import Client

IDENTITY_HEADER = "X-Demonolith-Identity"


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
    message = f"v2.1.{expires}.{'0' * 32}"  # the current format, signed with a wrong secret
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
