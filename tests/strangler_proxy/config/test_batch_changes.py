"""Several routes changed in one atomic admin call (``PATCH /api/routes``), ``demonolith routes
rollback`` end to end, and ``routes export`` reflecting the proxy's run-time changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aiohttp

from strangler_proxy.config.routes_file import load_routes
from strangler_proxy.config.state import apply_overrides, state_from_json, state_path_for
from strangler_proxy.export import export_routes
from tests.strangler_proxy.live_support import admin_json, backend, live_proxy, start_proxy
from tests.strangler_proxy.support import ADMIN_TOKEN, AUTH, App, routes_toml, run_async

ROUTES = """
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "monolith"
mirror = "shadow"

[[routes]]
name = "cart"
path_prefix = "/api/cart/"
to = "monolith"

[[routes]]
path_prefix = "/unnamed/"
to = "monolith"

[default]
to = "monolith"
"""


@run_async()
async def test_a_batch_applies_together_or_not_at_all(tmp_path: Path) -> None:
    monolith, catalog = await App("monolith").start(), await App("catalog").start()
    routes = tmp_path / "routes.toml"
    routes.write_text(routes_toml({"monolith": monolith.port, "catalog": catalog.port,
                                  "shadow": catalog.port}, ROUTES))
    state_file = state_path_for(routes)
    async with live_proxy(routes) as (proxy, live), aiohttp.ClientSession(headers=AUTH) as session:
        admin, client = (f"http://127.0.0.1:{port}" for port in (proxy.admin_port, proxy.listen_port))

        async def patch(body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
            async with session.patch(admin + "/api/routes", json=body,
                                     headers={"X-Admin-User": "carol"}) as response:
                return response.status, await response.json()

        async def served(path: str) -> str:
            async with session.get(client + path) as response:
                return str((await response.json())["upstream"])

        digest = live.status.digest
        status, done = await patch({"changes": [
            {"route": "catalog", "to": "catalog"},
            {"route": "cart", "weights": {"catalog": 100, "monolith": 0}}], "expect_digest": digest})
        assert status == 200, done
        assert [(r["route"]["name"], r["route"]["weights"], r["overridden"]) for r in done["routes"]] == [
            ("catalog", {"catalog": 1}, True), ("cart", {"monolith": 0, "catalog": 100}, True)]
        assert (await served("/api/catalog/x"), await served("/api/cart/x")) == ("catalog", "catalog")
        assert live.status.reason == "admin batch of 2"
        history = json.loads(state_file.read_text())["history"]
        assert [(c["route"], c["action"], c["by"]["user"]) for c in history] == [
            ("catalog", "set", "carol"), ("cart", "set", "carol")]
        assert history[0]["at"] == history[1]["at"] == done["at"]  # one change, one moment

        before = state_file.read_text()
        refused = [
            await patch({"changes": [{"route": "catalog", "reset": True},
                                     {"route": "nowhere", "to": "monolith"}]}),
            await patch({"changes": [{"route": "catalog", "reset": True},
                                     {"route": "routes[2]", "to": "monolith"}]}),
            await patch({"changes": [{"route": "cart", "reset": True},
                                     {"route": "cart", "to": "monolith"}]}),
            await patch({"changes": [{"route": "cart", "reset": True}], "expect_digest": digest}),
            await patch({"changes": []}),
        ]
        assert [status for status, _ in refused] == [404, 409, 400, 409, 400]
        assert "changes[1] (nowhere): no route named 'nowhere'" in refused[0][1]["error"]
        assert "routes changed since they were read" in refused[3][1]["error"]
        assert state_file.read_text() == before  # nothing of a refused batch was applied
        assert (await served("/api/catalog/x"), await served("/api/cart/x")) == ("catalog", "catalog")

        status, reset = await patch({"changes": [{"route": "catalog", "reset": True},
                                                 {"route": "cart", "reset": True}]})
        assert status == 200 and not any(r["overridden"] for r in reset["routes"])
        assert (await served("/api/catalog/x"), await served("/api/cart/x")) == ("monolith", "monolith")
    assert live.state.overrides == ()
    for app in (monolith, catalog):
        await app.stop()


def demonolith(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=60)


def test_rollback_cli_moves_every_route_back_in_one_change_and_export_follows_the_state(
    tmp_path: Path,
) -> None:
    with backend() as port:
        routes = tmp_path / "routes.toml"
        routes.write_text(routes_toml({"monolith": port, "catalog": port, "shadow": port}, ROUTES))
        proxy = start_proxy(routes, "--admin-token", ADMIN_TOKEN)
        admin = ["--admin", f"http://127.0.0.1:{proxy.admin}", "--token", ADMIN_TOKEN]
        try:
            assert demonolith("routes", "set", "catalog", "--to", "catalog",
                              "--mirror-percent", "0", *admin).returncode == 0
            assert demonolith("routes", "set", "cart", "--weights", "catalog=10,monolith=90",
                              *admin).returncode == 0
            live_export = demonolith("routes", "export", str(routes), "--format", "nginx")
            file_export = demonolith("routes", "export", str(routes), "--format", "nginx",
                                     "--no-state")
            both = demonolith("routes", "rollback", "--reset-all", "--to", "monolith", *admin)
            rolled = demonolith("routes", "rollback", "--upstream", "catalog", *admin,
                                "--user", "bob")
            again = demonolith("routes", "rollback", "--upstream", "catalog", *admin)
            _, listing = admin_json(proxy.admin, "GET", "/api/routes")
            _, changes = admin_json(proxy.admin, "GET", "/api/changes")
            reset = demonolith("routes", "rollback", "--reset-all", *admin)
        finally:
            assert proxy.stop() == 0
        rolled_back_export = demonolith("routes", "export", str(routes), "--format", "nginx")
    state_text = state_path_for(routes).read_text()

    # export: the live routing by default (and says so), the routes file alone with --no-state
    assert live_export.returncode == 0, live_export.stderr
    assert "applied 2 run-time changes" in live_export.stderr and "cart, catalog" in live_export.stderr
    assert file_export.returncode == 0 and "applied" not in file_export.stderr
    assert file_export.stdout == export_routes(load_routes(routes), "nginx").text
    assert live_export.stdout != file_export.stdout
    assert "split_clients" in live_export.stdout and "split_clients" not in file_export.stdout

    # rollback: one batch moving both routes, logged once per route at the same moment
    assert both.returncode == 8 and "--reset-all alone" in both.stderr
    assert rolled.returncode == 0, rolled.stderr
    # the mirror stays as it was set (off); cart is back on the routes file's values
    assert rolled.stdout.splitlines()[:2] == ["catalog: monolith=1; mirror shadow 0%",
                                              "cart: monolith=1 [routes file values]"]
    assert rolled.stdout.splitlines()[2].startswith("rolled back 2 route(s) in one change at ")
    assert again.stdout.strip() == "nothing to roll back: no route sends traffic to catalog"
    assert {r["name"]: r["weights"] for r in listing["routes"]} == {
        "catalog": {"monolith": 1}, "cart": {"monolith": 1}, "routes[2]": {"monolith": 1}}
    last = changes["changes"][-2:]
    assert [(c["route"], c["by"]["user"]) for c in last] == [("catalog", "bob"), ("cart", "bob")]
    assert last[0]["at"] == last[1]["at"]
    logged = [(e["route"], e["batch"]) for e in proxy.events("admin_change") if e["user"] == "bob"]
    assert logged == [("catalog", 2), ("cart", 2)]
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.splitlines() == [
        "catalog: monolith=1; mirror shadow 100% [routes file values]",
        f"rolled back 1 route(s) in one change at {json.loads(state_text)['history'][-1]['at']}"]
    assert json.loads(state_text)["overrides"] == []
    # with no run-time change left, the export is the routes file's again
    assert rolled_back_export.stdout == file_export.stdout
    assert "applied 0 run-time changes" in rolled_back_export.stderr
    config = apply_overrides(load_routes(routes), state_from_json(state_text, "state")).config
    assert export_routes(config, "nginx").text == file_export.stdout
