"""nginx export: the generated text, its warnings, and the real ``nginx -t`` on it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from strangler_proxy.export import export_routes
from strangler_proxy.export.common import time_units
from strangler_proxy.export.nginx import export_nginx
from tests.strangler_proxy.export.configs import FULL, MINIMAL, config

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(),
                                 reason="nginx not installed (make test installs it)")


def nginx_test(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``text`` with a private prefix, pid file and error log."""
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    (tmp_path / "logs").mkdir(exist_ok=True)
    directives = f"pid {tmp_path}/nginx.pid; error_log stderr;"
    return subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-g", directives],
                          capture_output=True, text=True, timeout=30)


def features(text: str) -> set[str]:
    return {warning.feature for warning in export_nginx(config(text)).warnings}


def test_routes_are_one_map_in_precedence_order() -> None:
    text = export_nginx(config()).text
    start = text.index('map "$request_method\\n$host\\n$http_x_any\\n$http_x_canary\\n$uri" $dm_route {')
    block = text[start:text.index("}", start)]
    # host route first, then exact, then prefix (the proxy's precedence), then the default
    assert block.index("# item") < block.index("# exact") < block.index("# catalog")
    item = '"~(?s)^(GET|POST)\\n[^\\n]+\\.example\\.com\\n[^\\n]+\\n1\\n/api/items/[^/]+(/.*)?\\z" r1;'
    assert item in block
    assert '\\n/api/catalog/" r3;  # catalog' in block and "default default;" in block


def test_weights_sticky_mirror_and_fallback_are_expressed() -> None:
    text = export_nginx(config()).text
    assert "map $cookie_sessionid $dm_r3_key {" in text
    assert 'split_clients "$dm_r3_key" $dm_r3_pick {\n        10.00% catalog;\n        * monolith;' in text
    assert 'split_clients "$request_id" $dm_r3_mirror {\n        25.00% 1;' in text
    assert "server 127.0.0.1:18000 backup max_fails=5 fail_timeout=10s;" in text
    assert "proxy_next_upstream error timeout http_500 http_502 http_503 http_504;" in text
    assert "proxy_next_upstream error timeout http_500;" in text  # 418 is not expressible
    assert "proxy_set_header X-Demonolith-Shadow 1;" in text
    assert 'if ($request_method !~ "^(GET|HEAD|OPTIONS)$") { return 204; }' in text
    assert "proxy_set_header Host 127.0.0.1:18100;" in text  # host_header = "upstream"
    assert "listen 127.0.0.1:18080;" in text and "access_log off;" in text


def test_writes_that_may_have_reached_the_target_are_not_passed_on_to_the_fallback() -> None:
    text = export_nginx(config()).text
    assert 'map $request_method $dm_idempotent_write {\n        GET "";' in text
    assert '        POST "";\n        PATCH "";\n        LOCK "";\n        default 1;' in text
    main, twin = text.split("location = //demonolith/r3/catalog {")[1].split("location = ", 2)[:2]
    assert "if ($dm_idempotent_write) { rewrite ^ //demonolith/r3/catalog~writes last; }" in main
    assert "proxy_next_upstream error timeout http_500 http_502 http_503 http_504;" in main
    assert twin.startswith("//demonolith/r3/catalog~writes {")
    assert "proxy_next_upstream off;" in twin and "mirror //demonolith-mirror/r3;" in twin
    item = text.split("location = //demonolith/r1 {")[1].split("}")[0]
    assert "rewrite" not in item  # GET and POST only: nginx passes a sent POST on to no one
    shared_text = FULL.replace('fallback = "monolith"\nmirror',
                               'fallback = "monolith"\nfallback_shares_data = true\nmirror')
    shared = export_nginx(config(shared_text)).text
    assert "~writes" not in shared and "$dm_idempotent_write" not in shared
    assert "$dm_idempotent_write" not in export_nginx(config(MINIMAL)).text


def test_headers_match_the_proxy() -> None:
    text = export_nginx(config(MINIMAL)).text
    for line in ("proxy_set_header X-Request-ID $dm_request_id;",
                 "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                 "proxy_set_header X-Forwarded-Proto $scheme;",
                 "proxy_set_header X-Forwarded-Host $http_host;",
                 "proxy_set_header Via $dm_via;",
                 "add_header X-Request-ID $dm_request_id always;",
                 '"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;'):
        assert line in text


def test_every_unsupported_feature_is_a_warning_and_a_comment() -> None:
    result = export_nginx(config())
    found = {(w.feature, w.subject) for w in result.warnings}
    assert {
        ("breaker", "upstream catalog"), ("retries", "upstream catalog"),
        ("health-check", "upstream catalog"), ("fallback-status", "route item"),
        ("header-presence", "route item"), ("mirror-compare", "route catalog"),
        ("mirror-compare", "route exact"), ("mirror-wait", "route exact"), ("limits", "limits"),
        ("fallback-writes", "route catalog"),
    } <= found
    assert ("fallback-writes", "route item") not in found  # GET and POST only
    for warning in result.warnings:
        assert f"#   - {warning}\n" in result.text


@pytest.mark.parametrize(
    ("extra", "feature"),
    [
        ('[[routes]]\npath = "/x"\nto = "catalog"\nheaders = { "x_under" = "1" }\n', "header-name"),
        ('[[routes]]\npath = "/x"\nweights = { catalog = 1, monolith = 2 }\n', "weights-rounded"),
        ('[[routes]]\npath = "/x"\nweights = { catalog = 1, monolith = 1 }\n'
         'sticky = { cookie = "a-b" }\n', "sticky"),
    ],
)
def test_unsupported_feature_warned(extra: str, feature: str) -> None:
    assert feature in features(MINIMAL.replace("[default]", extra + "[default]"))


def test_route_with_unmatchable_header_is_left_out_and_said_so() -> None:
    text = MINIMAL.replace("[default]", '[[routes]]\nname = "odd"\npath = "/x"\nto = "catalog"\n'
                           'headers = { "x_under" = "1" }\n[default]')
    result = export_nginx(config(text))
    assert "# odd" not in result.text.split("WARNING")[1].split("\n\n", 1)[1]
    assert any(w.feature == "header-name" and "NOT exported" in w.message for w in result.warnings)


def test_output_is_deterministic() -> None:
    assert export_routes(config(), "nginx") == export_routes(config(), "nginx")


@needs_nginx
@pytest.mark.parametrize("text", [FULL, MINIMAL], ids=["full", "minimal"])
def test_real_nginx_accepts_the_export(tmp_path: Path, text: str) -> None:
    result = nginx_test(tmp_path, export_nginx(config(text)).text)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@needs_nginx
def test_real_nginx_rejects_a_broken_export(tmp_path: Path) -> None:
    broken = export_nginx(config()).text.replace("split_clients", "split_clientz", 1)
    assert nginx_test(tmp_path, broken).returncode != 0


SUB_SECOND = """
[limits]
header_timeout = 0.5
body_timeout = 1.25
keepalive_timeout = 0.0004

[upstreams.monolith]
url = "http://127.0.0.1:18000"
connect_timeout = 0.25
read_timeout = 100.5
idle_timeout = 0.75
breaker = { open_seconds = 2.5 }
[upstreams.shadow]
url = "http://127.0.0.1:18200"
connect_timeout = 0.1
read_timeout = 3

[[routes]]
name = "mirrored"
path_prefix = "/api/"
to = "monolith"
mirror = "shadow"

[default]
to = "monolith"
"""


@pytest.mark.parametrize(("value", "text"), [
    (0, "0s"), (2, "2s"), (2.0, "2s"), (0.5, "500ms"), (0.25, "250ms"), (1.25, "1250ms"),
    (0.0004, "1ms"), (0.0016, "2ms"), (100.5, "100s500ms"), (99.999, "99999ms"), (3600, "3600s"),
])
def test_durations_are_whole_units(value: float, text: str) -> None:
    assert time_units(value) == text


def test_sub_second_durations_are_written_in_milliseconds() -> None:
    text = export_nginx(config(SUB_SECOND)).text
    for line in ("client_header_timeout 500ms;", "client_body_timeout 1250ms;",
                 "keepalive_timeout 1ms;", "proxy_connect_timeout 250ms;",
                 "proxy_read_timeout 100s500ms;", "keepalive_timeout 750ms;",
                 "fail_timeout=3s;", "proxy_connect_timeout 100ms;", "proxy_read_timeout 3s;"):
        assert line in text, line
    assert not re.search(r"\d\.\d+s\b", text)  # no fractional value anywhere
    breaker = [w.message for w in export_nginx(config(SUB_SECOND)).warnings if w.feature == "breaker"]
    assert any("rounded up to fail_timeout=3s" in message for message in breaker)


@needs_nginx
def test_real_nginx_accepts_sub_second_durations(tmp_path: Path) -> None:
    text = export_nginx(config(SUB_SECOND)).text
    result = nginx_test(tmp_path, text)
    assert result.returncode == 0, result.stderr
    # the spelling we used to write is what nginx refuses: this test would catch it coming back
    old = nginx_test(tmp_path, text.replace("client_header_timeout 500ms;",
                                            "client_header_timeout 0.5s;"))
    assert old.returncode != 0 and "client_header_timeout\" directive invalid value" in old.stderr
