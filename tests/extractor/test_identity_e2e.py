"""Identity end to end: the real proxy in front of the real sample monolith and an extracted service.

The service that serves ``/internal/whoami/`` (a view that reads ``request.user``, carried with the
monolith's code) is extracted; its generated ``routes.toml`` marks the route ``identity = true`` and
points ``[identity]`` at the monolith. With that route switched from shadow to the service, a user
who logged in at the monolith (through the proxy) reaches the service as the same user: the
service's answer is built by its own code (``RemoteUser``) from the header the proxy signed. Without
the session, the service sees an anonymous request; a forged header never reaches it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from extractor.project import shadow_secret_env
from tests.extractor.helpers import (
    DEMONOLITH,
    ROOT,
    SAMPLE,
    extract_cli,
    http,
    run_project,
    served,
    stop,
)
from tests.helpers.ports import announced_ports

WHOAMI = "/internal/whoami/"
SECRET = "identity-e2e-secret-0123456789abcdef"
SHADOW_SECRET = "shadow-e2e-secret-0123456789abcdef"
pytestmark = pytest.mark.timeout(240)


def moved_to_service(routes_toml: str, service: str, path: str, urls: dict[str, str]) -> str:
    """The generated routes file with real upstream URLs and the route of ``path`` sent to the service."""
    text = routes_toml.replace('"http://127.0.0.1:8000"', json.dumps(urls["monolith"]))
    text = text.replace('"http://127.0.0.1:8100"', json.dumps(urls[service]))
    blocks = text.split("[[routes]]")
    for index, block in enumerate(blocks):
        if f'path = "{path}"' in block:
            assert "identity = true" in block, block
            moved = block.replace(f'to = "monolith"\nmirror = "{service}"', f'to = "{service}"')
            blocks[index] = moved.replace("shadow_writes = true\n", "")
    return "[[routes]]".join(blocks)


@contextmanager
def proxy(routes: Path, log: Path, secrets: dict[str, str]) -> Iterator[str]:
    """``demonolith proxy`` on a free 127.0.0.1 port, with the ``secrets`` in its environment."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **secrets}
    with log.open("wb") as out:
        process = subprocess.Popen([*DEMONOLITH, "proxy", "--routes", str(routes), "--listen",
                                    "127.0.0.1:0", "--admin", "off", "--access-log", "off"],
                                   cwd=routes.parent, env=env, stdout=out, stderr=out)
        try:
            base = f"http://127.0.0.1:{announced_port(process, log)}"
            http("GET", base + "/healthz/", time.monotonic() + 30)
            yield base
        finally:
            stop(process)


def announced_port(process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> int:
    """The port a ``--listen 127.0.0.1:0`` proxy says (in ``log``) the OS gave it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        for line in log.read_text(errors="replace").splitlines():
            if "proxy listening on" in line:
                return announced_ports(line)[0]
        time.sleep(0.1)
    raise AssertionError(f"the proxy did not say where it listens:\n{log.read_text(errors='replace')}")


def get_json(opener: urllib.request.OpenerDirector, url: str,
             headers: dict[str, str] | None = None) -> object:
    """GET ``url`` through ``opener`` (keeps cookies) and decode the JSON answer."""
    with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return json.loads(response.read())


def login(opener: urllib.request.OpenerDirector, base: str) -> object:
    """Log in as the seeded demo user through the proxy (the monolith answers)."""
    body = json.dumps({"username": "demo", "password": "demo-pass-123"}).encode()
    request = urllib.request.Request(base + "/api/customers/login/", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_logged_in_route_moved_to_the_service_gets_the_user(
        sample_analysis: Path, monolith_db: Path, tmp_path: Path) -> None:
    analysis = json.loads(sample_analysis.read_text())
    service = next(s["name"] for s in analysis["services"] if WHOAMI in s["routes"])
    assert extract_cli(sample_analysis, service, tmp_path).returncode == 0
    root = tmp_path / service
    run_project(["migrate", "-v0"], root)
    identity = {"DEMONOLITH_IDENTITY_SECRET": SECRET, "DEMONOLITH_SHADOW_SECRET": SHADOW_SECRET,
                shadow_secret_env(service): SHADOW_SECRET}  # the proxy's name of the shadow key
    with (served(SAMPLE, env={"SHOP_DB_PATH": str(monolith_db), "SHOP_DEBUG": "0", **identity},
                 log=tmp_path / "monolith.log") as monolith,
          served(root, env=identity, log=tmp_path / "service.log") as service_url):
        routes = tmp_path / "routes.toml"
        routes.write_text(moved_to_service((root / "routes.toml").read_text(), service, WHOAMI,
                                           {"monolith": monolith, service: service_url}))
        subprocess.run([*DEMONOLITH, "routes", "check", str(routes)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT), **identity}, timeout=60)
        with proxy(routes, tmp_path / "proxy.log", identity) as base:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            assert get_json(opener, base + WHOAMI)["is_authenticated"] is False  # type: ignore[index]
            user = login(opener, base)
            seen = get_json(opener, base + WHOAMI)
            forged = get_json(urllib.request.build_opener(), base + WHOAMI,
                              {"X-Demonolith-Identity": f"v1.{user['user_id']}.9999999999.{'0' * 64}"})  # type: ignore[index]
    assert seen == {"user_id": user["user_id"], "username": f"user-{user['user_id']}",  # type: ignore[index]
                    "is_authenticated": True, "is_staff": False}, "the service's RemoteUser answered"
    assert forged["is_authenticated"] is False  # type: ignore[index]  # stripped by the proxy
