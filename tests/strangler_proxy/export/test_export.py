"""The export package as a whole: the YAML writer, coverage of every config field, and the CLI."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from strangler_proxy.config import model
from strangler_proxy.config.routes_file import load_routes
from strangler_proxy.export import FORMATS, export_routes
from strangler_proxy.export.yaml_text import to_yaml
from tests.strangler_proxy.export.configs import FULL, config

# Every field of the config model; each exporter expresses it or warns about it. A new field fails
# this test until the exporters are taught about it (export it, or add a warning), so no feature
# is ever dropped silently.
KNOWN_FIELDS = {
    "BreakerConfig": {"failures", "open_seconds", "half_open_requests"},
    "HealthConfig": {"path", "interval", "timeout", "unhealthy_after", "healthy_after"},
    "Upstream": {"name", "host", "port", "connect_timeout", "read_timeout", "retries", "max_idle",
                 "idle_timeout", "breaker", "health", "shadow_secret_env", "shadow_secret_file"},
    "Sticky": {"cookie", "header"},
    "Mirror": {"upstream", "percent", "allow_unsafe", "compare_headers", "ignore", "learn_noise",
               "max_body_bytes"},
    "PathMatch": {"kind", "value"},
    "Route": {"name", "index", "path", "methods", "host", "headers", "weights", "sticky", "fallback",
              "fallback_on", "host_header", "mirror", "rate_limit", "faults", "identity",
              "fallback_shares_data", "promotion", "shadow_writes"},
    "PromotionPolicy": {"steps", "every_seconds", "min_samples", "alpha", "max_error_rate_increase",
                        "max_latency_ratio", "max_lag_seconds", "rollback_on_sync_errors",
                        "sync_status_url"},
    "RateLimit": {"rate", "burst", "per", "header", "max_keys"},
    "Faults": {"delay", "delay_percent", "abort_status", "abort_percent"},
    "IdentityConfig": {"upstream", "path", "session_cookie", "cache_ttl", "cache_size", "header_ttl",
                       "secret_env", "secret_file"},
    "Limits": {"max_header_bytes", "max_headers", "max_request_line", "max_body_bytes",
               "header_timeout", "body_timeout", "keepalive_timeout", "replay_body_bytes",
               "tunnel_idle_timeout", "max_connections"},
    "ProxyConfig": {"source", "upstreams", "routes", "default", "limits", "listen", "admin",
                    "access_log", "hosts", "shadow_queue", "shadow_queue_bytes", "shadow_workers",
                    "tls_cert", "tls_key",
                    "identity", "admin_tokens"},
}


@pytest.mark.parametrize("name", sorted(KNOWN_FIELDS))
def test_exporters_know_every_field_of_the_config_model(name: str) -> None:
    fields = {field.name for field in dataclasses.fields(getattr(model, name))}
    assert fields == KNOWN_FIELDS[name], "teach strangler_proxy/export about the new fields"


@pytest.mark.parametrize(
    "value",
    [
        {"a": [{"b": 1, "c": [1, 2.5, {}], "d": "@type"}, {"x": "yes"}], "e": []},
        {"s": ["1.5", "a b", "*.x", "/p", "^a\\x{23}$", "-x", "null", "", "a: b", "#c", "é", "'q'"]},
        {"t": True, "n": None, "nested": {"deep": {"deeper": ["x"]}}},
    ],
)
def test_yaml_writer_round_trips(value: object) -> None:
    assert yaml.safe_load(to_yaml(value)) == value


def demonolith(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("target", sorted(FORMATS))
def test_cli_writes_the_export_and_prints_warnings_on_stderr(tmp_path: Path, target: str) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(FULL)
    out = tmp_path / "out.txt"
    result = demonolith("routes", "export", str(routes), "--format", target, "--out", str(out))
    assert result.returncode == 0, result.stderr
    expected = export_routes(load_routes(routes), target)
    assert out.read_text() == expected.text
    warned = [line for line in result.stderr.splitlines() if line.startswith("demonolith: warning: ")]
    assert warned == [f"demonolith: warning: {w}" for w in expected.warnings] and warned
    to_stdout = demonolith("routes", "export", str(routes), "--format", target)
    assert to_stdout.stdout == expected.text


def test_cli_bad_routes_file_is_one_error_line(tmp_path: Path) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(FULL.replace('to = "catalog"', 'to = "nowhere"', 1))
    result = demonolith("routes", "export", str(routes), "--format", "nginx")
    assert result.returncode == 8 and result.stdout == ""
    assert result.stderr.startswith("demonolith: error: ") and "nowhere" in result.stderr


@pytest.mark.parametrize("target", sorted(FORMATS))
def test_admin_tokens_are_warned_about_never_exported(target: str) -> None:
    secret = "a-long-admin-token-0123456789"
    text = FULL + f'\n[admin]\ntokens = {{ ops = "{secret}" }}\n'
    result = export_routes(config(text), target)
    assert [w.feature for w in result.warnings].count("admin-api") == 1
    assert secret not in result.text
    assert "admin-api" not in {w.feature for w in export_routes(config(FULL), target).warnings}


@pytest.mark.parametrize("target", sorted(FORMATS))
def test_shadow_writes_and_shadow_keys_are_warned_about(target: str) -> None:
    text = FULL.replace('mirror = "shadow"\n', 'mirror = "shadow"\nshadow_writes = true\n', 1)
    text = text.replace("[upstreams.shadow]\n", '[upstreams.shadow]\nshadow_secret_env = "K"\n', 1)
    assert text.count("shadow_writes") == 1 and text.count("shadow_secret_env") == 1
    features = [w.feature for w in export_routes(config(text), target).warnings]
    assert features.count("shadow-writes") == 1 and features.count("shadow-key") == 1
    plain = {w.feature for w in export_routes(config(FULL), target).warnings}
    assert not plain & {"shadow-writes", "shadow-key"}
