"""The promotion loop judges the canary against the primary of the same period: a load that grows
while the canary is at 50 % slows both sides alike and does not roll a good canary back; at 100 %
the primary's last period is its baseline. The samples are scripted (what the data path would have
recorded), so the windows, not the machine's speed, decide."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from strangler_proxy.config.live import LiveRoutes
from strangler_proxy.config.model import ProxyConfig
from strangler_proxy.config.state import state_path_for
from strangler_proxy.observe.samples import Taken
from strangler_proxy.process.promotion import PromotionLoop
from tests.strangler_proxy.process.test_promotion_loop import moves, until_state
from tests.strangler_proxy.support import routes_toml, run_async

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
weights = { monolith = 75, catalog = 25 }
[routes.promotion]
steps = [25, 50, 100]
every = "100ms"
min_samples = 20
max_latency_ratio = 1.5

[default]
to = "monolith"
"""
# per weight: (primary's requests, canary's, their latency); the load triples at 50 %
SCRIPT = {25: (100, 40, 0.001), 50: (60, 60, 0.003), 100: (0, 60, 0.003)}



class Script:
    """The samples the data path would give: each weight's requests of :data:`SCRIPT`, once."""

    def __init__(self) -> None:
        self.loop: PromotionLoop | None = None
        self.given: set[int] = set()

    async def take(self) -> Taken:
        """The current weight's requests, the first time it is asked at that weight."""
        assert self.loop is not None
        weight = self.loop.promotions["catalog"].weight
        if weight in self.given or weight not in SCRIPT:
            return {}
        self.given.add(weight)
        primary, canary, latency = SCRIPT[weight]
        now = time.monotonic()
        return {("catalog", "monolith"): [(now, latency + i * 1e-6, False) for i in range(primary)],
                ("catalog", "catalog"): [(now, latency + i * 1e-6, False) for i in range(canary)]}


@run_async(timeout=30, loops=("asyncio",))
async def test_a_load_growing_during_a_step_does_not_roll_a_good_canary_back(tmp_path: Path) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_toml({"monolith": 9, "catalog": 9}, ROUTES))
    live, script = LiveRoutes(routes, state_path_for(routes), owner=True), Script()
    served: list[ProxyConfig] = []

    async def serve(config: ProxyConfig) -> dict[str, Any]:
        served.append(config)
        return {}

    live.attach(serve, None)
    loop = script.loop = PromotionLoop(live, script.take, None, tick=0.01)
    task = asyncio.create_task(loop.run())
    try:
        shown = await until_state(loop, {"complete", "rolled_back"})
    finally:
        task.cancel()
    assert moves(shown) == [("promote", 50), ("promote", 100), ("complete", 100)], shown
    assert shown["window"] == {"canary": 60, "primary": 60, "min_samples": 20}
    assert len(served) == 2  # the weights of 50 and of 100 reached the data path
