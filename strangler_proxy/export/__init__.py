"""Export a routes file to nginx, Envoy or Kubernetes Gateway API (pure: config -> text + warnings).

Each target is one module with one function ``ProxyConfig -> Export``; an :class:`Export` holds
the target's text and the :class:`ExportWarning` list of what it cannot express (also written as
comments at the top of the text). Output is deterministic: the same routes file always gives the
same bytes. See docs/routes.md, "Export".
"""

from __future__ import annotations

from collections.abc import Callable

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.export.envoy import export_envoy
from strangler_proxy.export.gateway_api import export_gateway_api
from strangler_proxy.export.nginx import export_nginx
from strangler_proxy.export.warnings import Export, ExportWarning

FORMATS: dict[str, Callable[[ProxyConfig], Export]] = {
    "nginx": export_nginx,
    "envoy": export_envoy,
    "gateway-api": export_gateway_api,
}


def export_routes(config: ProxyConfig, target: str) -> Export:
    """Export ``config`` to ``target`` (a key of :data:`FORMATS`); raises KeyError otherwise."""
    return FORMATS[target](config)


__all__ = ["FORMATS", "Export", "ExportWarning", "export_routes"]
