"""The proxy as a real process: graceful drain on SIGTERM, admin exposure refused, restart keeps
an admin change, and ``demonolith routes set`` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.strangler_proxy.live_support import (
    CATALOG_ON_MONOLITH,
    admin_json,
    backend,
    get,
    slow_backend,
    start_proxy,
    wait_until,
)
from tests.strangler_proxy.support import ADMIN_TOKEN

ROUTES = CATALOG_ON_MONOLITH


def demonolith(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def write_routes(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "routes.toml"
    path.write_text(ROUTES.format(port=port))
    return path


@pytest.mark.parametrize(("slow", "drain", "completes"), [(1.0, 10.0, True), (5.0, 0.5, False)])
def test_sigterm_drains_in_flight_requests_then_exits_0(
    tmp_path: Path, slow: float, drain: float, completes: bool
) -> None:
    with slow_backend(slow) as upstream, start_proxy(
            write_routes(tmp_path, upstream.port), "--drain-seconds", str(drain)) as proxy:
        outcome: list[object] = []

        def slow_request() -> None:
            try:
                outcome.append(get(proxy.port, "/api/catalog/slow", timeout=15)[0])
            except OSError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=slow_request)
        thread.start()
        upstream.wait_for_slow_request()  # the request is now in flight through the proxy
        began = time.monotonic()
        proxy.process.terminate()
        wait_until(lambda: _refused(proxy.port), timeout=5)  # no longer accepting
        thread.join(20)
        status = proxy.wait(20)
        took = time.monotonic() - began
    assert status == 0
    if completes:
        assert outcome == [200] and took < drain
    else:
        assert outcome and outcome[0] != 200 and took < drain + 3
    assert proxy.events("drained")[0]["cut_requests"] == (0 if completes else 1)


def _refused(port: int) -> bool:
    try:
        get(port, "/", timeout=1)
    except OSError:
        return True
    return False


def test_non_loopback_admin_without_token_is_refused_at_start(tmp_path: Path) -> None:
    routes = write_routes(tmp_path, 8000)
    result = demonolith("proxy", "--routes", str(routes), "--listen", "127.0.0.1:0",
                        "--admin", "0.0.0.0:0", env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 8
    assert "admin listener on 0.0.0.0 is not loopback: give an admin token" in result.stderr
    short = demonolith("proxy", "--routes", str(routes), "--admin-token", "short")
    assert short.returncode == 8 and "at least 16 characters" in short.stderr


def test_routes_set_cli_and_restart_keeps_the_change(tmp_path: Path) -> None:
    with backend() as port:
        routes = write_routes(tmp_path, port)
        proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        admin = f"http://127.0.0.1:{proxy.admin}"
        try:
            wrong = demonolith("routes", "set", "catalog", "--weights", "catalog=1",
                               "--admin", admin, "--token", "wrong-token-0123456789")
            done = demonolith("routes", "set", "catalog", "--weights", "catalog=100,monolith=0",
                              "--admin", admin, "--token", ADMIN_TOKEN, "--user", "alice")
            _, route = admin_json(proxy.admin, "GET", "/api/routes/catalog")
        finally:
            assert proxy.stop() == 0
        restarted = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        try:
            _, again = admin_json(restarted.admin, "GET", "/api/routes/catalog")
            _, history = admin_json(restarted.admin, "GET", "/api/changes")
            mirror = demonolith("routes", "set", "catalog", "--mirror-percent", "5",
                                "--admin", f"http://127.0.0.1:{restarted.admin}",
                                "--token", ADMIN_TOKEN)
            reset = demonolith("routes", "set", "catalog", "--reset", "--admin",
                               f"http://127.0.0.1:{restarted.admin}", "--token", ADMIN_TOKEN)
        finally:
            assert restarted.stop() == 0
    assert wrong.returncode == 8 and "401" in wrong.stderr and "bearer token" in wrong.stderr
    assert done.returncode == 0, done.stderr
    name, _, shown = done.stdout.strip().partition(": ")  # the weights, in the API's order
    assert name == "catalog" and sorted(shown.split(", ")) == ["catalog=100", "monolith=0"]
    assert route["weights"] == {"monolith": 0, "catalog": 100}
    assert route["override"]["by"] == {"token": "cli", "client": "127.0.0.1", "user": "alice"}
    audit = proxy.events("admin_change")
    assert audit and audit[0]["by"] == "cli" and audit[0]["user"] == "alice"
    assert again["weights"] == {"monolith": 0, "catalog": 100}  # survived the restart
    assert history["changes"][0]["after"] == {"monolith": 0, "catalog": 100}
    assert mirror.returncode == 8 and "has no mirror" in mirror.stderr
    assert reset.returncode == 0 and reset.stdout.strip().endswith("[routes file values]")
    state = json.loads((tmp_path / "routes.toml.state.json").read_text())
    assert state["overrides"] == [] and [c["action"] for c in state["history"]] == ["set", "reset"]
