"""Small routes files shared by the export tests (parsed with the real loader)."""

from __future__ import annotations

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.routes_file import parse_routes

FULL = """
[listen]
address = "127.0.0.1:18080"
access_log = "off"

[upstreams.monolith]
url = "http://127.0.0.1:18000"
[upstreams.catalog]
url = "http://127.0.0.1:18100"
retries = 2
health = { path = "/healthz" }
[upstreams.shadow]
url = "http://localhost:18200"

[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
weights = { catalog = 10, monolith = 90 }
sticky = { cookie = "sessionid" }
fallback = "monolith"
mirror = { upstream = "shadow", percent = 25 }

[[routes]]
name = "item"
path_pattern = "/api/items/{id}/*"
methods = ["GET", "POST"]
host = "*.example.com"
headers = { "x-canary" = "1", "x-any" = "*" }
to = "catalog"
host_header = "upstream"
fallback_on = [500, 418]
fallback = "monolith"

[[routes]]
name = "exact"
path = "/health"
to = "catalog"
mirror = "shadow"

[default]
to = "monolith"
"""

MINIMAL = """
[upstreams.monolith]
url = "http://127.0.0.1:18000"
[upstreams.catalog]
url = "http://127.0.0.1:18100"
retries = 0

[[routes]]
path_prefix = "/api/catalog/"
to = "catalog"

[default]
to = "monolith"
"""


def config(text: str = FULL) -> ProxyConfig:
    """The parsed routes file ``text``."""
    return parse_routes(text, "/somewhere/routes.toml")
