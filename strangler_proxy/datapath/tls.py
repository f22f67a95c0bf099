"""Optional TLS on the client listener: certificate and key files -> an ``ssl.SSLContext``.

Relative paths are read relative to the routes file's directory. Command-line values win over the
routes file's ``[listen] tls_cert`` / ``tls_key``. With TLS on, upstreams get
``X-Forwarded-Proto: https``.
"""

from __future__ import annotations

import dataclasses
import ssl
from pathlib import Path

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.errors import ProxyError


def relative_to_routes(config: ProxyConfig, path: str) -> Path:
    """``path`` as given when absolute, else relative to the routes file's directory."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    return Path(config.source).parent / candidate


def with_tls(config: ProxyConfig, cert: str | None, key: str | None) -> ProxyConfig:
    """``config`` with the command line's certificate and key (both or neither)."""
    if cert is None and key is None:
        return config
    if cert is None or key is None:
        raise ProxyError("give both --tls-cert and --tls-key, or neither")
    absolute = str(Path(cert).resolve()), str(Path(key).resolve())
    return dataclasses.replace(config, tls_cert=absolute[0], tls_key=absolute[1])


def server_context(config: ProxyConfig) -> ssl.SSLContext | None:
    """The listener's TLS context (TLS 1.2+, HTTP/1.1 by ALPN), or None without TLS."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    cert = relative_to_routes(config, config.tls_cert)
    key = relative_to_routes(config, config.tls_key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ProxyError(f"TLS: cannot load certificate {cert} / key {key}: {exc}") from exc
    return context
