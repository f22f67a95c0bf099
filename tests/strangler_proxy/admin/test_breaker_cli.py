"""``demonolith routes breaker``: a real proxy process whose upstream refuses connections opens
its breaker; the command shows it, resets it and exits 8 with one line on a wrong name."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.strangler_proxy.live_support import admin_json, backend, start_proxy
from tests.strangler_proxy.support import ADMIN_TOKEN

ROUTES = """
[upstreams.monolith]
url = "http://127.0.0.1:{monolith}"
[upstreams.catalog]
url = "http://127.0.0.1:{dead}"
retries = 0
[upstreams.catalog.breaker]
failures = 2
open_seconds = 600

[[routes]]
path_prefix = "/api/catalog/"
to = "catalog"

[default]
to = "monolith"
"""


def demonolith(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=60)


def status_of(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_breaker_command_shows_and_resets_a_real_proxys_breaker(tmp_path: Path, dead_port: int) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(ROUTES.format(monolith=port, dead=dead_port))
        proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        admin = ["--admin", f"http://127.0.0.1:{proxy.admin}", "--token", ADMIN_TOKEN]
        try:
            closed = demonolith("routes", "breaker", *admin)
            failed = [status_of(proxy.port, "/api/catalog/x") for _ in range(2)]
            opened = demonolith("routes", "breaker", "catalog", *admin)
            reset = demonolith("routes", "breaker", "catalog", "--reset", *admin)
            _, after = admin_json(proxy.admin, "GET", "/api/upstreams")
            unknown = demonolith("routes", "breaker", "nope", *admin)
            unknown_reset = demonolith("routes", "breaker", "nope", "--reset", *admin)
            no_name = demonolith("routes", "breaker", "--reset", *admin)
            no_token = demonolith("routes", "breaker", "--admin", f"http://127.0.0.1:{proxy.admin}")
        finally:
            assert proxy.stop() == 0

    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.splitlines() == ["catalog: breaker closed, healthy",
                                          "monolith: breaker closed, healthy"]
    assert failed == [502, 502]
    assert opened.returncode == 0, opened.stderr
    line, = opened.stdout.splitlines()
    assert line.startswith("catalog: breaker open, healthy, half-open in ") and line.endswith(" s")
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout == "catalog: breaker closed\n"
    assert after["upstreams"]["catalog"]["breaker"] == "closed"
    for wrong in (unknown, unknown_reset, no_name, no_token):
        assert wrong.returncode == 8, wrong.stderr
        assert len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
    assert "no upstream named 'nope'" in unknown.stderr and "catalog, monolith" in unknown.stderr
    assert "no upstream named 'nope'" in unknown_reset.stderr
    assert "--reset needs the UPSTREAM" in no_name.stderr
    assert "401" in no_token.stderr
