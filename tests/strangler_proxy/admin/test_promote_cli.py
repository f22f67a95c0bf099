"""``demonolith routes promote``: a real proxy process with a promoted route, commanded through the
CLI over the admin API -- hold, step, rollback, refusals as one line with exit 8 -- and the weights,
``/metrics``, the decision log and a restart that continues from the weights it kept."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.strangler_proxy.admin.test_breaker_cli import demonolith
from tests.strangler_proxy.live_support import admin_json, backend, promoted_catalog, start_proxy
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
    assert (restarted["state"], restarted["weight"]) == ("stopped", 0)
