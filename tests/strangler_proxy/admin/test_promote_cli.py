"""``demonolith routes promote``: a real proxy process with a promoted route, commanded through the
CLI over the admin API -- hold, step, rollback, refusals as one line with exit 8 -- and the weights,
``/metrics``, the decision log and a restart that continues with the state and decisions the state
file kept; ``--steps``/``--every`` start a promotion on a route without a ``promotion`` table,
which survives a reload and a restart, and bad values are one line with exit 2."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.strangler_proxy.admin.test_breaker_cli import demonolith
from tests.strangler_proxy.live_support import (
    CATALOG_ON_MONOLITH,
    admin_json,
    backend,
    promoted_catalog,
    start_proxy,
)
from tests.strangler_proxy.support import ADMIN_TOKEN

PROMOTION = """
steps = [25, 50, 100]
every = "1h"
"""


def metrics_of(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


def test_promote_holds_steps_and_rolls_back_a_running_proxys_canary(tmp_path: Path) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(promoted_catalog(port, PROMOTION))
        proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        admin = ["--admin", f"http://127.0.0.1:{proxy.admin}", "--token", ADMIN_TOKEN,
                 "--user", "ana"]
        try:
            shown = demonolith("routes", "promote", "catalog", *admin)
            held = demonolith("routes", "promote", "catalog", "--hold", *admin)
            stepped = demonolith("routes", "promote", "catalog", "--step", *admin)
            _, at_50 = admin_json(proxy.admin, "GET", "/api/routes/catalog")
            rolled = demonolith("routes", "promote", "catalog", "--rollback", *admin)
            _, at_0 = admin_json(proxy.admin, "GET", "/api/routes/catalog")
            hold_refused = demonolith("routes", "promote", "catalog", "--hold", *admin)
            unknown = demonolith("routes", "promote", "nope", *admin)
            both = demonolith("routes", "promote", "catalog", "--step", "--hold", *admin)
            metrics = metrics_of(proxy.admin)
        finally:
            assert proxy.stop() == 0
        decisions = proxy.events("promotion_decision")
        again = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        try:
            _, restarted = admin_json(again.admin, "GET", "/api/routes/catalog/promotion")
        finally:
            assert again.stop() == 0

    assert shown.returncode == 0, shown.stderr
    first, window = shown.stdout.splitlines()
    assert first.startswith("catalog: running, canary at 25% (steps 25, 50, 100), next decision in")
    assert window == "  window: 0 canary and 0 primary requests (50 needed on each)"
    assert held.returncode == 0, held.stderr
    assert held.stdout.splitlines()[0].startswith("catalog: held, canary at 25%")
    assert held.stdout.splitlines()[-1].endswith(
        "hold 25% by cli (ana): held by hand: no automatic promotion until promote --step")
    assert stepped.returncode == 0, stepped.stderr
    assert stepped.stdout.splitlines()[0].startswith("catalog: running, canary at 50%")
    assert at_50["weights"] == {"monolith": 50, "catalog": 50}
    assert rolled.returncode == 0, rolled.stderr
    assert rolled.stdout.splitlines()[0] == "catalog: rolled_back, canary at 0% (steps 25, 50, 100)"
    assert at_0["weights"] == {"monolith": 100, "catalog": 0}
    for wrong, message in ((hold_refused, "route catalog is rolled_back: nothing to hold"),
                           (unknown, "route 'nope' has no promotion table"),
                           (both, "give one of --step, --hold, --rollback")):
        assert wrong.returncode == 8, wrong.stderr
        assert len(wrong.stderr.strip().splitlines()) == 1 and message in wrong.stderr
    assert 'demonolith_proxy_promotion_weight{route="catalog"} 0' in metrics
    for action in ("hold", "promote", "rollback"):
        assert f'decisions_total{{route="catalog",action="{action}"}} 1' in metrics
    assert [(d["action"], d["weight"], d["by"]) for d in decisions] == [
        ("hold", 25, "cli (ana)"), ("promote", 50, "cli (ana)"), ("rollback", 0, "cli (ana)")]
    assert decisions[2]["reason"] == "rolled back by hand"
    assert (restarted["state"], restarted["weight"]) == ("rolled_back", 0), "kept, not re-derived"
    assert [(d["action"], d["reason"]) for d in restarted["decisions"]][-1] == (
        "rollback", "rolled back by hand")
    assert len(restarted["decisions"]) == 3


def test_promote_with_steps_starts_a_promotion_that_survives_reload_and_restart(
        tmp_path: Path) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(CATALOG_ON_MONOLITH.format(port=port))
        proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        admin = ["--admin", f"http://127.0.0.1:{proxy.admin}", "--token", ADMIN_TOKEN,
                 "--user", "ana"]
        start = ["routes", "promote", "catalog", "--steps", "25,50,100", "--every", "1h"]
        try:
            before = demonolith("routes", "promote", "catalog", *admin)
            bad = [demonolith(*start[:3], *wrong, *admin) for wrong in (
                ("--steps", "5,1,100"), ("--steps", "1,5,200"), ("--steps", "1,x"),
                ("--every", "5q"), ("--every", "0s"), ("--max-lag", "2", "--every", "5m"),
                ("--step", "--every", "5m"))]
            no_canary = demonolith(*start, *admin)
            started = demonolith(*start, "--canary", "catalog", "--min-samples", "7", *admin)
            again = demonolith(*start, "--canary", "catalog", *admin)
            _, route = admin_json(proxy.admin, "GET", "/api/routes/catalog")
            reloaded = admin_json(proxy.admin, "POST", "/api/reload")[0]
            _, after_reload = admin_json(proxy.admin, "GET", "/api/routes/catalog/promotion")
            held = demonolith("routes", "promote", "catalog", "--hold", *admin)
        finally:
            assert proxy.stop() == 0
        again_proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        try:
            _, restarted = admin_json(again_proxy.admin, "GET", "/api/routes/catalog/promotion")
            _, restarted_route = admin_json(again_proxy.admin, "GET", "/api/routes/catalog")
        finally:
            assert again_proxy.stop() == 0

    assert before.returncode == 8 and "route 'catalog' has no promotion table" in before.stderr
    messages = ["promotion: steps must be distinct and rising, got [5, 1, 100]",
                "promotion: steps must be within 1..100, ending at 100, got [1, 5, 200]",
                "--steps: expected N,N,... (whole percents), got '1,x'",
                "--every: expected a duration such as 200ms, 30s, 5m, 1h, got '5q'",
                "--every: expected a duration such as 200ms, 30s, 5m, 1h, got '0s'",
                "need sync_status_url", "--step commands a running promotion"]
    for wrong, message in zip(bad, messages, strict=True):
        assert wrong.returncode == 2, wrong.stderr
        assert len(wrong.stderr.strip().splitlines()) == 1 and message in wrong.stderr
    assert no_canary.returncode == 8, no_canary.stderr
    assert "route catalog sends to monolith: name the canary" in no_canary.stderr
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    assert lines[0].startswith("catalog: running, canary at 25% (steps 25, 50, 100)")
    assert lines[-1].endswith("promote 25% by cli (ana): started by hand: steps 25, 50, 100,"
                              " every 3600 s")
    assert again.returncode == 8 and "route catalog is running already" in again.stderr
    assert route["weights"] == {"monolith": 75, "catalog": 25}
    assert route["promotion"]["steps"] == [25, 50, 100] and route["promotion"]["min_samples"] == 7
    assert reloaded == 200
    assert (after_reload["state"], after_reload["weight"], after_reload["every_seconds"]) == (
        "running", 25, 3600.0)
    assert held.returncode == 0, held.stderr
    assert (restarted["state"], restarted["weight"], restarted["steps"]) == ("held", 25,
                                                                          [25, 50, 100])
    assert [d["action"] for d in restarted["decisions"]] == ["promote", "hold"]
    assert restarted_route["override"]["file"]["promotion"] is None, "the file has no table"
