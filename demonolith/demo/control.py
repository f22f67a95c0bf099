"""Run the proxy and change its routing between stages through its admin API.

The proxy starts once with the shadow routes file; every later stage is a set of run-time changes
(``PATCH /api/routes/NAME`` with the bearer token — what ``demonolith routes set`` sends), kept in
the proxy's state file, and a rollback drops them all in one atomic call (``routes rollback
--reset-all``). The equivalent command lines are recorded so the demo can print what a user would
type.
"""

from __future__ import annotations

import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demonolith.demo.errors import DemoFailure
from demonolith.demo.processes import Managed, Supervisor, wait_ready

ADMIN_USER = "demonolith-demo"


@dataclass(frozen=True)
class ProxyPorts:
    """The proxy's client and admin listeners (both on 127.0.0.1)."""

    listen: int
    admin: int

    @property
    def url(self) -> str:
        """Base URL clients use."""
        return f"http://127.0.0.1:{self.listen}"

    @property
    def admin_url(self) -> str:
        """Base URL of the admin listener (``/metrics``, ``/status``, ``/api/...``)."""
        return f"http://127.0.0.1:{self.admin}"


class ProxyControl:
    """Owns the proxy process; changes routes through the admin API."""

    def __init__(self, supervisor: Supervisor, ports: ProxyPorts, directory: Path,
                 env: Mapping[str, str], log_dir: Path, token: str) -> None:
        self.supervisor, self.ports, self.directory = supervisor, ports, directory
        self.env = {**env, "DEMONOLITH_ADMIN_TOKEN": token}
        self.log_dir, self.token = log_dir, token
        self.process: Managed | None = None
        self.commands: list[str] = []
        self.overridden: dict[str, dict[str, Any]] = {}  # run-time changes in force, by route

    @property
    def routes_file(self) -> Path:
        """The routes file the proxy was started with."""
        return self.directory / "routes.toml"

    @property
    def state_file(self) -> Path:
        """Where the proxy keeps run-time changes (and their log)."""
        return self.directory / "proxy-state.json"

    @property
    def access_log(self) -> Path:
        """The proxy's JSON access log."""
        return self.log_dir / "proxy-access.log"

    def start(self, document: str) -> None:
        """Write the routes file and start the proxy on it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.routes_file.write_text(document, encoding="utf-8")
        argv = [sys.executable, "-m", "demonolith", "proxy", "--routes", str(self.routes_file),
                "--listen", f"127.0.0.1:{self.ports.listen}", "--admin", f"127.0.0.1:{self.ports.admin}",
                "--access-log", str(self.access_log), "--state-file", str(self.state_file)]
        self.process = self.supervisor.start("proxy", argv, log=self.log_dir / "proxy.log", env=self.env)
        wait_ready(f"{self.ports.admin_url}/healthz", self.process, timeout=30)

    def set_route(self, route: str, change: Mapping[str, Any]) -> bool:
        """Change ``route`` now (``{}``: drop the run-time change); False when already so."""
        from strangler_proxy.admin.client import set_route
        from strangler_proxy.errors import ProxyError

        if dict(change) == self.overridden.get(route, {}):
            return False
        self.commands.append(routes_set_command(route, change, self.ports.admin_url))
        try:
            set_route(self.ports.admin_url, self.token, route, dict(change), ADMIN_USER)
        except ProxyError as exc:
            raise DemoFailure(f"admin API: {route}: {exc}") from exc
        if change:
            self.overridden[route] = dict(change)
        else:
            self.overridden.pop(route, None)
        return True

    def rollback(self) -> bool:
        """Drop every run-time change in one atomic admin call; False when there was none."""
        from strangler_proxy.admin.client import call, change_routes, rollback_changes
        from strangler_proxy.errors import ProxyError

        if not self.overridden:
            return False
        self.commands.append(f"demonolith routes rollback --reset-all --admin {self.ports.admin_url}")
        try:
            listing = call(self.ports.admin_url, "GET", "/api/routes", self.token)
            changes = rollback_changes(listing, reset_all=True)
            if changes:
                change_routes(self.ports.admin_url, self.token, changes, ADMIN_USER,
                              listing["reload"]["digest"])
        except ProxyError as exc:
            raise DemoFailure(f"admin API: rollback: {exc}") from exc
        self.overridden.clear()
        return True

    def promotion(self, route: str) -> dict[str, Any]:
        """The automatic canary of ``route`` (``GET /api/routes/NAME/promotion``); {} while absent."""
        from strangler_proxy.admin.client import promotion
        from strangler_proxy.errors import ProxyError

        try:
            return promotion(self.ports.admin_url, self.token, route)
        except ProxyError:
            return {}

    def rewrite(self, document: str, timeout: float = 15.0) -> None:
        """Replace the routes file; the proxy reloads it by itself (it polls the file every second).

        Waits until the admin API shows the new file's digest."""
        from strangler_proxy.admin.client import call
        from strangler_proxy.errors import ProxyError

        before = call(self.ports.admin_url, "GET", "/api/routes", self.token)["reload"]["digest"]
        self.routes_file.write_text(document, encoding="utf-8")
        self.commands.append(f"edit {self.routes_file} (the proxy reloads it)")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if call(self.ports.admin_url, "GET", "/api/routes", self.token)["reload"]["digest"] != before:
                    return
            except ProxyError:
                pass
            time.sleep(0.2)
        raise DemoFailure(f"the proxy did not reload {self.routes_file} within {timeout:.0f}s")

    def metrics_text(self) -> str:
        """The Prometheus text of ``/metrics`` right now."""
        return _get(f"{self.ports.admin_url}/metrics")

    def status_text(self) -> str:
        """The JSON of ``/status`` (breakers, recent shadow differences)."""
        return _get(f"{self.ports.admin_url}/status", self.token)


def routes_set_command(route: str, change: Mapping[str, Any], admin_url: str) -> str:
    """The ``demonolith routes set`` command line that makes ``change``."""
    parts = ["demonolith", "routes", "set", route]
    if not change:
        parts.append("--reset")
    if "weights" in change:
        parts += ["--weights", ",".join(f"{k}={v}" for k, v in change["weights"].items())]
    if "to" in change:
        parts += ["--to", str(change["to"])]
    if "mirror_percent" in change:
        parts += ["--mirror-percent", f"{change['mirror_percent']:g}"]
    return " ".join([*parts, "--admin", admin_url])


def _get(url: str, token: str | None = None) -> str:
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as response:
        return bytes(response.read()).decode("utf-8")
