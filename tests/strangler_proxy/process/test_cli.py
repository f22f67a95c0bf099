"""``demonolith routes check`` and ``demonolith proxy`` / ``python -m strangler_proxy`` as real
processes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from strangler_proxy.errors import ProxyError
from strangler_proxy.process.event_loop import loop_factory
from tests.helpers.ports import announced_ports, listening_socket, port_of

GOOD = """
[upstreams.monolith]
url = "http://127.0.0.1:{port}"
[[routes]]
name = "catalog"
path_prefix = "/api/catalog/"
to = "monolith"
[default]
to = "monolith"
"""


def demonolith(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "demonolith", *args], capture_output=True,
                          text=True, timeout=60)


def test_routes_check_good_file(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD.format(port=8000))
    result = demonolith("routes", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert "ok (1 route, 1 upstream)" in result.stdout and "1. catalog -> monolith" in result.stdout


def test_routes_check_json_lists_the_routes_in_precedence_order(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    more = GOOD.replace("[default]", '[[routes]]\nname = "exact"\npath = "/api/catalog/x"\n'
                        'to = "monolith"\n[default]')
    path.write_text(more.format(port=8000))
    result = demonolith("routes", "check", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["ok"], document["path"], document["upstreams"]) == (True, str(path), ["monolith"])
    assert [(r["position"], r["name"]) for r in document["routes"]] == [(1, "exact"), (2, "catalog")]
    assert document["routes"][1]["weights"] == [{"upstream": "monolith", "weight": 1}]
    assert document["default"] == [{"upstream": "monolith", "weight": 1}]
    bad = demonolith("routes", "check", str(tmp_path / "nope.toml"), "--format", "json")
    assert (bad.returncode, bad.stdout) == (8, "") and bad.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (GOOD.replace('to = "monolith"\n[default]', 'to = "catalog"\n[default]'), "routes[0].to"),
        (GOOD.replace('url = "http://127.0.0.1:{port}"', "url = 5"), "upstreams.monolith.url"),
        (GOOD.replace("[default]", "[default\n"), "line"),
    ],
)
def test_routes_check_bad_file_one_line_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text.format(port=8000))
    result = demonolith("routes", "check", str(path))
    assert result.returncode == 8
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("demonolith: error: ") and key in lines[0]
    assert "bad.toml" in lines[0]


def test_routes_check_missing_file(tmp_path: Path) -> None:
    result = demonolith("routes", "check", str(tmp_path / "nope.toml"))
    assert result.returncode == 8 and "cannot read routes file" in result.stderr


def serve_once(sock: socket.socket) -> subprocess.Popen[bytes]:
    """A tiny HTTP backend serving on ``sock``, a listening socket handed over by its fd."""
    script = (
        "import http.server, json, socket, sys\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        body = json.dumps({'path': self.path, 'rid': self.headers['X-Request-ID']})"
        ".encode()\n"
        "        self.send_response(200); self.send_header('Content-Length', str(len(body)))\n"
        "        self.end_headers(); self.wfile.write(body)\n"
        "    def log_message(self, *a): pass\n"
        "server = http.server.HTTPServer(('127.0.0.1', 0), H, bind_and_activate=False)\n"
        "server.socket = socket.socket(fileno=int(sys.argv[1]))\n"
        "server.serve_forever()\n"
    )
    return subprocess.Popen([sys.executable, "-c", script, str(sock.fileno())],
                            pass_fds=[sock.fileno()])


def get(url: str, timeout: float = 10.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize(("launcher", "loop", "loop_module"), [
    ("demonolith", "auto", "uvloop"), ("standalone", "asyncio", "asyncio"),
    ("standalone", "uvloop", "uvloop"),
])
def test_proxy_process_serves_a_request(
    tmp_path: Path, launcher: str, loop: str, loop_module: str
) -> None:
    with listening_socket() as backend_socket:
        routes = tmp_path / "routes.toml"
        routes.write_text(GOOD.format(port=port_of(backend_socket)))
        backend = serve_once(backend_socket)
    args = ["--routes", str(routes), "--listen", "127.0.0.1:0", "--loop", loop,
            "--admin", "127.0.0.1:0", "--access-log", str(tmp_path / "access.log")]
    command = ([sys.executable, "-m", "demonolith", "proxy", *args] if launcher == "demonolith"
               else [sys.executable, "-m", "strangler_proxy", *args])
    proxy = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert proxy.stderr is not None
        announcement = proxy.stderr.readline()  # the ports it bound (port 0: the OS chose)
        port, admin = announced_ports(announcement)
        body = json.loads(get(f"http://127.0.0.1:{port}/api/catalog/../catalog/x?q=1"))
        assert body["path"] == "/api/catalog/x?q=1" and len(body["rid"]) == 32
        metrics = get(f"http://127.0.0.1:{admin}/metrics").decode()
        assert 'proxy_requests_total{route="catalog",upstream="monolith",code="200"} 1' in metrics
    finally:
        proxy.terminate()
        _, rest = proxy.communicate(timeout=10)
        stderr = announcement + rest
        backend.terminate()
        backend.wait(10)
    assert proxy.returncode == 0
    assert f"proxy listening on http://127.0.0.1:{port}, metrics on " in stderr
    assert stderr.splitlines()[0].endswith(f"/metrics (event loop: {loop_module})")  # auto: uvloop
    entry = json.loads((tmp_path / "access.log").read_text().splitlines()[0])
    assert entry["route"] == "catalog" and entry["status"] == 200


def test_proxy_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(GOOD.format(port=8000))
    result = demonolith("proxy", "--routes", str(routes), "--listen", "nonsense")
    assert result.returncode == 8
    assert result.stderr.strip() == "demonolith: error: listen: expected HOST:PORT, got 'nonsense'"


def test_unknown_event_loop_is_refused_with_one_line(tmp_path: Path) -> None:
    routes = tmp_path / "routes.toml"
    routes.write_text(GOOD.format(port=8000))
    result = demonolith("proxy", "--routes", str(routes), "--loop", "trio")
    assert result.returncode == 2 and "Invalid value for '--loop'" in result.stderr
    with pytest.raises(ProxyError, match="--loop: expected one of auto, asyncio, uvloop"):
        loop_factory("trio")
