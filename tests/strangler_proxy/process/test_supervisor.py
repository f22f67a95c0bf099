"""``--workers 2``: both workers serve, an admin change reaches both (measured by each worker's
split), metrics are summed across workers, a killed worker is replaced, SIGTERM stops them all."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

from tests.strangler_proxy.live_support import (
    CATALOG_ON_MONOLITH,
    admin_json,
    backend,
    get,
    start_proxy,
    wait_until,
)
from tests.strangler_proxy.support import ADMIN_TOKEN

ROUTES = CATALOG_ON_MONOLITH


def metric_sum(text: str, prefix: str) -> float:
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix))


def metrics(port: int) -> str:
    status, body = get(port, "/metrics")
    assert status == 200
    return body.decode()


def test_two_workers_share_the_port_and_both_apply_an_admin_change(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(ROUTES.format(port=port))
        proxy = start_proxy(routes, "--workers", "2", "--admin-token", ADMIN_TOKEN,
                            "--access-log", str(log), "--drain-seconds", "5")
        try:
            before = [get(proxy.port, "/api/catalog/before")[0] for _ in range(200)]
            status, change = admin_json(proxy.admin, "PATCH", "/api/routes/catalog",
                                        {"weights": {"catalog": 50, "monolith": 50}})
            after = [get(proxy.port, "/api/catalog/after")[0] for _ in range(600)]
            merged = metrics(proxy.admin)
            _, workers = admin_json(proxy.admin, "GET", "/status")
            _, upstreams = admin_json(proxy.admin, "GET", "/api/upstreams")
        finally:
            assert proxy.stop() == 0
    assert status == 200 and change["workers"] == {"total": 2, "applied": 2, "failed": []}
    assert set(before) == set(after) == {200}
    assert metric_sum(merged, "proxy_requests_total{") == 800  # both workers' counts, summed
    assert "demonolith_proxy_workers 2" in merged
    assert len({w["pid"] for w in workers["workers"]}) == 2
    assert {w["digest"] for w in workers["workers"]} == {workers["digest"]}
    assert set(upstreams["upstreams"]["catalog"]["workers"]) == {"0", "1"}
    for index in (0, 1):
        entries = [json.loads(line) for line in Path(f"{log}.w{index}").read_text().splitlines()]
        split = Counter((e["path"].rsplit("/", 1)[-1], e["upstream"]) for e in entries)
        assert split[("before", "catalog")] == 0
        served_after = split[("after", "catalog")] + split[("after", "monolith")]
        assert served_after >= 60, split  # the kernel spread the connections over both
        assert 0.3 < split[("after", "catalog")] / served_after < 0.7, split


def test_a_killed_worker_is_replaced_with_the_current_routes(tmp_path: Path) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(ROUTES.format(port=port))
        proxy = start_proxy(routes, "--workers", "2", "--admin-token", ADMIN_TOKEN)
        try:
            admin_json(proxy.admin, "PATCH", "/api/routes/catalog", {"to": "catalog"})
            _, status = admin_json(proxy.admin, "GET", "/status")
            victim = status["workers"][0]["pid"]
            os.kill(victim, signal.SIGKILL)

            def replaced() -> bool:
                _, now = admin_json(proxy.admin, "GET", "/status")
                pids = {w["pid"] for w in now["workers"]}
                return len(pids) == 2 and victim not in pids

            wait_until(replaced, timeout=15)
            _, now = admin_json(proxy.admin, "GET", "/status")
            served = {get(proxy.port, "/api/catalog/x")[0] for _ in range(50)}
        finally:
            assert proxy.stop() == 0
    assert served == {200}
    assert {w["digest"] for w in now["workers"]} == {now["digest"]}
    assert proxy.events("worker_restarted")[0]["worker"] == 0
