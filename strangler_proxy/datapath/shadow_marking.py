"""The shadow marker on the wire: per-upstream keys read at start and reload, one signed line per copy.

An upstream that receives shadow copies names its key with ``shadow_secret_file`` (relative to the
routes file) or ``shadow_secret_env``; each service has its own. Every copy sent there carries
``X-Demonolith-Shadow: s1.<expires>.<nonce>.<hmac>`` (:mod:`strangler_proxy.policy.shadow_marker`),
signed when it is sent, for that upstream, the method and the path; an upstream without a key gets
the unsigned ``X-Demonolith-Shadow: 1`` (a generated service refuses it, so only safe methods are
ever sent that way). A configured key that cannot be read stops the start; after a reload it
leaves that upstream unsigned (logged), so its writes are skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from strangler_proxy.config.model import ProxyConfig, Upstream
from strangler_proxy.datapath.tls import relative_to_routes
from strangler_proxy.policy.headers import SHADOW_MARKER
from strangler_proxy.policy.shadow_marker import sign_marker

MARKER_TTL = 30  # seconds a marker is valid after it was signed (it only ever prevents effects)
UNSIGNED = SHADOW_MARKER + b": 1\r\n"


@dataclass(frozen=True)
class ShadowKeys:
    """The keys found, by upstream name, and why the others could not be read."""

    secrets: dict[str, bytes] = field(default_factory=dict, repr=False)
    problems: tuple[str, ...] = ()

    def line(self, upstream: str, method: str, path: bytes, wall: Callable[[], float] = time.time,
             ) -> bytes:
        """The marker header line of one copy of ``method path`` (path percent-decoded) to
        ``upstream``: signed with a fresh nonce when it has a key, else unsigned."""
        secret = self.secrets.get(upstream)
        if secret is None:
            return UNSIGNED
        value = sign_marker(secret, int(wall()) + MARKER_TTL, nonce=os.urandom(16).hex(),
                            service=upstream, method=method, path=path)
        return SHADOW_MARKER + b": " + value.encode() + b"\r\n"


def read_key(config: ProxyConfig, upstream: Upstream) -> bytes:
    """The shadow key of ``upstream``; raises ValueError saying where it was looked for."""
    if upstream.shadow_secret_file is not None:
        path = relative_to_routes(config, upstream.shadow_secret_file)
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise ValueError(f"cannot read shadow_secret_file {path}: {exc.strerror}") from exc
        where = f"shadow_secret_file {path}"
    else:
        assert upstream.shadow_secret_env is not None
        secret = os.environ.get(upstream.shadow_secret_env, "").encode("utf-8")
        where = f"environment variable {upstream.shadow_secret_env}"
    if not secret:
        raise ValueError(f"the shadow secret is empty or missing ({where})")
    return secret


def load_keys(config: ProxyConfig) -> ShadowKeys:
    """Every configured shadow key of ``config``, and the problems of those that cannot be read."""
    secrets: dict[str, bytes] = {}
    problems: list[str] = []
    for upstream in config.upstreams:
        if not upstream.signs_shadow:
            continue
        try:
            secrets[upstream.name] = read_key(config, upstream)
        except ValueError as exc:
            problems.append(f"upstreams.{upstream.name}: {exc}")
    return ShadowKeys(secrets, tuple(problems))
