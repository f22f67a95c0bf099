"""Rate limits, fault injection, TLS and identity in the nginx / Envoy / Gateway API exports:
expressed where the target can (checked by ``nginx -t``, Envoy's v3 API, the HTTPRoute schema),
warned about where it cannot; a client's identity header is stripped by every target."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.routes_file import parse_routes
from strangler_proxy.export.envoy import export_envoy
from strangler_proxy.export.gateway_api import export_gateway_api
from strangler_proxy.export.guard_features import nginx_rate
from strangler_proxy.export.nginx import export_nginx
from tests.strangler_proxy.datapath.test_tls import make_certificate
from tests.strangler_proxy.export.test_envoy import validate
from tests.strangler_proxy.export.test_gateway_api import validator
from tests.strangler_proxy.export.test_nginx import needs_nginx, nginx_test

GUARDED = """
[listen]
address = "127.0.0.1:18443"
access_log = "off"
{tls}
[identity]
upstream = "monolith"
secret_file = "identity.secret"

[upstreams.monolith]
url = "http://127.0.0.1:18000"
[upstreams.orders]
url = "http://127.0.0.1:18100"

[[routes]]
name = "orders"
path_prefix = "/api/orders/"
to = "orders"
identity = true
rate_limit = {{ rate = 40, burst = 10 }}
faults = {{ delay = 0.25, delay_percent = 10, abort_status = 502, abort_percent = 5 }}

[[routes]]
name = "search"
path_prefix = "/api/search/"
to = "monolith"
rate_limit = {{ rate = 0.5, burst = 3, per = "client_ip" }}

[[routes]]
name = "keyed"
path_prefix = "/api/keyed/"
to = "monolith"
rate_limit = {{ rate = 2.5, burst = 5, per = "header", header = "X-Api-Key" }}

[default]
to = "monolith"
"""


def guarded(tls: Path | None = None) -> ProxyConfig:
    lines = "" if tls is None else f'tls_cert = "{tls / "cert.pem"}"\ntls_key = "{tls / "key.pem"}"'
    return parse_routes(GUARDED.format(tls=lines), "/somewhere/routes.toml")


def features(warned: Any) -> set[tuple[str, str]]:
    return {(warning.feature, warning.subject) for warning in warned}


def test_nginx_rates() -> None:
    assert nginx_rate(40) == ("40r/s", False)
    assert nginx_rate(0.5) == ("30r/m", False)
    assert nginx_rate(2.5) == ("150r/m", False)
    assert nginx_rate(0.001) == ("1r/m", True)


@needs_nginx
def test_nginx_limits_requests_serves_tls_and_strips_identity(tmp_path: Path) -> None:
    make_certificate(tmp_path)
    result = export_nginx(guarded(tmp_path))
    text = result.text
    assert 'limit_req_zone "route" zone=dm_r1_rate:2m rate=40r/s;' in text
    assert "limit_req_zone $binary_remote_addr zone=dm_r2_rate:2m rate=30r/m;" in text
    assert "limit_req_zone $http_x_api_key zone=dm_r3_rate:2m rate=150r/m;" in text
    assert "limit_req zone=dm_r1_rate burst=9 nodelay;" in text and "limit_req_status 429;" in text
    assert "listen 127.0.0.1:18443 ssl;" in text and f"ssl_certificate {tmp_path}/cert.pem;" in text
    assert text.count('proxy_set_header X-Demonolith-Identity "";') == 4  # every location
    assert {("identity", "route orders"), ("faults", "route orders"),
            ("rate-limit-response", "route search"),
            ("rate-limit-key", "route keyed")} <= features(result.warnings)
    checked = nginx_test(tmp_path, text)
    assert checked.returncode == 0, checked.stderr


def test_envoy_local_rate_limit_faults_tls_and_identity_header_removed() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("filters.http.local_ratelimit.v3", "filters.http.fault.v3",
                     "transport_sockets.tls.v3"):
            importlib.import_module(f"envoy_data_plane.envoy.extensions.{name}")
    result = export_envoy(guarded(Path("/certs")))
    document = yaml.safe_load(result.text)
    validate(document)
    chain = document["static_resources"]["listeners"][0]["filter_chains"][0]
    tls = chain["transport_socket"]["typed_config"]["common_tls_context"]["tls_certificates"][0]
    assert tls == {"certificate_chain": {"filename": "/certs/cert.pem"},
                   "private_key": {"filename": "/certs/key.pem"}}
    manager = chain["filters"][0]["typed_config"]
    assert [f["name"] for f in manager["http_filters"]] == [
        "envoy.filters.http.local_ratelimit", "envoy.filters.http.fault", "envoy.filters.http.router"]
    assert manager["route_config"]["request_headers_to_remove"] == ["x-demonolith-identity"]
    routes = {r["name"]: r for r in manager["route_config"]["virtual_hosts"][0]["routes"]}
    orders = routes["orders:idempotent"]["typed_per_filter_config"]
    bucket = orders["envoy.filters.http.local_ratelimit"]["token_bucket"]
    assert bucket == {"max_tokens": 10, "tokens_per_fill": 2, "fill_interval": "0.05s"}
    fault = orders["envoy.filters.http.fault"]
    assert fault["delay"] == {"fixed_delay": "0.25s",
                              "percentage": {"numerator": 100_000, "denominator": "MILLION"}}
    assert fault["abort"] == {"http_status": 502,
                              "percentage": {"numerator": 50_000, "denominator": "MILLION"}}
    search = routes["search:idempotent"]["typed_per_filter_config"]
    assert search["envoy.filters.http.local_ratelimit"]["token_bucket"]["fill_interval"] == "2s"
    assert "typed_per_filter_config" not in routes["default:idempotent"]
    assert {("identity", "route orders"), ("rate-limit-key", "route search"),
            ("rate-limit-response", "route orders")} <= features(result.warnings)
    assert ("faults", "route orders") not in features(result.warnings)


def test_gateway_api_warns_about_limits_faults_tls_and_identity() -> None:
    result = export_gateway_api(guarded(Path("/certs")))
    for document in yaml.safe_load_all(result.text):
        if document is not None:
            validator().validate(document)
    assert {("rate-limit", "route orders"), ("faults", "route orders"), ("tls", "listen"),
            ("identity", "route orders"), ("rate-limit", "route keyed")} <= features(result.warnings)


@pytest.mark.parametrize("export", [export_nginx, export_envoy, export_gateway_api])
def test_no_guard_warnings_without_guards(export: Any) -> None:
    plain = parse_routes(GUARDED.format(tls="").split("[identity]")[0]
                         + '[upstreams.monolith]\nurl = "http://127.0.0.1:18000"\n')
    found = {warning.feature for warning in export(plain).warnings}
    assert not found & {"identity", "faults", "rate-limit", "rate-limit-key", "rate-limit-response",
                        "tls"}
