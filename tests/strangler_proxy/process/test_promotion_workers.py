"""A real proxy process promotes a route by itself: alone (the process records and decides), and
with ``--workers 2`` (the workers record the samples, the supervisor takes them over the control
sockets, decides, and every worker applies the new weights)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.strangler_proxy.live_support import (
    CATALOG_ON_MONOLITH,
    admin_json,
    backend,
    get,
    promoted_catalog,
    start_proxy,
)
from tests.strangler_proxy.support import ADMIN_TOKEN

# the backend answers /steady in 20 ms: sub-millisecond answers differ by more than x3 from one
# period to the next on a loaded machine, and at 100 % the canary is judged against the primary's
# previous period
PROMOTION = """
steps = [25, 50, 100]
every = "300ms"
min_samples = 10
max_latency_ratio = 4.0
"""
STEADY = "/api/catalog/steady"


def until_complete(admin: int, timeout: float = 40.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        _, shown = admin_json(admin, "GET", "/api/routes/catalog/promotion")
        if shown["state"] in ("complete", "rolled_back") or time.monotonic() > deadline:
            return dict(shown)
        time.sleep(0.05)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_proxy_process_promotes_a_good_canary_to_100(tmp_path: Path, workers: str) -> None:
    statuses: list[int] = []
    stop = threading.Event()

    def client(port: int) -> None:
        while not stop.is_set():
            statuses.append(get(port, STEADY)[0])

    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(promoted_catalog(port, PROMOTION))
        proxy = start_proxy(routes, "--workers", workers, "--admin-token", ADMIN_TOKEN,
                            "--drain-seconds", "2")
        clients = [threading.Thread(target=client, args=(proxy.port,)) for _ in range(2)]
        try:
            for thread in clients:
                thread.start()
            shown = until_complete(proxy.admin)
            _, route = admin_json(proxy.admin, "GET", "/api/routes/catalog")
        finally:
            stop.set()
            for thread in clients:
                thread.join(30)
            assert proxy.stop() == 0
    moves = [(d["action"], d["weight"]) for d in shown["decisions"] if d["action"] != "hold"]
    assert moves == [("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert route["weights"] == {"monolith": 0, "catalog": 100}
    assert set(statuses) == {200}
    assert proxy.events("promotion_decision")[-1]["action"] == "complete"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_promotion_started_at_run_time_is_recorded_by_every_worker(tmp_path: Path,
                                                                     workers: str) -> None:
    statuses: list[int] = []
    stop = threading.Event()

    def client(port: int) -> None:
        while not stop.is_set():
            statuses.append(get(port, STEADY)[0])

    policy = {"steps": [25, 50, 100], "every": 0.3, "min_samples": 10, "max_latency_ratio": 4.0}
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(CATALOG_ON_MONOLITH.format(port=port))
        proxy = start_proxy(routes, "--workers", workers, "--admin-token", ADMIN_TOKEN,
                            "--drain-seconds", "2")
        clients = [threading.Thread(target=client, args=(proxy.port,)) for _ in range(2)]
        try:
            started = admin_json(proxy.admin, "POST", "/api/routes/catalog/promotion",
                                 {"action": "start", "promotion": policy, "canary": "catalog"})
            for thread in clients:
                thread.start()
            shown = until_complete(proxy.admin)
        finally:
            stop.set()
            for thread in clients:
                thread.join(30)
            assert proxy.stop() == 0
    assert started[0] == 200 and started[1]["weight"] == 25, started
    moves = [(d["action"], d["weight"]) for d in shown["decisions"] if d["action"] != "hold"]
    assert moves == [("promote", 25), ("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert set(statuses) == {200}
